namespace Climb;

/// <summary>Whether a larger or a smaller objective is better.</summary>
public enum ObjectiveGoal
{
    /// <summary>Smaller is better (for example a loss or perplexity).</summary>
    Minimize = 0,

    /// <summary>Larger is better (for example an accuracy).</summary>
    Maximize = 1,
}

/// <summary>The outcome of one proxy run: a mixture, the model trained on it, and its scores on the target.</summary>
public sealed class ProxyResult
{
    /// <summary>Gets the mixture the proxy was trained on.</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets the seed of the run.</summary>
    public required int Seed { get; init; }

    /// <summary>Gets the objective the search optimises, in the direction given by <see cref="Goal"/>.</summary>
    public required double Objective { get; init; }

    /// <summary>Gets whether a smaller or larger <see cref="Objective"/> is better.</summary>
    public required ObjectiveGoal Goal { get; init; }

    /// <summary>Gets every measured figure by name (for example "target/loss", "piqa/acc_norm").</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Gets the number of tokens the proxy was trained on.</summary>
    public long TokensTrained { get; init; }

    /// <summary>Gets the wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the device that ran the proxy (for example "cpu" or "cuda:0").</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Gets a short description of the proxy configuration (model size, steps) for journals and reports.</summary>
    public string ProxyConfiguration { get; init; } = string.Empty;

    /// <summary>Gets the objective turned so that larger is always better (negated when minimising).</summary>
    public double Utility => Goal == ObjectiveGoal.Maximize ? Objective : -Objective;
}
