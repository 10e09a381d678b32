using System.Text.Json.Nodes;

namespace Climb;

/// <summary>The outcome of one <see cref="WorkRequest"/>.</summary>
/// <param name="Request">The request.</param>
/// <param name="Payload">The result payload written by the worker.</param>
/// <param name="Job">The Slurm job that produced it ("1234" or "1234_5" for an array task), or <see langword="null"/> when it ran in process.</param>
/// <param name="Host">The host that ran it.</param>
/// <param name="Attempts">The attempts it took (1 when it succeeded first time; 0 when an earlier run had already finished it).</param>
internal sealed record WorkResult(WorkRequest Request, JsonObject Payload, string? Job, string? Host, int Attempts);
