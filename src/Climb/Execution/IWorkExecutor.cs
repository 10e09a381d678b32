namespace Climb;

/// <summary>
/// Runs the pipeline's parallel units of work (proxy runs, embedding shards, assignment shards), each a
/// <see cref="WorkRequest"/> file, somewhere: as Slurm jobs (<see cref="SlurmExecutor"/>), or wherever an implementation
/// sends them.
/// </summary>
/// <remarks>Implementations must be safe for concurrent calls. An executor has the request file executed by a worker
/// that sees the same storage (<c>climb worker &lt;request&gt;</c>, or a <see cref="WorkRunner"/> in process), then reads
/// the result file beside it with <see cref="WorkRunner.ReadResult"/>.</remarks>
internal interface IWorkExecutor
{
    /// <summary>Gets a description of where the work runs ("local", "slurm partition=gpu …"); it does not change results.</summary>
    string Identity { get; }

    /// <summary>Runs one request (one Slurm job for <see cref="SlurmExecutor"/>) and returns its result.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the wait (and the work: Slurm jobs are cancelled).</param>
    /// <returns>The result.</returns>
    Task<WorkResult> ExecuteAsync(WorkRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs many requests of the same kind (a job array for <see cref="SlurmExecutor"/>) and returns their results in order.</summary>
    /// <param name="requests">The requests.</param>
    /// <param name="cancellationToken">Cancels the wait (and the work).</param>
    /// <returns>One result per request, in order.</returns>
    Task<IReadOnlyList<WorkResult>> ExecuteManyAsync(IReadOnlyList<WorkRequest> requests, CancellationToken cancellationToken = default);
}
