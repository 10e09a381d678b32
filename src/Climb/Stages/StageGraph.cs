namespace Climb;

/// <summary>The stages of one run, created in <see cref="StageTable"/> order from the frozen options, the components, the
/// corpus and the targets; a stage's row reaches the stages it reads through <see cref="Get{T}"/>.</summary>
internal sealed class StageGraph
{
    private readonly List<PipelineStage> _stages = [];

    private StageGraph(ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets, ClimbPipelineOptions options, ClimbComponents components)
    {
        Corpus = corpus;
        Targets = targets;
        Options = options;
        Components = components;
    }

    public ClimbCorpus Corpus { get; }

    public IReadOnlyList<EvaluationTarget> Targets { get; }

    public ClimbPipelineOptions Options { get; }

    public ClimbComponents Components { get; }

    /// <summary>Gets the stages, in table order.</summary>
    public IReadOnlyList<PipelineStage> Stages => _stages;

    /// <summary>Creates every stage of the table.</summary>
    public static StageGraph Create(ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets, ClimbPipelineOptions options, ClimbComponents components)
    {
        var graph = new StageGraph(corpus, targets, options, components);
        foreach (var definition in StageTable.All)
        {
            graph._stages.Add(definition.Create(graph));
        }

        return graph;
    }

    /// <summary>Gets the stage of type <typeparamref name="T"/>, which must come earlier in the table.</summary>
    /// <exception cref="InvalidOperationException">The table lists the stage after one that reads it.</exception>
    public T Get<T>()
        where T : PipelineStage =>
        _stages.OfType<T>().SingleOrDefault()
        ?? throw new InvalidOperationException($"The stage table creates a stage that reads the {typeof(T).Name} before the {typeof(T).Name} itself; list it earlier.");
}
