using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// The pipeline's default transformer proxy: a base model is pre-trained once on the uniform mixture (in the search
/// stage's folder), and every proxy continues from it, as in the paper.
/// </summary>
internal sealed class WarmStartedProxyTrainer(TorchSharpProxyTrainerOptions options, long baseTokens, ILoggerFactory loggers) : IPreparedProxyTrainer
{
    private readonly TorchSharpProxyTrainerOptions _options = OptionsValidation.Validate(OptionsCopy.Clone(options));
    private TorchSharpProxyTrainer? _inner;
    private TorchSharpProxyTrainerOptions? _prepared;

    /// <inheritdoc />
    public string Identity => ComponentIdentity.Of("torchsharp", _options) + string.Create(CultureInfo.InvariantCulture, $";warmStart=uniform:{baseTokens}");

    public async Task PrepareAsync(ITokenizedClusters data, string folder, int seed, Action<string> report, CancellationToken cancellationToken)
    {
        string basePath = Path.Combine(folder, "base", "base.ckpt");
        if (!File.Exists(basePath + ".complete"))
        {
            report("pre-training the shared base model on the uniform mixture");
            var pretrainer = new TorchSharpProxyTrainer(_options, loggers.CreateLogger<TorchSharpProxyTrainer>());
            Directory.CreateDirectory(Path.GetDirectoryName(basePath)!);
            var progress = new SyncProgress<ProxyTrainingProgress>(b => report(string.Create(
                CultureInfo.InvariantCulture,
                $"pre-training the base: {b.TokensTrained:N0} of {baseTokens:N0} tokens, {b.TokensPerSecond:N0} tokens/s, ETA {b.EstimatedRemaining?.TotalSeconds ?? 0:F0} s")));
            await pretrainer.PretrainBaseAsync(data, basePath, baseTokens, seed, null, null, progress, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(basePath + ".complete", "complete", cancellationToken).ConfigureAwait(false);
        }

        var withBase = OptionsCopy.Clone(_options);
        withBase.BaseCheckpointPath = basePath;
        _prepared = withBase;
        _inner = new TorchSharpProxyTrainer(withBase, loggers.CreateLogger<TorchSharpProxyTrainer>());
    }

    /// <summary>Gets the options every proxy trains with once the base is prepared (they name the base checkpoint).</summary>
    public TorchSharpProxyTrainerOptions PreparedOptions => _prepared ?? throw new InvalidOperationException("The base model has not been prepared.");

    /// <inheritdoc />
    public Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        (_inner ?? throw new InvalidOperationException("The base model has not been prepared.")).TrainAsync(request, progress, cancellationToken);
}
