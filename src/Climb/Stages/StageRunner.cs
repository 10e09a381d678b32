using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// Runs stages in order in one artifacts folder: takes the folder's lock, decides for every stage whether it is reused
/// (complete, same fingerprint, every file matching its content hash), resumed or run, discards every stage that
/// depends on one that will run (and their published files) before anything runs, writes each manifest last, and
/// reports progress and outcomes.
/// </summary>
internal sealed class StageRunner(string root, ILogger logger, OptionNames names)
{
    private const string DiscardedPrefix = ".discarded-";

    public List<StageReport> Reports { get; } = [];

    public Dictionary<string, double> Counts { get; } = [];

    /// <summary>Gets the folder of a stage: its number in the stage table, then its name (<c>01-embed</c>).</summary>
    public string Folder(PipelineStage stage) => Path.Combine(root, stage.Definition.FolderName);

    /// <summary>Runs <paramref name="stages"/>[0..<paramref name="last"/>], reusing and resuming what is valid.</summary>
    public async Task RunAsync(IReadOnlyList<PipelineStage> stages, int last, StageContext context, CancellationToken ct)
    {
        using var owner = ArtifactsLock.Acquire(root, names["ArtifactsFolder"]);
        if (owner.PreviousOwner is { } stale)
        {
            StageLog.StaleLockTakenOver(logger, root, stale.Pid, stale.Host);
        }

        DeleteDiscarded();

        // Plan first: which stages are reusable, which run; discard what depends on a stage that runs.
        var reusable = new bool[last + 1];
        var manifests = new StageManifest?[last + 1];
        for (int i = 0; i <= last; i++)
        {
            var stage = stages[i];
            string folder = Folder(stages[i]);
            var m = manifests[i] = StageManifest.TryLoad(folder);
            if (m is { Complete: true } && m.Fingerprint == stage.Fingerprint && stage.Upstream.All(u => reusable[IndexOf(stages, u)]))
            {
                string? problem = m.Verify(folder, ct);
                if (problem is null)
                {
                    reusable[i] = true;
                    continue;
                }

                StageLog.StageCorrupt(logger, stage.Name, problem);
                manifests[i] = null;
            }
            else if (m is not null && m.Fingerprint != stage.Fingerprint)
            {
                StageLog.StageInvalidated(logger, stage.Name, folder);
                manifests[i] = null;
            }
        }

        var running = Enumerable.Range(0, last + 1).Where(i => !reusable[i]).ToList();
        Discard(stages, running, keepResumable: i => i <= last && manifests[i] is { Complete: false } m && m.Fingerprint == stages[i].Fingerprint && stages[i].Resumable);

        for (int i = 0; i <= last; i++)
        {
            var stage = stages[i];
            string folder = Folder(stages[i]);
            if (reusable[i])
            {
                try
                {
                    stage.Load(context, folder);
                    Reuse(stage, folder, manifests[i]!, context);
                    continue;
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
                {
                    StageLog.StageCorrupt(logger, stage.Name, ex.Message);
                    Discard(stages, [i], keepResumable: _ => false);
                }
            }

            await RunStageAsync(stage, folder, context, ct).ConfigureAwait(false);
        }
    }

    private void Reuse(PipelineStage stage, string folder, StageManifest manifest, StageContext context)
    {
        StageLog.StageReused(logger, stage.Name, folder);
        context.Report(stage.Name, "reused");
        foreach (var (k, v) in manifest.Counts)
        {
            Counts[k] = v;
        }

        Publish(stage, folder);
        Reports.Add(new StageReport(stage.Name, folder, StageOutcome.Reused, TimeSpan.Zero));
    }

    private async Task RunStageAsync(PipelineStage stage, string folder, StageContext context, CancellationToken ct)
    {
        var outcome = StageManifest.TryLoad(folder) is { Complete: false } m && m.Fingerprint == stage.Fingerprint && stage.Resumable
            ? StageOutcome.Resumed
            : StageOutcome.Ran;
        if (outcome == StageOutcome.Ran && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var manifest = new StageManifest { Stage = stage.Name, Fingerprint = stage.Fingerprint };
        await manifest.SaveAsync(folder, ct).ConfigureAwait(false);
        StageLog.StageStarting(logger, stage.Name, outcome, folder);
        context.Report(stage.Name, outcome == StageOutcome.Resumed ? "resuming" : "running");
        long started = Stopwatch.GetTimestamp();
        IReadOnlyDictionary<string, double> counts;
        WrittenFileHashes written;
        using (WrittenFileHashes.Record(out written))
        {
            counts = await stage.RunAsync(context, folder, ct).ConfigureAwait(false);
        }

        foreach (var (k, v) in counts)
        {
            manifest.Counts[k] = v;
            Counts[k] = v;
        }

        manifest.Files = StageManifest.HashFolder(folder, ct, written); // files written through AtomicFile were hashed while written
        StageLog.StageHashed(logger, stage.Name, written.Hits, manifest.Files.Count);
        var elapsed = Stopwatch.GetElapsedTime(started);
        manifest.Seconds = elapsed.TotalSeconds;
        manifest.CompletedAt = DateTimeOffset.UtcNow;
        manifest.Complete = true;
        await manifest.SaveAsync(folder, ct).ConfigureAwait(false);
        Publish(stage, folder);
        StageLog.StageCompleted(logger, stage.Name, elapsed.TotalSeconds);
        Reports.Add(new StageReport(stage.Name, folder, outcome, elapsed));
    }

    /// <summary>
    /// Removes the given stages and every stage that depends on them (transitively, including stages after the last one
    /// run), published files first and folders last, downstream first; a folder is renamed away (atomic) before it is
    /// deleted, so an interruption never leaves a stale stage looking complete.
    /// </summary>
    private void Discard(IReadOnlyList<PipelineStage> stages, IEnumerable<int> changed, Func<int, bool> keepResumable)
    {
        var doomed = new SortedSet<int>(changed);
        for (int j = 0; j < stages.Count; j++)
        {
            if (stages[j].Upstream.Any(u => doomed.Contains(IndexOf(stages, u))))
            {
                doomed.Add(j);
            }
        }

        foreach (int j in doomed.Reverse())
        {
            foreach (string published in stages[j].PublishedFiles)
            {
                File.Delete(Path.Combine(root, published));
            }
        }

        foreach (int j in doomed.Reverse())
        {
            string folder = Folder(stages[j]);
            if (!Directory.Exists(folder) || keepResumable(j))
            {
                continue;
            }

            if (StageManifest.TryLoad(folder) is { Complete: true })
            {
                StageLog.StageDiscarded(logger, stages[j].Name, folder);
            }

            string trash = Path.Combine(root, DiscardedPrefix + Path.GetFileName(folder) + "-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.Move(folder, trash);
        }

        DeleteDiscarded();
    }

    private void DeleteDiscarded()
    {
        foreach (string trash in Directory.EnumerateDirectories(root, DiscardedPrefix + "*"))
        {
            Directory.Delete(trash, recursive: true);
        }
    }

    private static int IndexOf(IReadOnlyList<PipelineStage> stages, PipelineStage stage)
    {
        for (int i = 0; i < stages.Count; i++)
        {
            if (ReferenceEquals(stages[i], stage))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The {stage.GetType().Name} is upstream of a stage but not part of the run.");
    }

    private void Publish(PipelineStage stage, string folder)
    {
        foreach (string name in stage.PublishedFiles)
        {
            string source = Path.Combine(folder, name);
            string destination = Path.Combine(root, name);
            if (!File.Exists(destination) || !File.ReadAllBytes(destination).AsSpan().SequenceEqual(File.ReadAllBytes(source)))
            {
                AtomicFile.Write(destination, File.ReadAllBytes(source));
            }
        }
    }
}
