using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Climb.Tests.Pipeline;

namespace Climb.Tests.ProxyTraining;

/// <summary>
/// The command proxy inside the pipeline with the tests' own trainer (<see cref="KnownFunctionTrainer"/>, python3 only):
/// failures of every kind journaled while the search goes on, a planted super-cluster name that never reaches a command
/// line, and the data folder (written once, every document in it).
/// </summary>
public class CommandProxyKnownFunctionTests
{
    private static ClimbCorpus Corpus => ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);

    [PythonFact]
    public async Task A_timeout_a_non_zero_exit_and_a_malformed_result_are_each_a_journaled_failure_with_its_stderr_and_the_search_goes_on()
    {
        string dir = CommandProxyTestData.TempDir("known-failures");
        string counter = Path.Combine(dir, "count");
        // Run 2 sleeps past the timeout, run 3 writes a malformed result, run 4 exits 4; every other run is the known function.
        string command = $"n=$(cat '{counter}' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '{counter}'; case $n in " +
            "2) echo \"planted timeout $n\" >&2; sleep 600;; " +
            "3) echo \"planted malformed $n\" >&2; printf 'objective: low' > {output};; " +
            "4) echo \"planted exit $n\" >&2; exit 4;; " +
            "*) " + KnownFunctionTrainer.Template() + ";; esac";
        string artifacts = Path.Combine(dir, "artifacts");
        var builder = CommandProxyPipelineTests.Builder(artifacts, command).Configure(o => o.CommandProxy.Timeout = TimeSpan.FromSeconds(20));

        var result = await builder.Build().RunAsync(Corpus, [PipelineFixtures.Target("python")]);

        int runs = int.Parse(File.ReadAllText(counter).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var journal = SearchJournal(artifacts);
        Assert.Equal(runs, journal.Count); // every run journaled once: its result or its failure
        var failures = journal.Where(l => l["kind"]!.GetValue<string>() == "failure").Select(l => l["reason"]!.GetValue<string>()).ToList();
        Assert.Equal(3, failures.Count);
        Assert.Equal(3, result.Search.Failures.Count);
        Assert.Contains(failures, r => r.Contains("timed out after 20 s and was killed", StringComparison.Ordinal) && r.Contains("planted timeout 2", StringComparison.Ordinal));
        Assert.Contains(failures, r => r.Contains("exited with code 0 but", StringComparison.Ordinal) && r.Contains("is not valid JSON", StringComparison.Ordinal) && r.Contains("planted malformed 3", StringComparison.Ordinal));
        Assert.Contains(failures, r => r.Contains("exited with code 4", StringComparison.Ordinal) && r.Contains("planted exit 4", StringComparison.Ordinal));
        // The search went on past them: the later runs finished, and the answer is feasible.
        Assert.True(runs >= 9, $"{runs} runs");
        Assert.Equal(runs - 3, journal.Count(l => l["kind"]!.GetValue<string>() == "result"));
        Assert.True(journal.FindLastIndex(l => l["kind"]!.GetValue<string>() == "result") > journal.FindLastIndex(l => l["kind"]!.GetValue<string>() == "failure"), "results after the failures");
        CommandProxyPipelineTests.AssertFeasible(artifacts);
    }

    [PythonFact]
    public async Task A_super_cluster_name_full_of_shell_metacharacters_planted_in_the_catalogue_changes_nothing()
    {
        string dir = CommandProxyTestData.TempDir("known-planted");
        string cwd = Directory.CreateDirectory(Path.Combine(dir, "cwd")).FullName;
        string artifacts = Path.Combine(dir, "artifacts");
        string marker = Path.Combine(dir, "PWNED");
        // Every way a name could run a command if it were pasted into a shell line, each creating a file next to the test's folders.
        string planted = $"0: $(touch '{marker}1') `touch '{marker}2'`; touch '{marker}3' | touch {marker}4 && touch \"{marker}5\" ' \" {{output}} {{{{ }} \\ * ~ > {marker}6 \n touch {marker}7 # ${{IFS}}";
        string command = "printf '%s\\n' {mixture} {data} {output} {seed} > {output}.args; " + KnownFunctionTrainer.Template();
        ClimbPipeline Pipeline() => CommandProxyPipelineTests.Builder(artifacts, command).Configure(o => o.CommandProxy.WorkingDirectory = cwd).Build();
        await Pipeline().RunUntilAsync(Corpus, [PipelineFixtures.Target("python")], "tokenize");
        PlantName(Path.Combine(artifacts, "06-tokenize"), planted);

        var result = await Pipeline().RunAsync(Corpus, [PipelineFixtures.Target("python")]);

        // The planted name reached the pipeline (the data folder, the mixture files and the answer name it) ...
        Assert.Equal(planted, result.ComponentNames[0]);
        Assert.Contains(planted, JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, "07-proxy-data", "data.json")))!["super_clusters"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(planted, KnownFunctionTrainer.Answer(artifacts).Names[0]);
        // ... and ran nothing: no file it asks for exists, the working directory is empty.
        Assert.Empty(Directory.GetFiles(dir, "PWNED*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
        var attempts = Directory.GetDirectories(Path.Combine(artifacts, "08-search", "command"), "attempt-*", SearchOption.AllDirectories);
        Assert.True(attempts.Length >= 9, $"{attempts.Length} proxy runs");
        foreach (string attempt in attempts)
        {
            // The command line is the template with three quoted paths Climb made and the seed: nothing of the name.
            string line = File.ReadAllText(Path.Combine(attempt, "command.sh"));
            Assert.DoesNotContain("PWNED", line, StringComparison.Ordinal);
            Assert.DoesNotContain("touch", line, StringComparison.Ordinal);
            string mixture = Path.Combine(attempt, "mixture.json"), output = Path.Combine(attempt, "result.json");
            string[] args = File.ReadAllLines(output + ".args");
            Assert.Equal(4, args.Length);
            Assert.Equal([mixture, Path.Combine(artifacts, "07-proxy-data"), output], args[..3]);
            Assert.Matches("^-?[0-9]+$", args[3]);
            Assert.Equal(planted, JsonNode.Parse(File.ReadAllText(mixture))!["weights"]!.AsObject().First().Key); // the name, exactly, inside the JSON file only
        }
    }

    [PythonFact]
    public async Task The_data_folder_holds_every_tokenized_document_once_with_its_tokens_and_a_rerun_does_not_write_it_again()
    {
        string dir = CommandProxyTestData.TempDir("known-data");
        string artifacts = Path.Combine(dir, "artifacts");
        var first = await CommandProxyPipelineTests.Builder(artifacts, KnownFunctionTrainer.Template("python")).Build().RunAsync(Corpus, [PipelineFixtures.Target("python")]);
        string data = Path.Combine(artifacts, "07-proxy-data");

        // Every document the tokenize stage kept is in exactly one shard of its super-cluster, with the store's token count.
        using var store = TokenizedClusterStore.Open(Path.Combine(artifacts, "06-tokenize", "store"), ByteTokenizer.Instance);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(data, "data.json")))!;
        var clusters = index["super_clusters"]!.AsArray();
        Assert.Equal(store.ClusterCount, clusters.Count);
        var ids = new List<string>();
        for (int c = 0; c < store.ClusterCount; c++)
        {
            var lines = clusters[c]!["files"]!.AsArray()
                .SelectMany(f => File.ReadLines(Path.Combine(data, f!["path"]!.GetValue<string>())))
                .Select(l => JsonNode.Parse(l)!)
                .ToList();
            long[] offsets = store.DocumentOffsets(c);
            Assert.Equal(offsets.Zip(offsets.Skip(1), (a, b) => b - a), lines.Select(l => l["tokens"]!.GetValue<long>()));
            Assert.Equal(store.TokenCounts[c], clusters[c]!["tokens"]!.GetValue<long>());
            Assert.Equal(store.DocumentCounts[c], clusters[c]!["documents"]!.GetValue<long>());
            ids.AddRange(lines.Select(l => l["id"]!.GetValue<string>()));
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(PipelineFixtures.Corpus.Select(d => d.Id).ToHashSet(), ids.ToHashSet());
        Assert.Equal(store.DocumentCounts.Sum(), ids.Count);
        Assert.True(ids.Count > PipelineFixtures.Corpus.Count / 2, $"{ids.Count} of {PipelineFixtures.Corpus.Count} documents kept");

        // Another command re-runs the search (every proxy again, with the new command) and reuses the data, untouched.
        var before = Snapshot(data);
        var firstRuns = SearchJournal(artifacts).Select(l => l["proxyConfiguration"]!.GetValue<string>()).ToList();
        var second = await CommandProxyPipelineTests.Builder(artifacts, "true && " + KnownFunctionTrainer.Template("python")).Build().RunAsync(Corpus, [PipelineFixtures.Target("python")]);
        Assert.Equal(StageOutcome.Reused, second.Stages.Single(s => s.Stage == "proxy-data").Outcome);
        Assert.Equal(StageOutcome.Ran, second.Stages.Single(s => s.Stage == "search").Outcome);
        Assert.Equal(before, Snapshot(data));
        var secondRuns = SearchJournal(artifacts).Select(l => l["proxyConfiguration"]!.GetValue<string>()).ToList();
        Assert.Equal(firstRuns.Count, secondRuns.Count);
        Assert.Empty(firstRuns.Intersect(secondRuns)); // the new command's proxies, not the old ones'
        Assert.Equal(first.Mixture.ToArray(), second.Mixture.ToArray()); // the same function, the same seed: the same answer
    }

    /// <summary>Rewrites the catalogue's first name (as a corrupted or hostile corpus might have named it) and re-hashes the stage's manifest so that the pipeline reuses it.</summary>
    private static void PlantName(string tokenizeFolder, string name)
    {
        string path = Path.Combine(tokenizeFolder, "catalogue.json");
        var catalogue = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        catalogue["Names"]!.AsArray()[0] = name;
        catalogue["Entries"]!.AsArray()[0]!["Name"] = name;
        File.WriteAllText(path, catalogue.ToJsonString());
        var manifest = StageManifest.TryLoad(tokenizeFolder)!;
        manifest.Files = StageManifest.HashFolder(tokenizeFolder, CancellationToken.None);
        manifest.SaveAsync(tokenizeFolder).GetAwaiter().GetResult();
    }

    private static Dictionary<string, (long, DateTime, string)> Snapshot(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
        .Where(f => Path.GetFileName(f) != StageManifest.FileName)
        .ToDictionary(
            f => Path.GetRelativePath(folder, f),
            f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))));

    internal static List<JsonObject> SearchJournal(string artifacts) =>
        File.ReadAllLines(Path.Combine(artifacts, "08-search", "journal.jsonl")).Skip(1).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
}
