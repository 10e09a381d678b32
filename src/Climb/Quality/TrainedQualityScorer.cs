using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Scores documents with four linear regression models (one per criterion, as the CLIMB paper trains one fastText
/// classifier per criterion) over fastText-like features: hashed word 1..n-grams and hashed character n-grams of every
/// word (see <see cref="TrainedQualityScorerOptions"/>), learned by AdaGrad on squared error from an annotation file
/// (from <see cref="LlmQualityAnnotator"/> or any source).
/// </summary>
/// <remarks>Thread-safe: scoring only reads the weights. Written in plain C# because the ML.NET pipeline it replaces
/// scored about 450 documents/s; this one scores tens of thousands (see docs/performance.md).</remarks>
public sealed partial class TrainedQualityScorer : IQualityScorer
{
    private const int FileVersion = 1;
    private const string Magic = "CLIMB-QUALITY-HASHED-LINEAR";
    private static readonly string[] Criteria = ["Quality", "Advertisement", "InformationalValue", "EducationalValue"];

    private readonly HashedNgramFeaturizer _featurizer;
    private readonly float[] _weights; // interleaved: the four criteria of bucket f at [4f .. 4f + 3], one cache line per feature
    private readonly float[] _bias;
    private readonly ILogger _logger;

    private TrainedQualityScorer(HashedNgramFeaturizer featurizer, float[] weights, float[] bias, ILogger? logger)
    {
        _featurizer = featurizer;
        _weights = weights;
        _bias = bias;
        _logger = logger ?? NullLogger.Instance;
        Identity = string.Create(
            CultureInfo.InvariantCulture,
            $"trained-quality/hashed-linear/v{FileVersion} bits={featurizer.HashBits} words={featurizer.WordNgramLength} chars={featurizer.CharNgramMin}-{featurizer.CharNgramMax} max={featurizer.MaxTextCharacters} weights={WeightHash(weights, bias)}");
    }

    /// <summary>Gets the learner the models were trained with.</summary>
    public QualityModelAlgorithm Algorithm => QualityModelAlgorithm.HashedLinear;

    /// <inheritdoc />
    /// <remarks>Includes the featurisation settings and a SHA-256 prefix of the learned weights.</remarks>
    public string Identity { get; }

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
    /// <exception cref="InvalidDataException">The file is not a Climb quality model.</exception>
    public static TrainedQualityScorer Load(string modelPath, ILogger<TrainedQualityScorer>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Quality model file '{modelPath}' does not exist.", modelPath);
        }

        try
        {
            using var file = File.OpenRead(modelPath);
            using var zip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new BinaryReader(zip);
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException("wrong header");
            }

            var version = reader.ReadInt32();
            if (version != FileVersion)
            {
                throw new InvalidDataException($"unsupported version {version}");
            }

            var featurizer = new HashedNgramFeaturizer(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
            if (featurizer.HashBits is < 8 or > 26)
            {
                throw new InvalidDataException($"hash bits {featurizer.HashBits} out of range");
            }

            var bias = new float[Criteria.Length];
            for (var c = 0; c < Criteria.Length; c++)
            {
                bias[c] = reader.ReadSingle();
            }

            var weights = new float[featurizer.Dimension * Criteria.Length];
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));

            return new TrainedQualityScorer(featurizer, weights, bias, logger);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException($"'{modelPath}' is not a readable Climb quality model: {ex.Message}", ex);
        }
    }

    /// <summary>Saves the models to one gzip-compressed binary file, atomically.</summary>
    /// <param name="modelPath">The destination file; its folder is created if needed.</param>
    public void Save(string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        var full = Path.GetFullPath(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var file = File.Create(temp))
            using (var zip = new GZipStream(file, CompressionLevel.Fastest))
            using (var writer = new BinaryWriter(zip))
            {
                writer.Write(Magic);
                writer.Write(FileVersion);
                writer.Write(_featurizer.HashBits);
                writer.Write(_featurizer.WordNgramLength);
                writer.Write(_featurizer.CharNgramMin);
                writer.Write(_featurizer.CharNgramMax);
                writer.Write(_featurizer.MaxTextCharacters);
                for (var c = 0; c < Criteria.Length; c++)
                {
                    writer.Write(_bias[c]);
                }

                writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_weights.AsSpan()));
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
                const int chunk = 64;
                var chunks = (texts.Count + chunk - 1) / chunk;
                Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken }, () => new Buffers(), (c, _, buffers) =>
                {
                    var end = Math.Min(texts.Count, (c + 1) * chunk);
                    for (var i = c * chunk; i < end; i++)
                    {
                        results[i] = Predict(texts[i], buffers);
                    }

                    return buffers;
                }, _ => { });
                LogScored(texts.Count);
                return results;
            },
            cancellationToken);
    }

    /// <summary>Scores one document.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The four scores.</returns>
    public QualityScores Score(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Predict(text, new Buffers());
    }

    private QualityScores Predict(string text, Buffers b)
    {
        _featurizer.Featurize(text, b.Indices, b.Values, b.Scratch);
        var idx = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(b.Indices);
        var val = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(b.Values);
        var w = _weights;
        float q = _bias[0], a = _bias[1], inf = _bias[2], e = _bias[3];
        for (var k = 0; k < idx.Length; k++)
        {
            var o = idx[k] * 4;
            var v = val[k];
            q += w[o] * v;
            a += w[o + 1] * v;
            inf += w[o + 2] * v;
            e += w[o + 3] * v;
        }

        return new QualityScores(Clamp(q), Clamp(a), Clamp(inf), Clamp(e));
    }

    private static QualityTrainingResult Train(
        IReadOnlyList<QualityAnnotation> annotations, TrainedQualityScorerOptions options, ILogger? logger, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var featurizer = new HashedNgramFeaturizer(options.HashBits, options.WordNgramLength, options.CharNgramMinLength, options.CharNgramMaxLength, options.MaxTextCharacters);
        var order = Enumerable.Range(0, annotations.Count).ToArray();
        var random = new Random(options.Seed);
        random.Shuffle(order);
        var testCount = (int)Math.Round(annotations.Count * options.HoldOutFraction);
        if (options.HoldOutFraction > 0 && testCount == 0)
        {
            testCount = 1;
        }

        var train = order.Skip(testCount).ToArray();
        var test = order.Take(testCount).ToArray();

        // Featurise the training set once (in parallel; each document's features do not depend on the others).
        var featIdx = new int[train.Length][];
        var featVal = new float[train.Length][];
        Parallel.For(0, train.Length, new ParallelOptions { CancellationToken = ct }, () => new Buffers(), (i, _, b) =>
        {
            featurizer.Featurize(annotations[train[i]].Text, b.Indices, b.Values, b.Scratch);
            featIdx[i] = [.. b.Indices];
            featVal[i] = [.. b.Values];
            return b;
        }, _ => { });

        var dim = featurizer.Dimension;
        var perCriterion = new float[4][];
        var bias = new float[4];
        var labels = new float[4][];
        for (var c = 0; c < 4; c++)
        {
            perCriterion[c] = new float[dim];
            labels[c] = [.. train.Select(i => Get(annotations[i].Scores, c))];
            bias[c] = labels[c].Length == 0 ? 2.5f : labels[c].Average();
        }

        // One model per criterion, trained independently (in parallel) with AdaGrad on squared error plus L2.
        Parallel.For(0, 4, new ParallelOptions { CancellationToken = ct }, c =>
        {
            var w = perCriterion[c];
            var g2 = new float[dim];
            float biasG2 = 0;
            var y = labels[c];
            var epochOrder = Enumerable.Range(0, train.Length).ToArray();
            var rng = new Random(options.Seed + (c * 7919));
            var lr = (float)options.LearningRate;
            var l2 = (float)options.L2;
            for (var epoch = 0; epoch < options.Epochs; epoch++)
            {
                ct.ThrowIfCancellationRequested();
                rng.Shuffle(epochOrder);
                foreach (var i in epochOrder)
                {
                    var fi = featIdx[i];
                    var fv = featVal[i];
                    var p = bias[c];
                    for (var k = 0; k < fi.Length; k++)
                    {
                        p += w[fi[k]] * fv[k];
                    }

                    var err = p - y[i];
                    for (var k = 0; k < fi.Length; k++)
                    {
                        var j = fi[k];
                        var g = (err * fv[k]) + (l2 * w[j]);
                        g2[j] += g * g;
                        w[j] -= lr * g / (MathF.Sqrt(g2[j]) + 1e-6f);
                    }

                    biasG2 += err * err;
                    bias[c] -= lr * err / (MathF.Sqrt(biasG2) + 1e-6f);
                }
            }
        });

        var weights = new float[dim * 4];
        for (var f = 0; f < dim; f++)
        {
            for (var c = 0; c < 4; c++)
            {
                weights[(f * 4) + c] = perCriterion[c][f];
            }
        }

        var scorer = new TrainedQualityScorer(featurizer, weights, bias, logger);
        var metrics = new List<QualityCriterionMetrics>();
        if (test.Length > 0)
        {
            var buffers = new Buffers();
            var predicted = test.Select(i => scorer.Predict(annotations[i].Text, buffers)).ToArray();
            for (var c = 0; c < Criteria.Length; c++)
            {
                double abs = 0;
                var hits = 0;
                for (var k = 0; k < test.Length; k++)
                {
                    var label = Get(annotations[test[k]].Scores, c);
                    var p = Get(predicted[k], c);
                    abs += Math.Abs(p - label);
                    if (Math.Round(p, MidpointRounding.AwayFromZero) == Math.Round(label, MidpointRounding.AwayFromZero))
                    {
                        hits++;
                    }
                }

                metrics.Add(new QualityCriterionMetrics(Criteria[c], abs / test.Length, (double)hits / test.Length));
            }
        }

        var report = new QualityTrainingReport
        {
            TrainCount = train.Length,
            TestCount = test.Length,
            Algorithm = QualityModelAlgorithm.HashedLinear,
            Metrics = metrics,
            Elapsed = watch.Elapsed,
        };
        if (logger is not null)
        {
            LogTrained(logger, train.Length, test.Length, metrics.Count == 0 ? double.NaN : metrics.Average(m => m.MeanAbsoluteError), watch.Elapsed.TotalSeconds);
        }

        return new QualityTrainingResult(scorer, report);
    }

    private static string WeightHash(float[] weights, float[] bias)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bias.AsSpan()));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private static float Clamp(float v) => float.IsFinite(v) ? Math.Clamp(v, 0f, 5f) : 0f;

    private static float Get(QualityScores s, int criterion) => criterion switch
    {
        0 => s.Quality,
        1 => s.Advertisement,
        2 => s.InformationalValue,
        _ => s.EducationalValue,
    };

    [LoggerMessage(LogLevel.Debug, "Trained quality scorer scored {Count} documents.")]
    private partial void LogScored(int count);

    [LoggerMessage(LogLevel.Information, "Trained quality models on {TrainCount} annotations ({TestCount} held out, mean MAE {Mae:0.000}) in {Seconds:0.0} s.")]
    private static partial void LogTrained(ILogger logger, int trainCount, int testCount, double mae, double seconds);

    private sealed class Buffers
    {
        public List<int> Indices { get; } = new(1024);

        public List<float> Values { get; } = new(1024);

        public List<uint> Scratch { get; } = new(4096);
    }
}
