namespace Climb.Benchmarks.Evidence;

/// <summary>A pre-trained base model (uniform mixture).</summary>
internal sealed class BaseFacts
{
    public string Path { get; set; } = string.Empty;

    public string Model { get; set; } = string.Empty;

    public long Tokens { get; set; }

    public double Seconds { get; set; }

    public double TargetLoss { get; set; }

    public double TrainingLoss { get; set; }
}

/// <summary>The target model trained on one strategy's answer.</summary>
internal sealed class TargetOutcome
{
    public double[] Mixture { get; set; } = [];

    public double Loss { get; set; }

    public double? PiqaAcc { get; set; }

    public double? PiqaAccNorm { get; set; }

    public double Seconds { get; set; }

    public double TokensPerSecond { get; set; }

    public long Tokens { get; set; }
}

/// <summary>One search round as the report shows it.</summary>
internal sealed class RoundFacts
{
    public int Round { get; set; }

    public int Proxies { get; set; }

    public double BestLossSoFar { get; set; }

    public double BestLossThisRound { get; set; }

    public double HeldOutSpearman { get; set; }

    public double ProspectiveSpearman { get; set; }
}

/// <summary>One strategy at one seed.</summary>
internal sealed class StrategyRun
{
    public string Proxy { get; set; } = "transformer";

    public string Strategy { get; set; } = string.Empty;

    public string AnswerSource { get; set; } = string.Empty;

    public double? AnswerMeasuredLoss { get; set; }

    public double SignalToNoise { get; set; } = double.NaN;

    public string? AnswerPredictor { get; set; }

    public int Seed { get; set; }

    public int ProxyRuns { get; set; }

    public double BestProxyLoss { get; set; }

    public string AnswerMethod { get; set; } = string.Empty;

    public double? AnswerSpearman { get; set; }

    public int? AnswerPredictorPoints { get; set; }

    public double[] Mixture { get; set; } = [];

    public double TargetDomainShare { get; set; }

    public List<RoundFacts> Rounds { get; set; } = [];

    public TargetOutcome Target { get; set; } = new();

    /// <summary>Gets or sets the tokens trained to choose the answer: every proxy of the search, a strategy's own training
    /// (DoReMi's reference and DRO proxies) and, where the answer rule uses it, the answer's measurement. The noise-floor
    /// replicates and a measurement that only reports are diagnostics and not counted.</summary>
    public long ComputeTokens { get; set; }

    public static StrategyRun From(string name, int seed, MixtureSearchResult result, TargetOutcome target, double[] targetShareOfSuper, bool answerMeasurementChooses)
    {
        var mixture = result.Mixture.ToArray();
        bool extraMeasurement = answerMeasurementChooses && result.AnswerMeasured is { } m && !result.ProxyResults.Contains(m);
        return new StrategyRun
        {
            Strategy = name,
            Seed = seed,
            ComputeTokens = result.ProxyResults.Sum(r => r.TokensTrained) + result.Answer.StrategyTokensTrained + (extraMeasurement ? result.AnswerMeasured!.TokensTrained : 0),
            ProxyRuns = result.ProxyResults.Count,
            BestProxyLoss = result.BestMeasured.Objective,
            AnswerMethod = result.Answer.Method,
            AnswerSpearman = result.Answer.Predictor?.HeldOutSpearman,
            AnswerSource = result.AnswerSource.ToString(),
            AnswerMeasuredLoss = result.AnswerMeasured?.Objective,
            SignalToNoise = result.SignalToNoise,
            AnswerPredictor = result.Answer.Predictor?.Predictor,
            AnswerPredictorPoints = result.Answer.Predictor?.TrainingCount,
            Mixture = mixture,
            TargetDomainShare = mixture.Select((w, s) => w * targetShareOfSuper[s]).Sum(),
            Rounds = result.Rounds.Select(r => new RoundFacts
            {
                Round = r.Round + 1,
                Proxies = r.Results.Count,
                BestLossSoFar = -r.BestUtilitySoFar,
                BestLossThisRound = r.Results.Count == 0 ? double.NaN : r.Results.Min(x => x.Objective),
                HeldOutSpearman = r.HeldOutSpearman,
                ProspectiveSpearman = r.ProspectiveSpearman,
            }).ToList(),
            Target = target,
        };
    }
}

/// <summary>What the pipeline stages produced, measured against the domain tags.</summary>
internal sealed class PipelineFacts
{
    public int Documents { get; set; }

    public int FineClusters { get; set; }

    public int KeptClusters { get; set; }

    public int SuperClusters { get; set; }

    public string[] Domains { get; set; } = [];

    public Dictionary<string, int> DocumentsByDomain { get; set; } = [];

    public Dictionary<string, int> DroppedByDomain { get; set; } = [];

    public Dictionary<string, int> DroppedReasons { get; set; } = [];

    public double NmiFineAll { get; set; }

    public double AriFineAll { get; set; }

    public double NmiFineKept { get; set; }

    public double NmiSuperKept { get; set; }

    public double AriSuperKept { get; set; }

    /// <summary>Gets or sets, per super-cluster, each domain's share of its characters.</summary>
    public double[][] SuperDomainShares { get; set; } = [];

    public double[] TargetShares(IReadOnlyCollection<string> domains)
    {
        var idx = Domains.Select((d, i) => (d, i)).Where(p => domains.Contains(p.d)).Select(p => p.i).ToArray();
        return SuperDomainShares.Select(row => idx.Sum(i => row[i])).ToArray();
    }
}

/// <summary>Everything the report is written from.</summary>
/// <summary>The proxy-to-target transfer check of one proxy kind: target models on mixtures spanning the proxy objectives.</summary>
internal sealed class TransferFacts
{
    public string Proxy { get; set; } = string.Empty;

    public List<double> ProxyObjectives { get; set; } = [];

    public List<double> TargetLosses { get; set; } = [];

    public double Spearman { get; set; } = double.NaN;
}

internal sealed class RunFacts
{
    public List<TransferFacts> Transfer { get; set; } = [];

    public EvidenceSettings Settings { get; set; } = new();

    public int CorpusDocuments { get; set; }

    public int TrainingDocuments { get; set; }

    public Dictionary<string, int> HeldOut { get; set; } = [];

    public double TargetScoredTokens { get; set; }

    public PipelineFacts Pipeline { get; set; } = new();

    public Dictionary<string, double> StageSeconds { get; set; } = [];

    public Dictionary<string, string> StageOutcomes { get; set; } = [];

    public long Tokens { get; set; }

    public int Vocabulary { get; set; }

    public string TokenizerIdentity { get; set; } = string.Empty;

    public string ProxyModel { get; set; } = string.Empty;

    public int ContextLength { get; set; }

    public long ProxyParameters { get; set; }

    public string TargetModel { get; set; } = string.Empty;

    public long TargetParameters { get; set; }

    public BaseFacts ProxyBase { get; set; } = new();

    public BaseFacts TargetBase { get; set; } = new();

    public int ProxiesTrained { get; set; }

    public double ProxySecondsMean { get; set; }

    public double ProxySecondsTotal { get; set; }

    public double ProxyTokensPerSecond { get; set; }

    public List<StrategyRun> Runs { get; set; } = [];

    public int SeedsDone { get; set; }

    public double WallSeconds { get; set; }

    public string LoadStart { get; set; } = string.Empty;

    public string LoadEnd { get; set; } = string.Empty;

    public bool PiqaUsed { get; set; }

    public int PiqaItems { get; set; }

    public int PiqaSkipped { get; set; }

    public string Machine { get; set; } = string.Empty;

    public string Command { get; set; } = string.Empty;
}
