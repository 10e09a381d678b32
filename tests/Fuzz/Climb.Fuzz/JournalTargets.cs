using System.Reflection;
using System.Text;

namespace Climb.Fuzz;

/// <summary>The search journal (internal SearchJournal, reached by reflection) and the quality annotation files.</summary>
internal static class JournalTargets
{
    public const string Fingerprint = "fuzz-fingerprint";
    private const string ForeignJournal = "belongs to another search configuration";

    private static readonly Func<string, string, string, string, IDisposable> OpenJournal = BindOpen();
    private static readonly Func<IDisposable, int> JournalCount = BindCount();
    private static readonly Action<IDisposable, int, int, ProxyResult> AppendJournal = BindAppend();

    public static IEnumerable<FuzzTarget> All =>
    [
        new("journal", "mixture search journal (JSON lines, resumed)", ReadJournal, IsDocumentedJournalError, JournalSeeds),
        new("annotations", "quality annotation file (JSON lines)", ReadAnnotations, ex => ex is FormatException, AnnotationSeeds),
    ];

    /// <summary>Opens a journal file as a resumed search does, then reopens it: the second open must succeed and see the same results.</summary>
    public static void ReadJournal(byte[] input)
    {
        string path = Path.Combine(WorkFolder.Fresh("journal"), "search.journal.jsonl");
        File.WriteAllBytes(path, input);
        int first;
        using (var journal = OpenJournal(path, Fingerprint, "fuzz", "fuzz configuration"))
        {
            first = JournalCount(journal);
        }

        using var again = OpenJournal(path, Fingerprint, "fuzz", "fuzz configuration");
        if (JournalCount(again) != first)
        {
            throw new InvalidOperationException($"Reopening the journal found {JournalCount(again)} results, the first open {first}.");
        }
    }

    public static void ReadAnnotations(byte[] input)
    {
        string path = Path.Combine(WorkFolder.Fresh("annotations"), "annotations.jsonl");
        File.WriteAllBytes(path, input);
        var annotations = QualityAnnotationFile.ReadAsync(path).GetAwaiter().GetResult();
        GC.KeepAlive(annotations);
    }

    /// <summary>InvalidDataException for a damaged journal; InvalidOperationException only for another search's journal.</summary>
    public static bool IsDocumentedJournalError(Exception ex) =>
        ex is InvalidDataException || (ex is InvalidOperationException && ex.Message.Contains(ForeignJournal, StringComparison.Ordinal));

    private static IEnumerable<(string Name, byte[] Bytes)> JournalSeeds()
    {
        string folder = WorkFolder.Fresh("journal-seeds");
        string path = Path.Combine(folder, "seed.jsonl");
        using (var journal = OpenJournal(path, Fingerprint, "fuzz", "fuzz configuration"))
        {
            for (int i = 0; i < 3; i++)
            {
                AppendJournal(journal, i / 2, i % 2, new ProxyResult
                {
                    Mixture = new MixtureWeights([0.5 - (0.1 * i), 0.25, 0.25 + (0.1 * i)]),
                    Seed = 17 + i,
                    Objective = 3.25 - i,
                    Goal = i == 2 ? ObjectiveGoal.Maximize : ObjectiveGoal.Minimize,
                    Metrics = new Dictionary<string, double> { ["loss"] = 2.5 + i, ["odd"] = i == 1 ? double.NaN : double.PositiveInfinity },
                    TokensTrained = 1000 * (i + 1),
                    Elapsed = TimeSpan.FromSeconds(1.5 * i),
                    Device = "cpu",
                    ProxyConfiguration = "proxy",
                });
            }
        }

        byte[] whole = File.ReadAllBytes(path);
        yield return ("whole.jsonl", whole);
        yield return ("torn.jsonl", whole[..(whole.Length - 7)]);
        yield return ("header-only.jsonl", whole[..(Array.IndexOf(whole, (byte)'\n') + 1)]);
    }

    private static IEnumerable<(string Name, byte[] Bytes)> AnnotationSeeds()
    {
        var fields = new QualityAnnotationFields();
        string a = QualityAnnotationFile.FormatLine(new QualityAnnotation("doc-1", "Some text to rate.", new QualityScores(4.5f, 0, 3, 2.25f)), fields);
        string b = QualityAnnotationFile.FormatLine(new QualityAnnotation("doc-2", "Ünïcödé — 🙂", new QualityScores(0, 5, 1, 0)), fields);
        yield return ("two.jsonl", Encoding.UTF8.GetBytes($"{a}\n\n{b}\r\n"));
        yield return ("numeric-id.jsonl", Encoding.UTF8.GetBytes("{\"id\":7,\"text\":\"t\",\"quality\":1,\"advertisement\":2,\"informational_value\":3,\"educational_value\":4}\n"));
    }

    private static Type JournalType() =>
        typeof(CorpusReader).Assembly.GetType("Climb.SearchJournal", throwOnError: true)!;

    private static Func<string, string, string, string, IDisposable> BindOpen() =>
        JournalType().GetMethod("Open", BindingFlags.Public | BindingFlags.Static)!
            .CreateDelegate<Func<string, string, string, string, IDisposable>>();

    private static Func<IDisposable, int> BindCount()
    {
        var getter = JournalType().GetProperty("Count")!.GetMethod!;
        return journal => (int)getter.Invoke(journal, null)!;
    }

    private static Action<IDisposable, int, int, ProxyResult> BindAppend()
    {
        var append = JournalType().GetMethod("Append")!;
        return (journal, round, index, result) => append.Invoke(journal, [round, index, result]);
    }
}
