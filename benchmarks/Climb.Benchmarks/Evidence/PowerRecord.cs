using System.Text.Json.Serialization;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// One finished run of the evidence benchmark: a strategy's search at one (setting, seed), its answer re-measured on
/// fresh data seeds the search never used, and (transformer block) the target model trained on the answer. Written
/// atomically as <c>record.json</c> in the run's folder; a run with a record is never recomputed. The same fields
/// (snake_case) are the records of <c>docs/results.json</c>.
/// </summary>
internal sealed class PowerRecord
{
    [JsonPropertyName("proxy")]
    public string Proxy { get; set; } = string.Empty;

    [JsonPropertyName("setting")]
    public string Setting { get; set; } = string.Empty;

    [JsonPropertyName("seed")]
    public int Seed { get; set; }

    [JsonPropertyName("strategy")]
    public string Strategy { get; set; } = string.Empty;

    /// <summary>Gets or sets every proxy run the search spent: its rounds, the noise replicates, the answer's measurement and any re-measurement inside the search.</summary>
    [JsonPropertyName("proxy_runs")]
    public int ProxyRuns { get; set; }

    /// <summary>Gets or sets the tokens those runs trained, plus what the strategy trained itself (DoReMi).</summary>
    [JsonPropertyName("compute_tokens")]
    public long ComputeTokens { get; set; }

    /// <summary>Gets or sets the mean objective of the answer over the fresh re-measurement seeds (lower is better).</summary>
    [JsonPropertyName("remeasured_objective")]
    public double RemeasuredObjective { get; set; }

    [JsonPropertyName("remeasured_sd")]
    public double RemeasuredSd { get; set; }

    [JsonPropertyName("remeasured_objectives")]
    public double[] RemeasuredObjectives { get; set; } = [];

    [JsonPropertyName("remeasure_seeds")]
    public int[] RemeasureSeeds { get; set; } = [];

    /// <summary>Gets or sets the loss of the target model trained on the answer (transformer block only).</summary>
    [JsonPropertyName("target_loss")]
    public double? TargetLoss { get; set; }

    /// <summary>Gets or sets <c>predicted</c> when the answer is a mixture the strategy's model proposed for answering and not
    /// one measured during its exploration rounds, <c>measured</c> otherwise.</summary>
    [JsonPropertyName("answer_kind")]
    public string AnswerKind { get; set; } = string.Empty;

    [JsonPropertyName("heldout_spearman")]
    public double? HeldOutSpearman { get; set; }

    [JsonPropertyName("answer_source")]
    public string AnswerSource { get; set; } = string.Empty;

    [JsonPropertyName("answer_method")]
    public string AnswerMethod { get; set; } = string.Empty;

    [JsonPropertyName("answer_reason")]
    public string? AnswerReason { get; set; }

    [JsonPropertyName("answer_predictor")]
    public string? AnswerPredictor { get; set; }

    /// <summary>Gets or sets the answer's objective as the search measured it (its own selection measurement), when it did.</summary>
    [JsonPropertyName("search_answer_objective")]
    public double? SearchAnswerObjective { get; set; }

    /// <summary>Gets or sets, when the search's safeguard replaced its predicted answer by the best measured mixture, what that predicted answer measured.</summary>
    [JsonPropertyName("rejected_prediction_objective")]
    public double? RejectedPredictionObjective { get; set; }

    [JsonPropertyName("best_measured_objective")]
    public double BestMeasuredObjective { get; set; }

    [JsonPropertyName("signal_to_noise")]
    public double? SignalToNoise { get; set; }

    [JsonPropertyName("mixture")]
    public double[] Mixture { get; set; } = [];

    [JsonPropertyName("search_seconds")]
    public double SearchSeconds { get; set; }

    /// <summary>Gets or sets the wall time of the whole run: search, re-measurement and (transformer block) target model.</summary>
    [JsonPropertyName("seconds")]
    public double Seconds { get; set; }

    [JsonPropertyName("proxies_trained")]
    public int ProxiesTrained { get; set; }

    [JsonPropertyName("configuration")]
    public string Configuration { get; set; } = string.Empty;
}
