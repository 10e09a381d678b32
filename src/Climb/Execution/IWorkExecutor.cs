using System.Text.Json.Nodes;

namespace Climb;

/// <summary>
/// Runs the pipeline's parallel units of work (proxy runs, embedding shards, assignment shards), each a
/// <see cref="WorkRequest"/> file, somewhere: in this process (<see cref="LocalExecutor"/>) or as Slurm jobs
/// (<see cref="SlurmExecutor"/>).
/// </summary>
/// <remarks>Implementations must be safe for concurrent calls.</remarks>
public interface IWorkExecutor
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

/// <summary>The outcome of one <see cref="WorkRequest"/>.</summary>
/// <param name="Request">The request.</param>
/// <param name="Payload">The result payload written by the worker.</param>
/// <param name="Job">The Slurm job that produced it ("1234" or "1234_5" for an array task), or <see langword="null"/> when it ran in process.</param>
/// <param name="Host">The host that ran it.</param>
/// <param name="Attempts">The attempts it took (1 when it succeeded first time; 0 when an earlier run had already finished it).</param>
public sealed record WorkResult(WorkRequest Request, JsonObject Payload, string? Job, string? Host, int Attempts);
