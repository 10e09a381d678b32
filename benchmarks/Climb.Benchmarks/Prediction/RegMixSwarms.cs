namespace Climb.Benchmarks.Prediction;

/// <summary>RegMix's four published swarms (data/swarms/regmix): the 1M training runs and the 1M, 60M and 1B test mixtures.</summary>
internal sealed record RegMixSwarms(MixtureSwarm Train, MixtureSwarm Test1M, MixtureSwarm Test60M, MixtureSwarm Test1B)
{
    public static RegMixSwarms Load(string folder)
    {
        MixtureSwarm Read(string mixtures, string losses) =>
            MixtureSwarm.Load(Path.Combine(folder, mixtures + ".csv"), Path.Combine(folder, losses + ".csv"));
        var s = new RegMixSwarms(
            Read("train_mixture_1m", "train_pile_loss_1m"),
            Read("test_mixture_1m", "test_pile_loss_1m"),
            Read("test_mixture_60m", "test_pile_loss_60m"),
            Read("test_mixture_1B", "test_pile_loss_1B"));
        foreach (var t in new[] { s.Test1M, s.Test60M, s.Test1B })
        {
            if (!t.Components.SequenceEqual(s.Train.Components) || !t.Metrics.SequenceEqual(s.Train.Metrics))
            {
                throw new InvalidDataException($"{t.RatiosSource}: its domains or losses differ from the training swarm's.");
            }
        }

        return s;
    }

    /// <summary>The (mixture, utility) pairs of one loss: utility = −loss, so larger is better as the predictors expect.</summary>
    public static List<(MixtureWeights Mixture, double Target)> Observations(MixtureSwarm swarm, int metric) =>
        swarm.Runs.Where(r => double.IsFinite(r.Metrics[metric])).Select(r => (r.Mixture, -r.Metrics[metric])).ToList();
}
