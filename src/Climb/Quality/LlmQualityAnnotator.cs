using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Produces an annotation JSONL file (id, text and the four CLIMB scores per line) by asking an LLM, through
/// Microsoft.Extensions.AI's <see cref="IChatClient"/>, to grade each document with a 0–5 rubric.
/// </summary>
/// <remarks>
/// Answers are parsed strictly (one JSON object with the four keys, each a number in 0–5; nothing else but an
/// optional Markdown code fence); an invalid answer or a client error is retried with a correction message up to
/// <see cref="LlmQualityAnnotatorOptions.MaxRetries"/> times, then the document is counted and skipped. Requests run
/// with bounded concurrency and every result is appended to the output file (and flushed) as it completes, so a
/// restart with the same output file skips the ids already there; a torn last line left by a crash is removed.
/// </remarks>
public sealed partial class LlmQualityAnnotator
{
    /// <summary>The JSON keys the rubric asks for.</summary>
    public static readonly IReadOnlyList<string> AnswerKeys = ["quality", "advertisement", "informational_value", "educational_value"];

    /// <summary>The default rubric (system prompt): <see cref="AdditiveRubric"/>.</summary>
    public const string DefaultRubric = AdditiveRubric;

    /// <summary>A rubric with the structure of the CLIMB paper's annotation prompt (appendix A.8), in Climb's own
    /// words: the four criteria, each scored by starting at 0 and adding one point for each of five conditions the
    /// text meets, and a JSON object with the four integer scores as the answer.</summary>
    public const string AdditiveRubric = """
        ## Task
        You judge whether a text is worth using as pre-training data for a language model. Score it on the four
        criteria below. Every criterion starts at 0 points; add one point for each condition the text satisfies,
        so each score is an integer from 0 to 5. A criterion whose conditions are all unmet stays at 0.

        ## Scale
        - 0: the criterion is not met at all
        - 1: met in part
        - 2: met fairly
        - 3: largely met
        - 4: fully met
        - 5: met beyond expectations

        ## Criteria
        ### quality
        How natural, clean and well formed the writing is (no broken grammar, misspellings, repeated phrases or stray symbols).
        - +1 if spelling is basically right and the grammar mostly holds, small slips aside.
        - +1 if sentences are coherent and nothing breaks down syntactically.
        - +1 if the language reads naturally, without repetitive wording.
        - +1 if the text is polished, with no serious grammar or spelling errors.
        - +1 if the writing is of professional standard, with no awkward phrasing.

        ### advertisement
        How free the text is from promotion and advertising (a higher score means less advertising).
        - +1 if promotional elements are few and do not distract.
        - +1 if any promotion is subtle and does not dominate the content.
        - +1 if the tone is mostly neutral, with at most a hint of marketing language.
        - +1 if the text is nearly free of advertising, with one mild mention at most.
        - +1 if no promotional content can be found.

        ### informational_value
        How much accurate, useful or relevant knowledge the text conveys.
        - +1 if it states at least one correct fact or relevant piece of information.
        - +1 if it offers several useful pieces of information.
        - +1 if it deepens understanding, for instance by explaining.
        - +1 if the information is substantial, well organised and reliable.
        - +1 if it is exceptionally deep or authoritative.

        ### educational_value
        How useful the text is for structured learning.
        - +1 if it has some educational relevance, even mixed with other material.
        - +1 if it deals with an educational subject, even if loosely aligned with curricula.
        - +1 if it could be used to teach and introduces key concepts.
        - +1 if it is highly relevant for structured learning, with little extraneous content.
        - +1 if its educational value is outstanding, with clear insights that are easy to follow.

        ## Answer format
        Reply with one JSON object and nothing else:
        {"quality": <integer 0-5>, "advertisement": <integer 0-5>, "informational_value": <integer 0-5>, "educational_value": <integer 0-5>}
        """;

