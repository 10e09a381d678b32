using System.Globalization;

namespace Climb;

/// <summary>
/// RegMix: one round of mixtures drawn from the sampler, a predictor fitted on them, and the mean of the top-128 predicted
/// candidates as the answer.
/// </summary>
public sealed class RegMixSearchStrategy : IMixtureSearchStrategy
{
    private readonly RegMixSearchStrategyOptions _options;
    private readonly IMixtureSampler _sampler;
    private readonly IMixturePredictor _predictor;

    /// <summary>Initializes the strategy.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="sampler">The sampler; a default <see cref="DirichletMixtureSampler"/> when <see langword="null"/>.</param>
    /// <param name="predictor">The predictor; when <see langword="null"/>, the default automatic choice among ridge, a Gaussian process and LightGBM by cross-validated Spearman.</param>
    public RegMixSearchStrategy(RegMixSearchStrategyOptions? options = null, IMixtureSampler? sampler = null, IMixturePredictor? predictor = null)
    {
        _options = OptionsValidation.Validate(options ?? new RegMixSearchStrategyOptions(), nameof(options));
        _sampler = sampler ?? new DirichletMixtureSampler();
        _predictor = predictor ?? new AutoMixturePredictor();
    }

    /// <inheritdoc />
    public string Name => "regmix";

    /// <inheritdoc />
    public string Identity => $"regmix:{_options.Describe()};sampler={_sampler.Identity};predictor={_predictor.Identity}";

    /// <inheritdoc />
    public IReadOnlyList<int> RoundBudgets => [_options.Budget];

    /// <inheritdoc />
    public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new MixtureRoundPlan { Mixtures = _sampler.Sample(context.Prior, _options.Budget, SeedMixer.Derive(context.Seed, 0xC1, 0), cancellationToken) };
    }

    /// <inheritdoc />
    public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return PredictiveSearch.PredictedAnswer(
            context, _sampler, _predictor, _options.CandidatePoolSize, _options.AnswerTopK, includeEvaluated: false, averageTies: false, _options.MinimumAnswerSpearman, cancellationToken);
    }
}

/// <summary>The paper's CLIMB-Best@N baseline: N mixtures drawn from the sampler, the best measured one is the answer.</summary>
public sealed class BestOfNSearchStrategy : IMixtureSearchStrategy
{
    private readonly int _count;
    private readonly IMixtureSampler _sampler;

    /// <summary>Initializes the strategy.</summary>
    /// <param name="count">The number of proxy runs, N.</param>
    /// <param name="sampler">The sampler; a default <see cref="DirichletMixtureSampler"/> when <see langword="null"/>.</param>
    public BestOfNSearchStrategy(int count = 112, IMixtureSampler? sampler = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _count = count;
        _sampler = sampler ?? new DirichletMixtureSampler();
    }

    /// <inheritdoc />
    public string Name => "best-of-n";

    /// <inheritdoc />
    public string Identity => string.Create(CultureInfo.InvariantCulture, $"best-of-n:n={_count};sampler={_sampler.Identity}");

    /// <inheritdoc />
    public IReadOnlyList<int> RoundBudgets => [_count];

    /// <inheritdoc />
    public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new MixtureRoundPlan { Mixtures = _sampler.Sample(context.Prior, _count, SeedMixer.Derive(context.Seed, 0xC1, 0), cancellationToken) };
    }

    /// <inheritdoc />
    public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var best = PredictiveSearch.BestMeasured(context.Results);
        return new MixtureSearchAnswer { Mixture = best.Mixture, Method = $"best measured of {context.Results.Count}", Source = AnswerSource.BestMeasured };
    }
}

/// <summary>The uniform-weights baseline: every cluster gets the same weight; one proxy run measures it.</summary>
public sealed class UniformSearchStrategy : IMixtureSearchStrategy
{
    /// <inheritdoc />
    public string Name => "uniform";

    /// <inheritdoc />
    public string Identity => "uniform";

    /// <inheritdoc />
    public IReadOnlyList<int> RoundBudgets => [1];

    /// <inheritdoc />
    public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new MixtureRoundPlan { Mixtures = [MixtureWeights.Uniform(context.Prior.Count)] };
    }

    /// <inheritdoc />
    public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new MixtureSearchAnswer { Mixture = MixtureWeights.Uniform(context.Prior.Count), Method = "uniform weights", Source = AnswerSource.Fixed };
    }
}
