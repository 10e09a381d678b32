using System.Diagnostics;
using System.Globalization;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// One setting of the evidence benchmark: a corpus, a target held out from it, and the pipeline's cluster counts.
/// Every seed of a setting shares its pipeline artifacts up to tokenisation.
/// </summary>
/// <param name="Name">The short name used on the command line and in the records.</param>
/// <param name="Corpus">What the corpus is, for the report.</param>
/// <param name="Target">What the target is, for the report.</param>
/// <param name="ClusterCount">The k-means clusters; <see langword="null"/> keeps the pipeline's default (documents / 100).</param>
/// <param name="SuperClusters">The super-clusters the merge stage produces.</param>
internal sealed record PowerSetting(string Name, string Corpus, string Target, int? ClusterCount, int SuperClusters)
{
    /// <summary>The documents of fortunes-it held out as the Italian target (a seeded choice, never in the corpus).</summary>
    public const int ItalianHeldOut = 60;

    public static readonly PowerSetting[] All =
    [
        new("sample",
            "the bundled sample corpus (data/sample-corpus: bible, devil, foldoc, fortunes, jargon, python; 15,306 documents)",
            "data/sample-targets/computing.jsonl.gz (200 FOLDOC definitions + 40 Python files held out from the sample corpus)",
            null,
            20),
        new("multilingual",
            "data/multilingual (Spanish, Italian and Russian fortunes, the French Debian FAQ; 1,000 documents) less the Italian documents held out",
            $"{ItalianHeldOut} Italian fortunes (fortunes-it) held out from data/multilingual by a seeded choice, not in the corpus",
            48,
            12),
        new("wordnet",
            "WordNet 3.0 glosses (Debian wordnet-base; scripts/build-wordnet-corpus.py: 8 synsets of one lexicographer file per document, 45 files, 14,607 documents)",
            "biology: 120 documents of noun.animal and noun.plant held out by scripts/build-wordnet-corpus.py, not in the corpus",
            null,
            20),
    ];

    public static PowerSetting Find(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"--settings: unknown setting '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}.");

    /// <summary>Reads the corpus and the target of this setting (building the WordNet corpus first when it is missing).</summary>
    public async Task<(List<Document> Corpus, TextTarget Target)> LoadAsync(string root, string work, string? wordnetFolder, Action<string> say, CancellationToken ct)
    {
        switch (Name)
        {
            case "sample":
            {
                var docs = await ReadAsync(Path.Combine(root, "data", "sample-corpus"), ct);
                string target = Path.Combine(root, "data", "sample-targets", "computing.jsonl.gz");
                return (docs, TextTarget.FromJsonl("computing", target));
            }

            case "multilingual":
            {
                var all = await ReadAsync(Path.Combine(root, "data", "multilingual"), ct);
                var italian = all.Where(d => d.Source?.StartsWith("fortunes-it", StringComparison.Ordinal) == true).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
                if (italian.Count < ItalianHeldOut * 2)
                {
                    throw new InvalidDataException($"data/multilingual holds {italian.Count} Italian documents (source fortunes-it/…), too few to hold out {ItalianHeldOut}.");
                }

                // A seeded choice independent of the experiment seeds: every seed and strategy is scored on the same text.
                var random = new Random(20260421);
                var held = italian.OrderBy(_ => random.Next()).Take(ItalianHeldOut).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
                var corpus = all.Where(d => !held.Contains(d.Id)).ToList();
                var target = new TextTarget("italian", all.Where(d => held.Contains(d.Id)).Select(d => d.Text).ToList());
                return (corpus, target);
            }

            case "wordnet":
            {
                string folder = wordnetFolder ?? Path.Combine(work, "wordnet-corpus");
                await EnsureWordNetAsync(root, folder, wordnetFolder is null, say, ct);
                var docs = await ReadAsync(Path.Combine(folder, "corpus"), ct);
                return (docs, TextTarget.FromJsonl("biology", Path.Combine(folder, "target", "biology.jsonl.gz")));
            }

            default:
                throw new InvalidOperationException($"No loader for setting '{Name}'.");
        }
    }

    private static async Task<List<Document>> ReadAsync(string folder, CancellationToken ct)
    {
        if (!Directory.Exists(folder) || Directory.GetFiles(folder, "*.jsonl.gz").Length == 0)
        {
            throw new DirectoryNotFoundException($"{folder}: no *.jsonl.gz corpus files there.");
        }

        var docs = new List<Document>();
        await foreach (var d in ClimbCorpus.FromFiles([folder], new CorpusReaderOptions { FilePattern = "*.jsonl.gz" }).ReadAsync(ct))
        {
            docs.Add(d);
        }

        return docs;
    }

    private static async Task EnsureWordNetAsync(string root, string folder, bool build, Action<string> say, CancellationToken ct)
    {
        string marker = Path.Combine(folder, ".complete");
        if (File.Exists(marker) || (!build && File.Exists(Path.Combine(folder, "manifest.json"))))
        {
            return;
        }

        if (!build)
        {
            throw new DirectoryNotFoundException($"--wordnet {folder}: no manifest.json there (build it with python3 scripts/build-wordnet-corpus.py {folder}).");
        }

        string tmp = folder + ".tmp";
        if (Directory.Exists(tmp))
        {
            Directory.Delete(tmp, recursive: true);
        }

        say($"wordnet: building the corpus and its biology target (python3 scripts/build-wordnet-corpus.py {tmp})");
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(root, "scripts", "build-wordnet-corpus.py"));
        psi.ArgumentList.Add(tmp);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start python3.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/build-wordnet-corpus.py failed (exit {process.ExitCode.ToString(CultureInfo.InvariantCulture)}): {(await stderr).Trim()}\nInstall its Debian package: sudo apt-get install wordnet-base");
        }

        say("wordnet: " + (await stdout).Trim());
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.Move(tmp, folder);
        await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), ct);
    }
}
