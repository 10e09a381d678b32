namespace Climb.Tests.ProxyTraining;

public class MultipleChoiceTests
{
    [Fact]
    public async Task Acc_and_acc_norm_match_hand_computation_with_a_fixed_unigram_model()
    {
        using var store = await ProxyTestData.BuildAsync(ProxyTestData.TempDir(), ByteTokenizer.Instance, [new Document("d", "any")]);
        // Unigram KN (order 1) on "aaaa bb" with D = 0.5: P(w) = max(c - 0.5, 0)/7 + (0.5*3/7)/257.
        var corpus = "aaaa bb"u8.ToArray().Select(b => (int)b).ToArray();
        var model = KneserNeyModel.Train([corpus], order: 1, vocabularySize: 257, maxSequenceLength: 64, fixedDiscount: 0.5, CancellationToken.None);
        double floor = 0.5 * 3 / 7 / 257;
        double pa = (3.5 / 7) + floor, pb = (1.5 / 7) + floor, ps = (0.5 / 7) + floor, pz = floor;
        double la = Math.Log(pa), lb = Math.Log(pb), ls = Math.Log(ps), lz = Math.Log(pz);

        // Item 1: " a" (ls+la) beats " aa" (ls+2la) on the sum, but per byte " aa" wins: acc wrong, acc_norm right.
        // Item 2: " b" beats " zz" both ways: both right.
        var items = new List<MultipleChoiceItem>
        {
            new("x", ["a", "aa"], 1),
            new("Question: y\nAnswer:", ["b", "zz"], 0),
        };
        Assert.True(ls + la > ls + (2 * la));
        Assert.True((ls + (2 * la)) / 3 > (ls + la) / 2);
        var target = new MultipleChoiceTarget("hand", items);
        var evaluator = new TargetEvaluator(store, [target], 64, new ProxyObjectiveOptions());
        var (metrics, objective) = evaluator.Evaluate(model, CancellationToken.None);
        Assert.Equal(0.5, metrics["mc:hand/acc"]);
        Assert.Equal(1.0, metrics["mc:hand/acc_norm"]);
        double goldLoss = -((ls + (2 * la)) + (ls + lb)) / 5; // gold continuations " aa" (3 bytes) and " b" (2 bytes)
        Assert.Equal(goldLoss, metrics["mc:hand/gold_loss"], 9);
        Assert.Equal(ObjectiveGoal.Maximize, evaluator.Goal);
        Assert.Equal(1.0, objective); // Auto -> WeightedAccuracy on acc_norm
        _ = lz;

        var accEvaluator = new TargetEvaluator(store, [target], 64, new ProxyObjectiveOptions { MultipleChoiceMetric = MultipleChoiceMetric.Acc });
        Assert.Equal(0.5, accEvaluator.Evaluate(model, CancellationToken.None).Objective);

        var text = new TextTarget("t", ["ab"], weight: 3);
        var lossEvaluator = new TargetEvaluator(store, [target, text], 64, new ProxyObjectiveOptions());
        var (m2, o2) = lossEvaluator.Evaluate(model, CancellationToken.None);
        Assert.Equal(ObjectiveGoal.Minimize, lossEvaluator.Goal);
        // Text "ab" scored as EOT a b EOT: three predicted tokens (a, b, EOT); EOT (256) is unseen -> floor.
        double textLoss = -(la + lb + Math.Log(floor)) / 3;
        Assert.Equal(textLoss, m2["target:t/loss"], 9);
        Assert.Equal(((1 * goldLoss) + (3 * textLoss)) / 4, o2, 9);
    }

    [Fact]
    public void Piqa_validation_loads_with_labels()
    {
        string dir = Path.Combine(RepoPaths.SharedEval, "piqa");
        var piqa = MultipleChoiceTarget.LoadPiqa(Path.Combine(dir, "valid.jsonl"), Path.Combine(dir, "valid-labels.lst"));
        Assert.Equal(1838, piqa.Items.Count);
        Assert.StartsWith("Question: How do I ready a guinea pig cage", piqa.Items[0].Context);
        Assert.EndsWith("\nAnswer:", piqa.Items[0].Context);
        Assert.Equal(0, piqa.Items[0].Label);
        Assert.Equal(1, piqa.Items[1].Label);
        Assert.All(piqa.Items, i => Assert.Equal(2, i.Choices.Count));
    }

