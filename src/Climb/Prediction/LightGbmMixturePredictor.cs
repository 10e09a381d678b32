using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Climb;

/// <summary>
/// The CLIMB predictor: LightGBM regression (through ML.NET) from mixture weights to the (standardised) target, optionally
/// with early stopping on a validation split, and a cross-validated held-out Spearman correlation. The trained trees are extracted into a compact
/// array form, so ranking 100,000 candidates is a parallel tree walk rather than an ML.NET pipeline.
/// </summary>
public sealed class LightGbmMixturePredictor : IMixturePredictor
{
    private readonly LightGbmMixturePredictorOptions _options;

    /// <summary>Initializes the predictor.</summary>
    /// <param name="options">The options; small-sample defaults when <see langword="null"/> (<see cref="LightGbmMixturePredictorOptions.Paper"/> for the paper's).</param>
    public LightGbmMixturePredictor(LightGbmMixturePredictorOptions? options = null)
    {
        _options = OptionsValidation.Validate(options ?? new LightGbmMixturePredictorOptions(), nameof(options));
    }

    /// <inheritdoc />
    public string Identity => _options.Describe();

    /// <inheritdoc />
    public IFittedMixturePredictor Fit(IReadOnlyList<(MixtureWeights Mixture, double Target)> observations, int seed, CancellationToken cancellationToken = default)
    {
        var (model, k, report) = PredictorFitting.FitWithCrossValidation(
            Identity,
            observations,
            _options.CrossValidationFolds,
            seed,
            w => w.ToArray(),
            (data, rows, s) => Train(Flatten(data), data.Y, data.Weights, rows, s, cancellationToken),
            (m, f) => m.Predict(Array.ConvertAll(f, v => (float)v)),
            m => m.TreeCount,
            cancellationToken);
        return new Fitted(model, k, report);
    }

    private static float[] Flatten(PredictorData data)
    {
        int k = data.Weights;
        var x = new float[data.X.Length * k];
        for (int i = 0; i < data.X.Length; i++)
        {
            for (int j = 0; j < k; j++)
            {
                x[(i * k) + j] = (float)data.X[i][j];
            }
        }

        return x;
    }

    /// <summary>Trains one booster on the given rows (standardised targets, early stopping on a seeded validation split, optional refit).</summary>
    internal CompiledTreeEnsemble Train(float[] x, double[] y, int k, int[] rows, int seed, CancellationToken cancellationToken)
    {
        if (!_options.StandardizeTargets)
        {
            return TrainScaled(x, y, k, rows, seed, cancellationToken);
        }

        var (mean, scale) = PredictorFitting.Standardization(y, rows);
        var z = new double[y.Length];
        foreach (int i in rows)
        {
            z[i] = (y[i] - mean) / scale;
        }

        return TrainScaled(x, z, k, rows, seed, cancellationToken).Rescaled(mean, scale);
    }

    /// <summary>
    /// Trains one booster on <paramref name="train"/>, early-stopping on <paramref name="valid"/> with no refit and no
    /// target standardisation: RegMix's notebook protocol, which stops on its test mixtures. The benchmark reproduces its
    /// published figures with it; a search never calls it.
    /// </summary>
    internal CompiledTreeEnsemble TrainEarlyStoppedOn(float[] x, double[] y, int k, int[] train, int[] valid, int seed) =>
        Extract(FitBooster(new MLContext(seed), x, y, k, train, valid, seed, _options.MaximumIterations, _options.EarlyStoppingRounds));

