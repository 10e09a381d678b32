namespace Climb;

/// <summary>Why a <see cref="MixtureSearchSession"/> asks for a proxy run.</summary>
public enum MixtureProposalKind
{
    /// <summary>A mixture the strategy proposed in one of its rounds.</summary>
    Search = 0,

    /// <summary>The prior mixture again on another data seed, proposed with round 0, to measure the proxy's noise floor (<see cref="MixtureSearchOptions.NoiseReplicates"/>).</summary>
    NoiseReplicate = 1,

    /// <summary>The strategy's answer, measured once on the best measured result's data seed (<see cref="MixtureSearchOptions.MeasureAnswer"/>).</summary>
    AnswerMeasurement = 2,
}