    [Fact]
    public async Task Piqa_slice_scores_end_to_end_with_the_ngram_proxy()
    {
        string dir = Path.Combine(RepoPaths.SharedEval, "piqa");
        var piqa = MultipleChoiceTarget.LoadPiqa(Path.Combine(dir, "valid.jsonl"), Path.Combine(dir, "valid-labels.lst"), maxItems: 200);
        using var store = await ProxyTestData.BuildAsync(ProxyTestData.TempDir(), ByteTokenizer.Instance,
            ProxyTestData.Domain("fortunes", 0, 1500), ProxyTestData.Domain("jargon", 0, 300));
        var result = await new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 5, TokenBudget = 500_000 })
            .TrainAsync(new ProxyTrainingRequest { Mixture = MixtureWeights.Uniform(2), Seed = 1, Data = store, Targets = [piqa] });
        Assert.Equal(200, result.Metrics["mc:piqa/items"]);
        Assert.Equal(ObjectiveGoal.Maximize, result.Goal);
        Assert.Equal(result.Metrics["mc:piqa/acc_norm"], result.Objective);
        // A byte 5-gram model is weak but not blind on PIQA (the right solution is usually the more ordinary text).
        Assert.InRange(result.Metrics["mc:piqa/acc"], 0.5, 0.8);
        Assert.InRange(result.Metrics["mc:piqa/gold_loss"], 0.5, 4.0);
    }

    [Fact]
    public void Loaders_name_the_file_and_line_at_fault()
    {
        string dir = ProxyTestData.TempDir();
        string arc = Path.Combine(dir, "arc.jsonl");
        File.WriteAllLines(arc,
        [
            """{"question": {"stem": "What melts ice?", "choices": [{"text": "heat", "label": "A"}, {"text": "cold", "label": "B"}]}, "answerKey": "A"}""",
            """{"question": "Which is a planet?", "choices": {"text": ["Mars", "Moon", "Sun"], "label": ["1", "2", "3"]}, "answerKey": "1"}""",
        ]);
        var t = MultipleChoiceTarget.LoadArc(arc);
        Assert.Equal(2, t.Items.Count);
        Assert.Equal("Question: Which is a planet?\nAnswer:", t.Items[1].Context);
        Assert.Equal(["Mars", "Moon", "Sun"], t.Items[1].Choices);

        File.AppendAllLines(arc, ["""{"question": "Q?", "choices": {"text": ["a"], "label": ["A"]}, "answerKey": "C"}"""]);
        var ex = Assert.Throws<InvalidDataException>(() => MultipleChoiceTarget.LoadArc(arc));
        Assert.Contains("arc.jsonl:3", ex.Message);

        string hs = Path.Combine(dir, "hs.jsonl");
        File.WriteAllLines(hs,
        [
            """{"activity_label": "Cooking", "ctx_a": "A man cracks eggs.", "ctx_b": "he", "endings": ["whisks them [title] well.", "eats the shell."], "label": "0"}""",
            """{"ctx": "broken", "endings": ["x"], "label": 4}""",
        ]);
        var hex = Assert.Throws<InvalidDataException>(() => MultipleChoiceTarget.LoadHellaSwag(hs));
        Assert.Contains("hs.jsonl:2", hex.Message);
        var h = MultipleChoiceTarget.LoadHellaSwag(hs, maxItems: 1);
        Assert.Equal("Cooking: A man cracks eggs. He", h.Items[0].Context);
        Assert.Equal("whisks them. well.", h.Items[0].Choices[0]);

        string bad = Path.Combine(dir, "piqa.jsonl");
        File.WriteAllLines(bad, ["""{"goal": "g", "sol1": "a", "sol2": "b"}""", "{not json"]);
        string labels = Path.Combine(dir, "labels.lst");
        File.WriteAllLines(labels, ["0", "1"]);
        Assert.Contains("piqa.jsonl:2", Assert.Throws<InvalidDataException>(() => MultipleChoiceTarget.LoadPiqa(bad, labels)).Message);
    }
}
