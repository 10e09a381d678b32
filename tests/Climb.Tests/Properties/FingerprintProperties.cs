using System.Text;
using System.Text.Json;
using CsCheck;

namespace Climb.Tests.Properties;

/// <summary>Fingerprints change when, and only when, an input that changes the output changes.</summary>
public sealed class FingerprintProperties : IDisposable
{
    private static readonly Gen<string[]> Parts = Gen.String[Gen.Char["ab\0"], 0, 3].Array[0, 4];

    private readonly PropertyFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Content_hash_is_equal_exactly_for_equal_part_sequences()
    {
        // Tiny alphabets make different splits of one concatenation ("ab","c" / "a","bc") and empty parts common.
        Gen.Select(Parts, Parts).Sample(p =>
        {
            bool same = p.Item1.SequenceEqual(p.Item2);
            Assert.Equal(same, Fingerprint.Of(p.Item1.Cast<object?>().ToArray()) == Fingerprint.Of(p.Item2.Cast<object?>().ToArray()));
        }, iter: 3000, threads: 1);
    }

    /// <summary>One option of the Dirichlet sampler changed: 0-12 are options its output depends on, 13 is not (the attempt budget).</summary>
    private static readonly Gen<(int Option, double Value, int Seed)> SamplerChanges =
        Gen.Select(Gen.Int[0, 13], Gen.Double[0.0, 1.0], Gen.Int);

    [Fact]
    public void Sampler_description_changes_exactly_when_an_option_that_can_change_the_mixtures_changes()
    {
        var prior = new MixturePrior([0.4, 0.3, 0.2, 0.1]);
        SamplerChanges.Sample(c =>
        {
            var before = BaseOptions();
            var after = BaseOptions();
            bool matters = Change(after, c.Option, c.Value);
            string a = new DirichletMixtureSampler(before).Identity, b = new DirichletMixtureSampler(after).Identity;
            Assert.Equal(matters, a != b);
            if (a == b)
            {
                Assert.Equal(new DirichletMixtureSampler(before).Sample(prior, 20, c.Seed), new DirichletMixtureSampler(after).Sample(prior, 20, c.Seed));
            }
        }, iter: 200, threads: 1);

        // Bounds given in another order are the same configuration: same description, same mixtures.
        var x = BaseOptions();
        x.MinimumWeights[2] = 0.05;
        x.MaximumWeights[3] = 0.2;
        x.MinimumWeights[1] = 0.1;
        var y = BaseOptions();
        y.MaximumWeights[3] = 0.2;
        y.MinimumWeights[1] = 0.1;
        y.MinimumWeights[2] = 0.05;
        Assert.Equal(new DirichletMixtureSampler(x).Identity, new DirichletMixtureSampler(y).Identity);
        Assert.Equal(new DirichletMixtureSampler(x).Sample(prior, 20, 1), new DirichletMixtureSampler(y).Sample(prior, 20, 1));
    }

    /// <summary>A corpus folder (JSON lines in two folders and a text file) and one change to it or to the reader options.</summary>
    private static readonly Gen<(string[] Texts, int Change, int Pick)> CorpusChanges =
        Gen.Select(Gen.String[Gen.Char["ab \u00e9"], 0, 1500].Array[1, 6], Gen.Int[0, 13], Gen.Int[0, 1000]);

    [Fact]
    public void Corpus_fingerprint_changes_whenever_the_documents_read_change_and_not_for_reporting_options()
    {
        int n = 0;
        CorpusChanges.Sample(c =>
        {
            string root = _folder.Sub($"corpus-{Interlocked.Increment(ref n)}");
            WriteCorpus(root, c.Texts);
            var options = new CorpusReaderOptions { ErrorPolicy = CorpusErrorPolicy.Skip, MaxRecordBytes = 1 << 20 };
            string before = ClimbCorpus.FromFiles([root], options).Fingerprint;
            string documentsBefore = Read(root, options);

            var changed = options.Clone();
            bool reportingOnly = ChangeCorpus(root, changed, c.Change, c.Pick);
            string after = ClimbCorpus.FromFiles([root], changed).Fingerprint;
            string documentsAfter = Read(root, changed);
            if (documentsAfter != documentsBefore)
            {
                Assert.True(before != after, $"change {c.Change} altered the documents read but not the corpus fingerprint");
            }

            if (reportingOnly)
            {
                Assert.Equal(before, after);
            }
        }, iter: 60, threads: 1);
    }

    private static DirichletMixtureSamplerOptions BaseOptions() => new() { SparseFraction = 0.3, MinimumWeight = 0.001 };

