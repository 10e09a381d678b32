namespace Climb.Benchmarks.Prediction;

/// <summary>One (predictor, metric) result of <see cref="RegMixSwarmBenchmark"/>.</summary>
/// <param name="Predictor">The predictor's key.</param>
/// <param name="Identity">Its identity (every option).</param>
/// <param name="Metric">The loss column.</param>
/// <param name="Seed">The fit seed.</param>
/// <param name="CrossValidated">The held-out Spearman the predictor reports on its training runs (NaN for the notebook reference).</param>
/// <param name="Spearman1M">Spearman on the 256 held-out mixtures at 1M parameters.</param>
/// <param name="Spearman60M">Spearman on the same 256 mixtures at 60M parameters.</param>
/// <param name="Spearman1B">Spearman on the 64 mixtures at 1B parameters.</param>
/// <param name="Regret1B">The 1B loss of the mixture ranked first minus the best 1B loss of the 64.</param>
/// <param name="PickRank">The 1-based rank, by measured 1B loss, of the mixture ranked first.</param>
/// <param name="Chosen">For Auto, the chosen candidate; for the notebook reference, its tree count.</param>
/// <param name="Seconds">Wall-clock seconds of the fit and the predictions.</param>
/// <param name="Load">The machine's 1-minute load average when the fit ended (NaN where not recorded).</param>
internal sealed record SwarmBenchmarkRow(
    string Predictor,
    string Identity,
    string Metric,
    int Seed,
    double CrossValidated,
    double Spearman1M,
    double Spearman60M,
    double Spearman1B,
    double Regret1B,
    int PickRank,
    string Chosen,
    double Seconds,
    double Load = double.NaN);