    /// <summary>The earlier absolute-anchor rubric: each score level of each criterion is described directly (0 =
    /// garbage ... 5 = excellent) instead of being built up from conditions. Set
    /// <see cref="LlmQualityAnnotatorOptions.Rubric"/> to it to keep annotations comparable with files made before.</summary>
    public const string AbsoluteRubric = """
        You are a meticulous annotator of pre-training data for language models. You will read one document
        extracted from the web or from a collection of texts and grade it on four criteria, each as an integer
        from 0 to 5 (higher is better).

        1. quality: the quality of the writing itself.
           0 = unreadable garbage (random characters, keyboard mashing, broken encoding, markup debris);
           1 = mostly boilerplate, heavily repeated or incoherent text;
           2 = understandable but poorly written, fragmentary or repetitive;
           3 = acceptable, coherent text with some flaws;
           4 = well written, fluent and coherent;
           5 = excellent, polished text (prose, verse or well-formatted source code alike).
        2. advertisement: freedom from advertising and promotion.
           0 = the document is an advertisement (sales copy, calls to action, prices, discount codes);
           1 = mostly promotional; 2 = promotional in large parts; 3 = some promotional passages;
           4 = a passing mention of a product or service; 5 = no advertising at all.
        3. informational_value: how much real information the text conveys.
           0 = none (error pages such as "404 page not found", cookie or login banners, placeholder text
           such as lorem ipsum, navigation menus); 1 = almost none; 2 = little; 3 = some useful facts or ideas;
           4 = informative; 5 = dense with accurate, substantive information.
        4. educational_value: how useful the text would be for teaching from primary school to university.
           0 = no educational value; 1 = marginal; 2 = touches on educational topics superficially;
           3 = appropriate for learning with some gaps; 4 = clearly useful for teaching, coherent and focused;
           5 = outstanding educational material (explains concepts step by step, examples, exercises).

        Judge the document on its own terms: source code, poetry, proverbs, scripture, dictionary entries and
        short quotations are legitimate content and should not be penalised merely for their form.

        Answer with a single JSON object and nothing else, exactly in this form:
        {"quality": <0-5>, "advertisement": <0-5>, "informational_value": <0-5>, "educational_value": <0-5>}
        """;

