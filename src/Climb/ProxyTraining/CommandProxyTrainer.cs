using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// A proxy trainer that runs the user's own trainer, any program in any language, once per proxy: it writes the mixture
/// as a JSON file of weights by super-cluster name, runs <see cref="CommandProxyTrainerOptions.Command"/> with
/// <c>{mixture}</c>, <c>{data}</c>, <c>{output}</c> and <c>{seed}</c> replaced by quoted paths and the seed, and reads the
/// result JSON the command wrote (docs/external-proxies.md, "Your own trainer as the proxy").
/// </summary>
/// <remarks>
/// <para>The command reads the documents from the data folder (each super-cluster's shards and the targets' texts) that
/// the pipeline's <c>proxy-data</c> stage writes once; outside a pipeline, set <see cref="CommandProxyTrainerOptions.DataFolder"/>.
/// No text of the corpus ever reaches the command line: super-cluster names go only into the mixture file.</para>
/// <para>A command that times out, exits with a non-zero code or writes a malformed result fails its proxy: the trainer
/// throws <see cref="ProxyRunFailedException"/> with the cause and the tail of the command's standard error, the search
/// journals the failure and goes on. Each proxy has a folder under <see cref="CommandProxyTrainerOptions.WorkDirectory"/>
/// (<c>command/proxy-&lt;hash&gt;/attempt-N/</c> in a pipeline: the mixture, the command line, its output and error logs,
/// the result); a finished proxy keeps its result there, so a re-run after a crash does not train it again.</para>
/// <para>Safe for concurrent use: the search runs up to <see cref="ClimbPipelineOptions.ProxyParallelism"/> commands at once.</para>
/// </remarks>
public sealed partial class CommandProxyTrainer : IProxyTrainer, IPreparedProxyTrainer, IProxyDataConsumer
{
    private const string OutcomeFile = "outcome.json";
    private readonly CommandProxyTrainerOptions _options;
    private readonly CommandProxyTemplate _template;
    private readonly string _workingDirectory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private string? _boundData;
    private string? _preparedWork;
    private ProxyDataFolder? _data;

    /// <summary>Initializes the trainer.</summary>
    /// <param name="options">The options (validated here, and copied).</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid (for example the template names an unknown placeholder).</exception>
    public CommandProxyTrainer(CommandProxyTrainerOptions options, ILogger<CommandProxyTrainer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = OptionsCopy.Clone(OptionsValidation.Validate(options, nameof(options)));
        _template = CommandProxyTemplate.Parse(_options.Command!);
        _workingDirectory = Path.GetFullPath(_options.WorkingDirectory ?? Environment.CurrentDirectory);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the identity: the template, the shell, the working directory as given and the data format. Where
    /// the files go and the timeout do not change a finished run's result, so they are not part of it.</summary>
    public string Identity => ComponentIdentity.Of(
        "command/v1", new { _options.Command, _options.Shell, _options.WorkingDirectory, DataFormat = _options.DataFormat.ToString() });

    /// <inheritdoc />
    DatasetFormat IProxyDataConsumer.DataFormat => _options.DataFormat;

    /// <inheritdoc />
    public async Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var data = Data();
        CheckMatches(data, request.Data.TokenCounts);
        string targets = ProxyDataFolder.TargetsFingerprintOf(request.Targets);
        if (targets != data.TargetsFingerprint)
        {
            throw new ArgumentException(
                $"The data folder '{data.FolderPath}' holds the texts of other evaluation targets than this proxy run's ({data.TargetsFingerprint} ≠ {targets}); write it again for these targets (the proxy-data stage does).",
                nameof(request));
        }

        double[] weights = request.Mixture.ToArray();
        string id = "proxy-" + WorkRequest.HashOf(
            _options.Command!, _options.Shell, _options.DataFormat.ToString(), data.ContentFingerprint, string.Join(',', weights.Select(w => w.ToString("R", CultureInfo.InvariantCulture))), request.Seed.ToString(CultureInfo.InvariantCulture));
        string folder = Path.Combine(WorkDirectory(), id);
        Directory.CreateDirectory(folder);
        string outcome = Path.Combine(folder, OutcomeFile);
        if (TryReadOutcome(outcome) is { } kept)
        {
            LogReused(id);
            return ToResult(kept.Result, request, TimeSpan.FromSeconds(kept.Seconds), id, kept.Attempt);
        }

        var (attempt, attemptFolder) = NewAttempt(folder);
        string mixture = Path.Combine(attemptFolder, "mixture.json");
        string output = Path.Combine(attemptFolder, "result.json");
        WorkFiles.WriteAtomic(mixture, MixtureJson(data, weights, request.Seed, output));
        string command = _template.Expand(mixture, data.FolderPath, output, request.Seed);
        WorkFiles.WriteAtomic(Path.Combine(attemptFolder, "command.sh"), command + "\n");
        LogStarting(id, attempt, attemptFolder);
        progress?.Report(new ProxyTrainingProgress("train", 0, 1, double.NaN, 0, TimeSpan.Zero));
        var clock = Stopwatch.StartNew();
        var (exitCode, timedOut) = await RunAsync(command, attemptFolder, mixture, data.FolderPath, output, request.Seed, cancellationToken).ConfigureAwait(false);
        clock.Stop();
        if (timedOut)
        {
            throw Failed(id, attempt, attemptFolder, $"timed out after {_options.Timeout!.Value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s and was killed");
        }

        if (exitCode != 0)
        {
            throw Failed(id, attempt, attemptFolder, $"exited with code {exitCode}{(exitCode > 128 ? $" (signal {exitCode - 128})" : string.Empty)}");
        }

        CommandProxyResultFile parsed;
        try
        {
            parsed = CommandProxyResultFile.Read(output);
        }
        catch (FormatException ex)
        {
            throw Failed(id, attempt, attemptFolder, "exited with code 0 but " + ex.Message);
        }

        var record = JsonNode.Parse(parsed.ToJson())!.AsObject();
        record["attempt"] = attempt;
        record["elapsed_seconds"] = clock.Elapsed.TotalSeconds;
        WorkFiles.WriteAtomic(outcome, record.ToJsonString(WorkFiles.Json));
        LogFinished(id, attempt, parsed.Objective, clock.Elapsed.TotalSeconds);
        var result = ToResult(parsed, request, clock.Elapsed, id, attempt);
        progress?.Report(new ProxyTrainingProgress("evaluate", 1, 1, double.NaN, result.TokensTrained, clock.Elapsed));
        return result;
    }

