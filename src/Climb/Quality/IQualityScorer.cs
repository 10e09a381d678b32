namespace Climb;

/// <summary>Scores documents on the four CLIMB quality criteria.</summary>
/// <remarks>Implementations must be safe for concurrent use.</remarks>
public interface IQualityScorer
{
    /// <summary>Scores a batch of texts.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>One score set per text, in order.</returns>
    Task<IReadOnlyList<QualityScores>> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