    /// <summary>Changes one option to a value it does not have; returns whether the option can change the mixtures drawn.</summary>
    private static bool Change(DirichletMixtureSamplerOptions o, int option, double v)
    {
        switch (option)
        {
            case 0: o.Temperature = 0.6 + v; return true;
            case 1: o.MinimumStrength = 0.01 + (v * 0.05); return true;
            case 2: o.MaximumStrength = 6 + v; return true;
            case 3: o.StrengthCount = 16 + (int)(v * 10); return true;
            case 4: o.MaximumPriorMultiple = 16 + v; return true;
            case 5: o.MinimumWeight = 0.002 + (v * 0.01); return true;
            case 6: o.RoundToMinimumWeight = false; return true;
            case 7: o.DeduplicationDistance = 2e-5 + (v * 0.01); return true;
            case 8: o.SparseFraction = 0.4 + (v * 0.5); return true;
            case 9: o.SparseMaximumClusters = 5 + (int)(v * 3); return true;
            case 10: o.MinimumWeights[(int)(v * 3.99)] = 0.05; return true;
            case 11: o.MaximumWeights[(int)(v * 3.99)] = 0.9; return true;
            case 12: o.FixedWeights[(int)(v * 3.99)] = 0.1; return true;
            default: o.MaximumAttemptsPerMixture = 20_000 + (int)(v * 1000); return false;
        }
    }

    private static void WriteCorpus(string root, string[] texts)
    {
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        var lines = texts.Select((t, i) => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["text"] = t,
            ["body"] = t.Length % 2 == 0 ? t.ToUpperInvariant() : null,
            ["id"] = $"id-{i}",
            ["key"] = $"key-{i % 3}",
            ["source"] = i % 2 == 0 ? "web" : null,
            ["domain"] = $"d{i % 2}",
            ["extra"] = i,
        })).ToArray();
        File.WriteAllLines(Path.Combine(root, "a.jsonl"), lines[..((lines.Length + 1) / 2)]);
        File.WriteAllLines(Path.Combine(root, "sub", "b.jsonl"), lines[((lines.Length + 1) / 2)..]);
        File.WriteAllText(Path.Combine(root, "sub", "c.txt"), texts[0]);
    }

    /// <summary>Applies change <paramref name="change"/>; returns true when it only changes how reading is reported.</summary>
    private static bool ChangeCorpus(string root, CorpusReaderOptions o, int change, int pick)
    {
        switch (change)
        {
            case 0: o.TextField = "body"; break;
            case 1: o.IdField = pick % 2 == 0 ? "key" : null; break;
            case 2: o.SourceField = pick % 2 == 0 ? "domain" : null; break;
            case 3: o.Source = "fixed"; break;
            case 4: o.IncludeMetadata = false; break;
            case 5: o.MinTextLength = 2 + (pick % 400); break;
            case 6: o.FilePattern = "*.jsonl"; break;
            case 7: o.Recursive = false; break;
            case 8: o.MaxRecordBytes = 1024 + pick; break;
            case 9: o.Format = CorpusFormat.JsonLines; o.FilePattern = "*.jsonl"; break;
            case 10: File.AppendAllText(Path.Combine(root, "a.jsonl"), "{\"text\":\"appended\"}\n"); break;
            case 11:
                // Same length, other bytes, a later modification time: what an edit in place does.
                var path = Path.Combine(root, "sub", "c.txt");
                var bytes = File.ReadAllBytes(path);
                if (bytes.Length > 0)
                {
                    bytes[pick % bytes.Length] = (byte)(bytes[pick % bytes.Length] == (byte)'a' ? 'b' : 'a');
                }

                File.WriteAllBytes(path, bytes);
                File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(1));
                break;
            case 12: File.Delete(Path.Combine(root, "sub", "b.jsonl")); break;
            default: o.MaxRecordedErrors = pick; return true;
        }

        return false;
    }

    /// <summary>The documents read, with their metadata, as one canonical string (or the error).</summary>
    private static string Read(string root, CorpusReaderOptions options)
    {
        var text = new StringBuilder();
        try
        {
            foreach (var d in new CorpusReader(root, options).ReadAsync().ToBlockingEnumerable())
            {
                text.Append(d.Id).Append('\u0001').Append(d.Text).Append('\u0001').Append(d.Source).Append('\u0001');
                foreach (var (k, v) in (d.Metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(k).Append('=').Append(v).Append('\u0002');
                }

                text.Append('\n');
            }
        }
        catch (CorpusFormatException ex)
        {
            text.Append("error: ").Append(ex.Message);
        }

        return text.ToString();
    }
}
