namespace Climb;

/// <summary>Scores documents on the four CLIMB quality criteria.</summary>
/// <remarks>Implementations must be safe for concurrent use.</remarks>
public interface IQualityScorer
{
    /// <summary>Gets a stable identity of this component: its kind, every option that changes its output,
    /// and a hash of any learned state. Two instances with equal identities produce equal outputs; the
    /// pipeline fingerprints artifacts with it, so a retrained or reconfigured component never reuses
    /// stale results.</summary>
    string Identity { get; }

    /// <summary>Scores a batch of texts.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>One score set per text, in order.</returns>
    Task<IReadOnlyList<QualityScores>> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
