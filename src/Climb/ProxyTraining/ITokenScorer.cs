namespace Climb;

/// <summary>A language model that can score token sequences (the TorchSharp transformer, the n-gram model).</summary>
internal interface ITokenScorer
{
    /// <summary>Gets the longest sequence (tokens) that can be scored at once.</summary>
    int MaxSequenceLength { get; }

    /// <summary>Returns the summed natural-log probability of the scored positions of each request.</summary>
    double[] SumLogProbabilities(IReadOnlyList<ScoringRequest> requests, CancellationToken cancellationToken);
}
