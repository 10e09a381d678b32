using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>Executes one kind of <see cref="WorkRequest"/> inside a worker.</summary>
/// <remarks>Implementations must be safe for concurrent use: a <see cref="LocalExecutor"/> runs several requests at once.</remarks>
internal interface IWorkHandler
{
    /// <summary>Gets the kind of request this handler executes (matches <see cref="WorkRequest.Kind"/>).</summary>
    string Kind { get; }

    /// <summary>Executes a request and returns the result payload (written to the result file by the runner).</summary>
    /// <param name="request">The request.</param>
    /// <param name="loggers">Creates loggers for the components the handler builds.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result payload.</returns>
    Task<JsonObject> ExecuteAsync(WorkRequest request, ILoggerFactory loggers, CancellationToken cancellationToken);
}
