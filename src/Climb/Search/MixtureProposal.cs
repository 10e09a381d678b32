namespace Climb;

/// <summary>One proxy run a <see cref="MixtureSearchSession"/> asks for: train a proxy on <see cref="Mixture"/> with data seed <see cref="Seed"/>, then tell the session its result under <see cref="Id"/>.</summary>
public sealed class MixtureProposal
{
    /// <summary>Gets the run's id, unique in the session: <c>r{round}-{index}</c> for a strategy proposal, <c>r0-noise{j}</c> for a noise replicate, <c>r{round}-answer</c> for the answer's measuring run.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the session round: 0 to <see cref="MixtureSearchSession.RoundCount"/> − 1 for the strategy's rounds (the noise replicates go with round 0), <see cref="MixtureSearchSession.RoundCount"/> for the answer's measuring run.</summary>
    public required int Round { get; init; }

    /// <summary>Gets the index among the proposals of its kind in its round.</summary>
    public required int Index { get; init; }

    /// <summary>Gets why the run is asked for.</summary>
    public required MixtureProposalKind Kind { get; init; }

    /// <summary>Gets the mixture to train on (within the prior's <see cref="MixturePrior.MaxWeights"/>).</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets the data seed to train with (the order the data is drawn in).</summary>
    public required int Seed { get; init; }

    /// <summary>Gets the utility the strategy's predictor expects for this mixture, when a predictor chose it.</summary>
    public double? PredictedUtility { get; init; }

    /// <summary>Gets the round the search journal files the run under (−1 for the noise replicates).</summary>
    internal int JournalRound => Kind == MixtureProposalKind.NoiseReplicate ? MixtureSearch.NoiseRound : Round;

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Mixture} seed {Seed}";
}