    private CompiledTreeEnsemble TrainScaled(float[] x, double[] y, int k, int[] rows, int seed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (rows.Length < 2 * _options.MinimumExamplesPerLeaf)
        {
            // No split can satisfy the leaf minimum: the boosted model would be the mean. Skip LightGBM, which rejects
            // data sets this small.
            return CompiledTreeEnsemble.Constant(rows.Average(i => y[i]));
        }

        var ml = new MLContext(seed);
        int nValid = (int)Math.Round(rows.Length * _options.ValidationFraction);
        bool early = _options.EarlyStoppingRounds > 0 && nValid >= 2 && rows.Length - nValid >= 2;
        if (!early)
        {
            return FitCompiled(ml, x, y, k, rows, null, seed, _options.MaximumIterations, 0);
        }

        var perm = PredictorFitting.Permutation(rows.Length, SeedMixer.Derive(seed, 0x7A11D));
        var valid = perm.Take(nValid).Select(i => rows[i]).ToArray();
        var train = perm.Skip(nValid).Select(i => rows[i]).ToArray();
        var stopped = FitCompiled(ml, x, y, k, train, valid, seed, _options.MaximumIterations, _options.EarlyStoppingRounds);
        if (!_options.RefitOnAllData)
        {
            return stopped;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return FitCompiled(ml, x, y, k, rows, null, seed, Math.Max(1, stopped.TreeCount), 0);
    }

    /// <summary>
    /// Fits and compiles the booster. When no split gains any more, LightGBM ends its model with a tree that is a single
    /// leaf of value 0, which ML.NET cannot convert (ArgumentNullException 'items', dotnet/machinelearning#5022); it
    /// happens with a handful of observations (a first round of a few proxies). Then fit again with half the iterations
    /// (the trees before that one are the same), down to one; with none left the model is the mean.
    /// </summary>
    private CompiledTreeEnsemble FitCompiled(MLContext ml, float[] x, double[] y, int k, int[] train, int[]? valid, int seed, int iterations, int earlyStopping)
    {
        for (int n = iterations; n >= 1; n /= 2)
        {
            try
            {
                return Extract(FitBooster(ml, x, y, k, train, valid, seed, n, earlyStopping));
            }
            catch (ArgumentNullException ex) when (ex.ParamName == "items")
            {
            }
        }

        return CompiledTreeEnsemble.Constant(train.Average(i => y[i]));
    }

    private LightGbmRegressionModelParameters FitBooster(
        MLContext ml, float[] x, double[] y, int k, int[] train, int[]? valid, int seed, int iterations, int earlyStopping)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
        IEnumerable<Row> Rows(int[] idx) => idx.Select(i => new Row { Features = x.AsSpan(i * k, k).ToArray(), Label = (float)y[i] }).ToArray();
        var trainView = ml.Data.LoadFromEnumerable(Rows(train), schema);
        var trainer = ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            LearningRate = _options.LearningRate,
            NumberOfIterations = iterations,
            NumberOfLeaves = _options.MaximumLeaves ?? 1 << Math.Min(_options.MaximumTreeDepth, 16),
            MinimumExampleCountPerLeaf = _options.MinimumExamplesPerLeaf,
            EarlyStoppingRound = earlyStopping,
            NumberOfThreads = _options.NumberOfThreads,
            Seed = seed,
            Deterministic = true,
            Silent = true,
            Verbose = false,
            Booster = new GradientBooster.Options
            {
                MaximumTreeDepth = _options.MaximumTreeDepth,
                L1Regularization = _options.L1Regularization,
                L2Regularization = _options.L2Regularization,
            },
        });
        var model = valid is null
            ? trainer.Fit(trainView)
            : trainer.Fit(trainView, ml.Data.LoadFromEnumerable(Rows(valid), schema));
        return model.Model;
    }

    private static CompiledTreeEnsemble Extract(LightGbmRegressionModelParameters model) =>
        CompiledTreeEnsemble.From(model.TrainedTreeEnsemble);

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class Fitted(CompiledTreeEnsemble model, int k, MixturePredictorReport report) : IFittedMixturePredictor
    {
        public MixturePredictorReport Report => report;

        public void Predict(IReadOnlyList<MixtureWeights> mixtures, Span<double> destination, CancellationToken cancellationToken = default)
        {
            PredictorFitting.CheckBatch(mixtures, destination, k);
            var result = new double[mixtures.Count];
            const int Block = 1024;
            int blocks = (mixtures.Count + Block - 1) / Block;
            Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellationToken }, b =>
            {
                Span<float> row = stackalloc float[k];
                int end = Math.Min(mixtures.Count, (b + 1) * Block);
                for (int i = b * Block; i < end; i++)
                {
                    var w = mixtures[i].AsSpan();
                    for (int j = 0; j < k; j++)
                    {
                        row[j] = (float)w[j];
                    }

                    result[i] = model.Predict(row);
                }
            });
            result.CopyTo(destination);
        }
    }
}

/// <summary>A regression tree ensemble flattened into arrays for fast, allocation-free evaluation.</summary>
internal sealed class CompiledTreeEnsemble
{
    private readonly int[] _roots;
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _leaf;
    private readonly double _bias;

    private CompiledTreeEnsemble(int[] roots, int[] feature, float[] threshold, int[] left, int[] right, double[] leaf, double bias)
    {
        _roots = roots;
        _feature = feature;
        _threshold = threshold;
        _left = left;
        _right = right;
        _leaf = leaf;
        _bias = bias;
    }

    public int TreeCount => _roots.Length;

    public static CompiledTreeEnsemble Constant(double value) => new([], [], [], [], [], [], value);

    /// <summary>The same trees predicting <c>mean + scale × prediction</c> (undoes a target standardisation).</summary>
    public CompiledTreeEnsemble Rescaled(double mean, double scale) =>
        new(_roots, _feature, _threshold, _left, _right, _leaf.Select(v => v * scale).ToArray(), mean + (_bias * scale));

    public static CompiledTreeEnsemble From(RegressionTreeEnsemble ensemble)
    {
        var roots = new List<int>();
        var feature = new List<int>();
        var threshold = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        var leaf = new List<double>();
        for (int t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            double weight = ensemble.TreeWeights[t];
            int nodeBase = feature.Count;
            int leafBase = leaf.Count;
            int Map(int child) => child >= 0 ? nodeBase + child : ~(leafBase + ~child);
            for (int node = 0; node < tree.NumberOfNodes; node++)
            {
                if (tree.CategoricalSplitFlags[node])
                {
                    throw new NotSupportedException("Categorical splits are not expected on mixture weights.");
                }

                feature.Add(tree.NumericalSplitFeatureIndexes[node]);
                threshold.Add(tree.NumericalSplitThresholds[node]);
                left.Add(Map(tree.LeftChild[node]));
                right.Add(Map(tree.RightChild[node]));
            }

            foreach (double v in tree.LeafValues)
            {
                leaf.Add(v * weight);
            }

            roots.Add(tree.NumberOfNodes > 0 ? nodeBase : ~leafBase);
        }

        return new CompiledTreeEnsemble(roots.ToArray(), feature.ToArray(), threshold.ToArray(), left.ToArray(), right.ToArray(), leaf.ToArray(), ensemble.Bias);
    }

    public double Predict(ReadOnlySpan<float> x)
    {
        double sum = _bias;
        foreach (int root in _roots)
        {
            int node = root;
            while (node >= 0)
            {
                node = x[_feature[node]] <= _threshold[node] ? _left[node] : _right[node];
            }

            sum += _leaf[~node];
        }

        return sum;
    }
}
