using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>Runs one proxy training request ("proxy"): opens the token store by its folder, reads the targets, rebuilds the trainer from its description, trains and scores.
/// A run the trainer reports as failed (<see cref="ProxyRunFailedException"/>) is a result with <c>failed: true</c> and its reason, so the job succeeds and is not retried.</summary>
internal sealed class ProxyWorkHandler : IWorkHandler
{
    public string Kind => ProxyWorkFiles.Kind;

    public async Task<JsonObject> ExecuteAsync(WorkRequest request, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var p = request.Payload;
        string tokens = p["tokens"]?.GetValue<string>() ?? throw new InvalidDataException($"{request.RequestPath}: 'tokens' is missing.");
        if (!Directory.Exists(tokens))
        {
            throw new WorkRequestNotFoundException($"Token store '{tokens}' named by {request.RequestPath} not found on host '{Environment.MachineName}': the artifacts folder must be on storage every node sees.", tokens);
        }

        var targets = ProxyWorkFiles.ReadTargets(p["targets"]!.GetValue<string>());
        var spec = ProxyTrainerSpec.FromJson(p["trainer"]!.AsObject());
        var mixture = new MixtureWeights(p["mixture"]!.AsArray().Select(x => x!.GetValue<double>()));
        int seed = p["seed"]!.GetValue<int>();
        using var store = TokenizedClusterStore.Open(tokens);
        var trainer = spec.Create(loggers);
        try
        {
            var result = await trainer.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = seed, Data = store, Targets = targets }, null, cancellationToken).ConfigureAwait(false);
            return ProxyWorkFiles.ResultToJson(result);
        }
        catch (ProxyRunFailedException ex)
        {
            // The proxy failed, not the job: the result says so (a retry would fail the same way), and the search journals it.
            return ProxyWorkFiles.FailureToJson(ex.Message);
        }
        finally
        {
            (trainer as IDisposable)?.Dispose();
        }
    }
}