    /// <inheritdoc />
    void IProxyDataConsumer.UseDataFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        lock (_gate)
        {
            _boundData = Path.GetFullPath(folder);
            _data = null;
        }
    }

    /// <inheritdoc />
    Task IPreparedProxyTrainer.PrepareAsync(ITokenizedClusters data, string folder, int seed, Action<string> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        lock (_gate)
        {
            _preparedWork = Path.Combine(Path.GetFullPath(folder), "command");
        }

        // Everything that would fail every proxy fails here, before the first one runs.
        CheckMatches(Data(), data.TokenCounts);
        if (!Directory.Exists(_workingDirectory))
        {
            throw new InvalidOperationException($"The proxy command's working directory '{_workingDirectory}' does not exist (CommandProxyTrainerOptions.WorkingDirectory).");
        }

        if (Path.IsPathRooted(_options.Shell) && !File.Exists(_options.Shell))
        {
            throw new InvalidOperationException($"The proxy command's shell '{_options.Shell}' does not exist (CommandProxyTrainerOptions.Shell).");
        }

        report($"proxies run: {_options.Command} (files under {WorkDirectory()})");
        return Task.CompletedTask;
    }

    /// <summary>Describes this trainer, with its data folder, work folder and working directory made explicit, for a worker on another node.</summary>
    internal ProxyTrainerSpec WorkerSpec()
    {
        var options = OptionsCopy.Clone(_options);
        options.WorkingDirectory = _workingDirectory;
        options.DataFolder = Data().FolderPath;
        options.WorkDirectory = WorkDirectory();
        return ProxyTrainerSpec.Command(options);
    }

    private string WorkDirectory()
    {
        if (_options.WorkDirectory is { } set)
        {
            return Path.GetFullPath(set);
        }

        lock (_gate)
        {
            return _preparedWork ?? Path.Combine(Path.GetTempPath(), "climb-command-proxy-" + WorkRequest.HashOf(Identity));
        }
    }

    private ProxyDataFolder Data()
    {
        lock (_gate)
        {
            if (_data is not null)
            {
                return _data;
            }

            string folder = _boundData ?? (_options.DataFolder is { } d ? Path.GetFullPath(d) : null)
                ?? throw new InvalidOperationException(
                    "The command proxy has no data folder: run it in a ClimbPipeline (its proxy-data stage writes one) or set CommandProxyTrainerOptions.DataFolder to a folder that stage wrote.");
            return _data = ProxyDataFolder.Open(folder);
        }
    }

    private static void CheckMatches(ProxyDataFolder data, IReadOnlyList<long> tokens)
    {
        if (!data.TokenCounts.SequenceEqual(tokens))
        {
            throw new ArgumentException(
                $"The data folder '{data.FolderPath}' does not hold the proxies' data: its {data.TokenCounts.Count} super-clusters have {string.Join(", ", data.TokenCounts)} tokens, " +
                $"the token store's {tokens.Count} have {string.Join(", ", tokens)}. Write it again from the same pipeline (the proxy-data stage).");
        }
    }

    private static (int Attempt, string Folder) NewAttempt(string folder)
    {
        for (int n = 1; ; n++)
        {
            string path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"attempt-{n}"));
            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path);
                return (n, path);
            }
        }
    }

    private static string MixtureJson(ProxyDataFolder data, double[] weights, int seed, string output)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("kind", "climb-proxy-mixture");
            w.WriteNumber("version", 1);
            w.WriteStartObject("weights");
            for (int i = 0; i < weights.Length; i++)
            {
                w.WriteNumber(data.Names[i], weights[i]);
            }

            w.WriteEndObject();
            w.WriteNumber("seed", seed);
            w.WriteString("data", data.FolderPath);
            w.WriteString("output", output);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private async Task<(int ExitCode, bool TimedOut)> RunAsync(string command, string folder, string mixture, string data, string output, int seed, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(_options.Shell)
        {
            WorkingDirectory = _workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        psi.Environment["CLIMB_MIXTURE"] = mixture;
        psi.Environment["CLIMB_DATA"] = data;
        psi.Environment["CLIMB_OUTPUT"] = output;
        psi.Environment["CLIMB_SEED"] = seed.ToString(CultureInfo.InvariantCulture);
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start the proxy command's shell '{_options.Shell}' in '{_workingDirectory}': {ex.Message}", ex);
        }

        process.StandardInput.Close();
        var stdout = new FileStream(Path.Combine(folder, "stdout.log"), FileMode.Create, FileAccess.Write, FileShare.Read);
        var stderr = new FileStream(Path.Combine(folder, "stderr.log"), FileMode.Create, FileAccess.Write, FileShare.Read);
        await using (stdout.ConfigureAwait(false))
        await using (stderr.ConfigureAwait(false))
        {
            var pumps = Task.WhenAll(Pump(process.StandardOutput.BaseStream, stdout), Pump(process.StandardError.BaseStream, stderr));
            using var timeout = _options.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            bool timedOut = false;
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                await Drain(pumps).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                timedOut = true;
            }

            // A grandchild that outlives the shell may hold the pipes open: wait a little for the last output, not for it.
            await Drain(pumps).ConfigureAwait(false);
            return (timedOut ? -1 : process.ExitCode, timedOut);
        }
    }

    private static async Task Pump(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to).ConfigureAwait(false);
            await to.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    private static async Task Drain(Task pumps)
    {
        try
        {
            await pumps.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
        }
    }

    private ProxyRunFailedException Failed(string id, int attempt, string folder, string why)
    {
        string tail = Tail(Path.Combine(folder, "stderr.log"), _options.ErrorTailLines);
        string message = $"The proxy command {id} (attempt {attempt}) {why}. Its standard error{(tail.Length == 0 ? " was empty" : $" ends: {tail}")}. Files: {folder}";
        LogFailed(id, attempt, why);
        return new ProxyRunFailedException(message);
    }

    /// <summary>Returns the last lines of a log (read from its last 64 KiB), joined with " | ".</summary>
    internal static string Tail(string path, int lines)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            long start = Math.Max(0, stream.Length - (64 << 10));
            stream.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var all = reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r').Trim()).Where(l => l.Length > 0).ToArray();
            return string.Join(" | ", all.Skip(Math.Max(start > 0 ? 1 : 0, all.Length - lines)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static (CommandProxyResultFile Result, int Attempt, double Seconds)? TryReadOutcome(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var parsed = CommandProxyResultFile.Read(path);
            var o = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            return (parsed, o["attempt"]?.GetValue<int>() ?? 0, o["elapsed_seconds"]?.GetValue<double>() ?? 0);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return null; // damaged: the proxy runs again
        }
    }

    private static ProxyResult ToResult(CommandProxyResultFile r, ProxyTrainingRequest request, TimeSpan elapsed, string id, int attempt) => new()
    {
        Mixture = request.Mixture,
        Seed = request.Seed,
        Objective = r.Objective,
        Goal = r.Goal,
        Metrics = r.Metrics,
        TokensTrained = r.TokensTrained,
        Elapsed = elapsed,
        Device = r.Device ?? "external",
        ProxyConfiguration = string.Create(CultureInfo.InvariantCulture, $"command {id}/attempt-{attempt}"),
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Command proxy {Id} attempt {Attempt} starting in {Folder}")]
    private partial void LogStarting(string id, int attempt, string folder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Command proxy {Id} attempt {Attempt}: objective {Objective:G6} in {Seconds:F1} s")]
    private partial void LogFinished(string id, int attempt, double objective, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command proxy {Id} attempt {Attempt} failed: it {Why}")]
    private partial void LogFailed(string id, int attempt, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command proxy {Id} had finished before: its kept result is used")]
    private partial void LogReused(string id);
}
