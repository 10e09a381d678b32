namespace Climb;

/// <summary>One run of a <see cref="MixtureSwarm"/>: a proxy trained on one mixture, and what it measured.</summary>
internal sealed class MixtureSwarmRun
{
    internal MixtureSwarmRun(string run, int line, MixtureWeights mixture, double[] metrics)
    {
        Run = run;
        Line = line;
        Mixture = mixture;
        Metrics = metrics;
    }

    /// <summary>Gets the run's id, as the ratios file spells it.</summary>
    public string Run { get; }

    /// <summary>Gets the 1-based line of the run in the ratios file.</summary>
    public int Line { get; }

    /// <summary>Gets the mixture the run trained on, normalised to sum to 1, with one weight per <see cref="MixtureSwarm.Components"/> entry.</summary>
    public MixtureWeights Mixture { get; }

    /// <summary>Gets the run's value of each <see cref="MixtureSwarm.Metrics"/> entry; NaN where the metrics file has no value (an empty cell, or no row for the run).</summary>
    public IReadOnlyList<double> Metrics { get; }
}
