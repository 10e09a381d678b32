using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms.Text;

namespace Climb;

/// <summary>
/// Scores documents with four regression models (one per criterion) over fastText-like features: word 1..n-grams
/// (dictionary, TF, L2-normalised) and hashed character n-grams (3..5 by default, L2-normalised), trained with
/// LightGBM or SDCA from an annotation JSONL file. Saved to and loaded from a single ML.NET model file (zip).
/// </summary>
/// <remarks>Thread-safe: scoring only calls <see cref="ITransformer.Transform(IDataView)"/> on the fitted model.</remarks>
public sealed partial class TrainedQualityScorer : IQualityScorer
{
    private const string MetadataEntry = "Climb/quality-model.json";
    private static readonly string[] Criteria = ["Quality", "Advertisement", "InformationalValue", "EducationalValue"];

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _inputSchema;
    private readonly int _maxTextCharacters;
    private readonly ILogger _logger;
    private readonly int _seed;
    private string? _identity;

    private TrainedQualityScorer(MLContext ml, ITransformer model, DataViewSchema inputSchema, int maxTextCharacters, QualityModelAlgorithm algorithm, int seed, ILogger? logger)
    {
        _ml = ml;
        _model = model;
        _inputSchema = inputSchema;
        _maxTextCharacters = maxTextCharacters;
        Algorithm = algorithm;
        _seed = seed;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    /// <remarks>Includes a hash of the four models' parameters, so a retrained scorer has a new identity.</remarks>
    public string Identity => _identity ??= $"trained-quality:{Algorithm};maxChars={_maxTextCharacters};model={ModelHash()}";

    /// <summary>Gets the learner the models were trained with.</summary>
    public QualityModelAlgorithm Algorithm { get; }

    /// <summary>Trains a scorer from an annotation JSONL file.</summary>
    /// <param name="annotationPath">The JSONL file (text plus the four scores per line; field names in <see cref="TrainedQualityScorerOptions.Fields"/>).</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The scorer and its held-out report.</returns>
    /// <exception cref="FormatException">A line of the file is invalid (the message names file and line).</exception>
    public static async Task<QualityTrainingResult> TrainAsync(
        string annotationPath,
        TrainedQualityScorerOptions? options = null,
        ILogger<TrainedQualityScorer>? logger = null,
        CancellationToken cancellationToken = default)
    {
        options = OptionsValidation.Validate(options ?? new TrainedQualityScorerOptions(), nameof(options));
        var annotations = await QualityAnnotationFile.ReadAsync(annotationPath, options.Fields, cancellationToken).ConfigureAwait(false);
        return await TrainAsync(annotations, options, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Trains a scorer from annotations in memory.</summary>
    /// <param name="annotations">The annotations (at least 10).</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The scorer and its held-out report.</returns>
    public static Task<QualityTrainingResult> TrainAsync(
        IReadOnlyList<QualityAnnotation> annotations,
        TrainedQualityScorerOptions? options = null,
        ILogger<TrainedQualityScorer>? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        options = OptionsValidation.Validate(options ?? new TrainedQualityScorerOptions(), nameof(options));
        if (annotations.Count < 10)
        {
            throw new ArgumentException($"At least 10 annotations are needed to train, got {annotations.Count}.", nameof(annotations));
        }

        return Task.Run(() => Train(annotations, options, logger, cancellationToken), cancellationToken);
    }

    /// <summary>Loads a scorer saved with <see cref="Save"/>.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <returns>The scorer.</returns>
    public static TrainedQualityScorer Load(string modelPath, ILogger<TrainedQualityScorer>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Quality model file '{modelPath}' does not exist.", modelPath);
        }

        var metadata = ReadMetadata(modelPath);
        var ml = new MLContext(metadata.Seed);
        ml.ComponentCatalog.RegisterAssembly(typeof(LightGbmRegressionModelParameters).Assembly);
        ITransformer model;
        DataViewSchema schema;
        try
        {
            model = ml.Model.Load(modelPath, out schema);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidDataException)
        {
            throw new InvalidDataException($"'{modelPath}' is not a Climb quality model: {ex.Message}", ex);
        }

        return new TrainedQualityScorer(ml, model, schema, metadata.MaxTextCharacters, metadata.Algorithm, metadata.Seed, logger);
    }

    /// <summary>Saves the models to one file (ML.NET zip plus a small Climb metadata entry), atomically.</summary>
    /// <param name="modelPath">The destination file; its folder is created if needed.</param>
    public void Save(string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        var full = Path.GetFullPath(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            _ml.Model.Save(_model, _inputSchema, temp);
            using (var zip = ZipFile.Open(temp, ZipArchiveMode.Update))
            {
                var entry = zip.CreateEntry(MetadataEntry);
                using var stream = entry.Open();
                JsonSerializer.Serialize(stream, new ModelMetadata(1, _maxTextCharacters, Algorithm, _seed));
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QualityScores>> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"Text at index {i} is null.", nameof(texts));
            }
        }

        if (texts.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<QualityScores>>([]);
        }

        return Task.Run<IReadOnlyList<QualityScores>>(
            () =>
            {
                var results = new QualityScores[texts.Count];
                const int chunk = 256;
                var chunks = (texts.Count + chunk - 1) / chunk;
                Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken }, c =>
                {
                    var start = c * chunk;
                    var count = Math.Min(chunk, texts.Count - start);
                    var rows = new ModelInput[count];
                    for (var i = 0; i < count; i++)
                    {
                        rows[i] = new ModelInput { Text = Truncate(texts[start + i], _maxTextCharacters) };
                    }

                    var scored = Predict(_ml, _model, rows, cancellationToken);
                    scored.CopyTo(results, start);
                });
                LogScored(texts.Count);
                return results;
            },
            cancellationToken);
    }

    private static QualityTrainingResult Train(
        IReadOnlyList<QualityAnnotation> annotations, TrainedQualityScorerOptions options, ILogger? logger, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var ml = new MLContext(options.Seed);
        var order = Enumerable.Range(0, annotations.Count).ToArray();
        new Random(options.Seed).Shuffle(order);
        var testCount = (int)Math.Round(annotations.Count * options.HoldOutFraction);
        if (options.HoldOutFraction > 0 && testCount == 0)
        {
            testCount = 1;
        }

        var train = order.Skip(testCount).Select(i => ToInput(annotations[i], options.MaxTextCharacters)).ToList();
        var test = order.Take(testCount).Select(i => ToInput(annotations[i], options.MaxTextCharacters)).ToArray();
        var trainView = ml.Data.LoadFromEnumerable(train);

        var pipeline = BuildPipeline(ml, options);
        ct.ThrowIfCancellationRequested();
        var model = pipeline.Fit(trainView);

        ct.ThrowIfCancellationRequested();
        var metrics = new List<QualityCriterionMetrics>();
        if (test.Length > 0)
        {
            var predicted = Predict(ml, model, test, ct);
            for (var c = 0; c < Criteria.Length; c++)
            {
                double abs = 0;
                var hits = 0;
                for (var i = 0; i < test.Length; i++)
                {
                    var label = test[i].Label(c);
                    var p = Get(predicted[i], c);
                    abs += Math.Abs(p - label);
                    if (Math.Round(p, MidpointRounding.AwayFromZero) == Math.Round(label, MidpointRounding.AwayFromZero))
                    {
                        hits++;
                    }
                }

                metrics.Add(new QualityCriterionMetrics(Criteria[c], abs / test.Length, (double)hits / test.Length));
            }
        }

        var scorer = new TrainedQualityScorer(ml, model, trainView.Schema, options.MaxTextCharacters, options.Algorithm, options.Seed, logger);
        var report = new QualityTrainingReport
        {
            TrainCount = train.Count,
            TestCount = test.Length,
            Algorithm = options.Algorithm,
            Metrics = metrics,
            Elapsed = watch.Elapsed,
        };
        if (logger is not null)
        {
            LogTrained(logger, train.Count, test.Length, metrics.Count == 0 ? double.NaN : metrics.Average(m => m.MeanAbsoluteError), watch.Elapsed.TotalSeconds);
        }

        return new QualityTrainingResult(scorer, report);
    }

    private static IEstimator<ITransformer> BuildPipeline(MLContext ml, TrainedQualityScorerOptions o)
    {
        var wordOptions = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = false,
            KeepNumbers = true,
            WordFeatureExtractor = new WordBagEstimator.Options
            {
                NgramLength = o.WordNgramLength,
                UseAllLengths = true,
                Weighting = NgramExtractingEstimator.WeightingCriteria.Tf,
            },
            CharFeatureExtractor = null,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };

        IEstimator<ITransformer> pipeline = ml.Transforms.Text.FeaturizeText("WordFeatures", wordOptions, nameof(ModelInput.Text))
            .Append(ml.Transforms.Text.NormalizeText("NormText", nameof(ModelInput.Text), TextNormalizingEstimator.CaseMode.Lower, keepDiacritics: false, keepPunctuations: true, keepNumbers: true))
            .Append(ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "NormText", useMarkerCharacters: true));
        var charColumns = new List<string>();
        for (var n = o.CharNgramMinLength; n <= o.CharNgramMaxLength; n++)
        {
            var name = $"Char{n}";
            pipeline = pipeline.Append(ml.Transforms.Text.ProduceHashedNgrams(name, "Chars", numberOfBits: o.CharNgramHashBits, ngramLength: n, useAllLengths: false, seed: (uint)(314489979 + n)));
            charColumns.Add(name);
        }

        pipeline = pipeline
            .Append(ml.Transforms.Concatenate("CharGrams", [.. charColumns]))
            .Append(ml.Transforms.NormalizeLpNorm("CharFeatures", "CharGrams"))
            .Append(ml.Transforms.Concatenate("AllFeatures", "WordFeatures", "CharFeatures"))
            .Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount("Features", "AllFeatures", o.MinFeatureDocumentCount))
            .Append(ml.Transforms.DropColumns(["NormText", "Chars", "CharGrams", "WordFeatures", "CharFeatures", "AllFeatures", .. charColumns]))
            .AppendCacheCheckpoint(ml);

        foreach (var criterion in Criteria)
        {
            IEstimator<ITransformer> trainer = o.Algorithm switch
            {
                QualityModelAlgorithm.LightGbm => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
                {
                    LabelColumnName = criterion,
                    FeatureColumnName = "Features",
                    NumberOfIterations = o.NumberOfIterations,
                    NumberOfLeaves = o.NumberOfLeaves,
                    LearningRate = o.LearningRate,
                    MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf,
                    Seed = o.Seed,
                    Deterministic = true,
                    NumberOfThreads = o.NumberOfThreads,
                    Silent = true,
                    Verbose = false,
                }),
                _ => ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
                {
                    LabelColumnName = criterion,
                    FeatureColumnName = "Features",
                    MaximumNumberOfIterations = o.SdcaMaximumIterations,
                    NumberOfThreads = o.NumberOfThreads ?? 1,
                    Shuffle = true,
                }),
            };
            pipeline = pipeline.Append(trainer).Append(ml.Transforms.CopyColumns(criterion + "Prediction", "Score"));
        }

        return pipeline;
    }

    private static QualityScores[] Predict(MLContext ml, ITransformer model, IReadOnlyList<ModelInput> rows, CancellationToken ct)
    {
        var view = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var columns = Criteria.Select(c => view.Schema[c + "Prediction"]).ToArray();
        var result = new QualityScores[rows.Count];
        using var cursor = view.GetRowCursor(columns);
        var getters = columns.Select(c => cursor.GetGetter<float>(c)).ToArray();
        var i = 0;
        float q = 0, a = 0, inf = 0, e = 0;
        while (cursor.MoveNext())
        {
            if ((i & 255) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            getters[0](ref q);
            getters[1](ref a);
            getters[2](ref inf);
            getters[3](ref e);
            result[i++] = new QualityScores(Clamp(q), Clamp(a), Clamp(inf), Clamp(e));
        }

        return result;
    }

    private static float Clamp(float v) => float.IsFinite(v) ? Math.Clamp(v, 0f, 5f) : 0f;

    private static float Get(QualityScores s, int criterion) => criterion switch
    {
        0 => s.Quality,
        1 => s.Advertisement,
        2 => s.InformationalValue,
        _ => s.EducationalValue,
    };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private static ModelInput ToInput(QualityAnnotation a, int max) => new()
    {
        Text = Truncate(a.Text, max),
        Quality = a.Scores.Quality,
        Advertisement = a.Scores.Advertisement,
        InformationalValue = a.Scores.InformationalValue,
        EducationalValue = a.Scores.EducationalValue,
    };

    private static ModelMetadata ReadMetadata(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var entry = zip.GetEntry(MetadataEntry)
                ?? throw new InvalidDataException($"'{path}' is an ML.NET model but not a Climb quality model (no {MetadataEntry}).");
            using var stream = entry.Open();
            return JsonSerializer.Deserialize<ModelMetadata>(stream)
                ?? throw new InvalidDataException($"'{path}': empty {MetadataEntry}.");
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException)
        {
            throw new InvalidDataException($"'{path}' is not a readable Climb quality model: {ex.Message}", ex);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Trained quality scorer scored {Count} documents.")]
    private partial void LogScored(int count);

    [LoggerMessage(LogLevel.Information, "Trained quality models on {TrainCount} annotations ({TestCount} held out, mean MAE {Mae:0.000}) in {Seconds:0.0} s.")]
    private static partial void LogTrained(ILogger logger, int trainCount, int testCount, double mae, double seconds);

    internal sealed record ModelMetadata(int Version, int MaxTextCharacters, QualityModelAlgorithm Algorithm, int Seed);

    internal sealed class ModelInput
    {
        public string Text { get; set; } = string.Empty;

        public float Quality { get; set; }

        public float Advertisement { get; set; }

        public float InformationalValue { get; set; }

        public float EducationalValue { get; set; }

        public float Label(int criterion) => criterion switch
        {
            0 => Quality,
            1 => Advertisement,
            2 => InformationalValue,
            _ => EducationalValue,
        };
    }

    private string ModelHash()
    {
        using var buffer = new MemoryStream();
        _ml.Model.Save(_model, _inputSchema, buffer);
        buffer.Position = 0;
        return ComponentIdentity.HashZipContents(buffer);
    }
}