    private readonly IChatClient _client;
    private readonly LlmQualityAnnotatorOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="LlmQualityAnnotator"/> class.</summary>
    /// <param name="client">The chat client (any Microsoft.Extensions.AI provider).</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public LlmQualityAnnotator(IChatClient client, LlmQualityAnnotatorOptions? options = null, ILogger<LlmQualityAnnotator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = OptionsValidation.Validate(options ?? new LlmQualityAnnotatorOptions(), nameof(options));
        _logger = logger ?? NullLogger<LlmQualityAnnotator>.Instance;
    }

    /// <summary>Annotates documents, appending one JSONL line per annotated document to <paramref name="outputPath"/>.</summary>
    /// <param name="documents">The documents (ids must be unique; repeats are skipped and counted).</param>
    /// <param name="outputPath">The output file; when it exists, the ids it holds are skipped (resume).</param>
    /// <param name="progress">Receives progress after each document, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the work (lines already written stay valid).</param>
    /// <returns>Counts of annotated, resumed, retried and failed documents.</returns>
    /// <exception cref="FormatException">A line of an existing output file other than the last is not valid (the message names file and line).</exception>
    public async Task<QualityAnnotationStatistics> AnnotateAsync(
        IEnumerable<Document> documents,
        string outputPath,
        IProgress<QualityAnnotationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var watch = Stopwatch.StartNew();
        var full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var (done, repaired) = await LoadExistingAsync(full, cancellationToken).ConfigureAwait(false);
        if (repaired)
        {
            LogRepaired(full);
        }

        var alreadyDone = 0;
        var duplicates = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<Document> Pending()
        {
            foreach (var doc in documents)
            {
                ArgumentNullException.ThrowIfNull(doc, nameof(documents));
                if (!seen.Add(doc.Id))
                {
                    duplicates++;
                }
                else if (done.Contains(doc.Id))
                {
                    alreadyDone++;
                }
                else
                {
                    yield return doc;
                }
            }
        }

        var annotated = 0;
        var failed = 0;
        var retries = 0;
        var failedByReason = new ConcurrentDictionary<AnnotationFailureReason, int>();
        var rejectedByReason = new ConcurrentDictionary<AnnotationFailureReason, int>();
        using var writeLock = new SemaphoreSlim(1, 1);
        var stream = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Pending(), parallel, async (doc, ct) =>
            {
                var outcome = await AnnotateOneAsync(doc, ct).ConfigureAwait(false);
                Interlocked.Add(ref retries, outcome.Retries);
                foreach (var reason in outcome.Rejections)
                {
                    rejectedByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);
                }

                if (outcome.Scores is { } scores)
                {
                    var line = QualityAnnotationFile.FormatLine(new QualityAnnotation(doc.Id, doc.Text, scores), _options.Fields) + "\n";
                    var bytes = Encoding.UTF8.GetBytes(line);
                    await writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                    try
                    {
                        await stream.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
                        await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    finally
                    {
                        writeLock.Release();
                    }

                    Interlocked.Increment(ref annotated);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    failedByReason.AddOrUpdate(outcome.Rejections[^1], 1, (_, n) => n + 1);
                    LogGaveUp(doc.Id, outcome.Rejections[^1]);
                }

                progress?.Report(new QualityAnnotationProgress(Volatile.Read(ref annotated), Volatile.Read(ref failed), Volatile.Read(ref retries)));
            }).ConfigureAwait(false);
        }

        LogFinished(annotated, alreadyDone, failed, retries);
        return new QualityAnnotationStatistics
        {
            Annotated = annotated,
            AlreadyAnnotated = alreadyDone,
            DuplicateIds = duplicates,
            Retries = retries,
            Failed = failed,
            FailedByReason = new Dictionary<AnnotationFailureReason, int>(failedByReason),
            RejectedAnswersByReason = new Dictionary<AnnotationFailureReason, int>(rejectedByReason),
            RepairedTornLine = repaired,
            Elapsed = watch.Elapsed,
        };
    }

    /// <summary>Parses an answer strictly: one JSON object (optionally inside a Markdown code fence) with the four keys, each a number in 0–5.</summary>
    /// <param name="answer">The model's answer.</param>
    /// <param name="scores">The parsed scores.</param>
    /// <param name="failure">Why the answer was rejected.</param>
    /// <returns><see langword="true"/> when the answer is valid.</returns>
    public static bool TryParseAnswer(string? answer, out QualityScores scores, out AnnotationFailureReason failure)
    {
        scores = default;
        failure = default;
        var text = answer?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            failure = AnnotationFailureReason.EmptyResponse;
            return false;
        }

        if (text.StartsWith("```", StringComparison.Ordinal))
        {
            var firstNewline = text.IndexOf('\n', StringComparison.Ordinal);
            if (firstNewline < 0 || !text.EndsWith("```", StringComparison.Ordinal) || text.Length < firstNewline + 4)
            {
                failure = AnnotationFailureReason.ExtraText;
                return false;
            }

            var fenceLanguage = text[3..firstNewline].Trim();
            if (fenceLanguage.Length > 0 && !fenceLanguage.Equals("json", StringComparison.OrdinalIgnoreCase))
            {
                failure = AnnotationFailureReason.ExtraText;
                return false;
            }

            text = text[(firstNewline + 1)..^3].Trim();
        }

        if (text.Length == 0 || (text[0] != '{' && text[0] != '['))
        {
            failure = text.Contains('{', StringComparison.Ordinal) ? AnnotationFailureReason.ExtraText : AnnotationFailureReason.NotJson;
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            failure = AnnotationFailureReason.NotJson;
            return false;
        }

        using (doc)
        {
            if (reader.BytesConsumed != bytes.Length && text[(int)reader.BytesConsumed..].Trim().Length > 0)
            {
                failure = AnnotationFailureReason.ExtraText;
                return false;
            }

            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                failure = AnnotationFailureReason.MissingKey;
                return false;
            }

            Span<float> values = stackalloc float[4];
            for (var k = 0; k < AnswerKeys.Count; k++)
            {
                if (!doc.RootElement.TryGetProperty(AnswerKeys[k], out var element))
                {
                    failure = AnnotationFailureReason.MissingKey;
                    return false;
                }

                if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !double.IsFinite(value))
                {
                    failure = AnnotationFailureReason.NotANumber;
                    return false;
                }

                if (value is < 0 or > 5)
                {
                    failure = AnnotationFailureReason.OutOfRange;
                    return false;
                }

                values[k] = (float)value;
            }

            scores = new QualityScores(values[0], values[1], values[2], values[3]);
            return true;
        }
    }

    private async Task<Outcome> AnnotateOneAsync(Document doc, CancellationToken ct)
    {
        var text = doc.Text.Length <= _options.MaxDocumentCharacters ? doc.Text : doc.Text[.._options.MaxDocumentCharacters];
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, _options.Rubric),
            new(ChatRole.User, "Document:\n<document>\n" + text + "\n</document>\n\nReply with the JSON object only."),
        };
        var chatOptions = new ChatOptions
        {
            Temperature = _options.Temperature,
            MaxOutputTokens = _options.MaxOutputTokens,
            ModelId = _options.ModelId,
            ResponseFormat = _options.RequestJsonResponseFormat ? ChatResponseFormat.Json : null,
        };

        var rejections = new List<AnnotationFailureReason>();
        for (var attempt = 0; attempt <= _options.MaxRetries; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            string? answer;
            try
            {
                var response = await _client.GetResponseAsync(messages, chatOptions, ct).ConfigureAwait(false);
                answer = response.Text;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogClientError(doc.Id, attempt + 1, ex);
                rejections.Add(AnnotationFailureReason.ClientError);
                continue;
            }

            if (TryParseAnswer(answer, out var scores, out var failure))
            {
                return new Outcome(scores, attempt, rejections);
            }

            rejections.Add(failure);
            LogRejected(doc.Id, attempt + 1, failure);
            messages.Add(new ChatMessage(ChatRole.Assistant, answer ?? string.Empty));
            messages.Add(new ChatMessage(ChatRole.User, string.Create(
                CultureInfo.InvariantCulture,
                $"That answer was rejected ({Describe(failure)}). Reply with only the JSON object with the keys quality, advertisement, informational_value and educational_value, each an integer from 0 to 5.")));
        }

        return new Outcome(null, _options.MaxRetries, rejections);
    }

    private static string Describe(AnnotationFailureReason reason) => reason switch
    {
        AnnotationFailureReason.EmptyResponse => "empty answer",
        AnnotationFailureReason.NotJson => "not valid JSON",
        AnnotationFailureReason.ExtraText => "text outside the JSON object",
        AnnotationFailureReason.MissingKey => "a key is missing",
        AnnotationFailureReason.NotANumber => "a score is not a number",
        AnnotationFailureReason.OutOfRange => "a score is outside 0-5",
        _ => "request failed",
    };

    /// <summary>Reads the ids already in the output file; removes a torn last line (no newline, or invalid JSON).</summary>
    private async Task<(HashSet<string> Done, bool Repaired)> LoadExistingAsync(string path, CancellationToken ct)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return (done, false);
        }

        var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        var validLength = 0L;
        var position = 0;
        var lineNumber = 0;
        var repaired = false;
        while (position < bytes.Length)
        {
            lineNumber++;
            var newline = Array.IndexOf(bytes, (byte)'\n', position);
            var end = newline < 0 ? bytes.Length : newline;
            var line = Encoding.UTF8.GetString(bytes, position, end - position);
            var isLast = newline < 0 || newline == bytes.Length - 1;
            if (string.IsNullOrWhiteSpace(line))
            {
                if (newline >= 0)
                {
                    validLength = newline + 1;
                }

                position = end + 1;
                continue;
            }

            try
            {
                if (newline < 0)
                {
                    throw new FormatException($"{path}:{lineNumber}: incomplete last line.");
                }

                var annotation = QualityAnnotationFile.ParseLine(line, _options.Fields, path, lineNumber);
                done.Add(annotation.Id);
                validLength = newline + 1;
            }
            catch (FormatException) when (isLast)
            {
                repaired = true;
                break;
            }

            position = end + 1;
        }

        if (repaired || validLength != bytes.Length)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
            stream.SetLength(validLength);
            repaired = true;
        }

        return (done, repaired);
    }

    private sealed record Outcome(QualityScores? Scores, int Retries, List<AnnotationFailureReason> Rejections);

    [LoggerMessage(LogLevel.Warning, "Annotation output '{Path}' ended in a torn line; it was removed and that document will be annotated again.")]
    private partial void LogRepaired(string path);

    [LoggerMessage(LogLevel.Debug, "Document {Id}: attempt {Attempt} rejected ({Reason}).")]
    private partial void LogRejected(string id, int attempt, AnnotationFailureReason reason);

    [LoggerMessage(LogLevel.Warning, "Document {Id}: chat client failed on attempt {Attempt}.")]
    private partial void LogClientError(string id, int attempt, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Document {Id} skipped: every attempt was rejected (last: {Reason}).")]
    private partial void LogGaveUp(string id, AnnotationFailureReason reason);

    [LoggerMessage(LogLevel.Information, "Annotation finished: {Annotated} annotated, {AlreadyDone} already present, {Failed} failed, {Retries} retries.")]
    private partial void LogFinished(int annotated, int alreadyDone, int failed, int retries);
}
