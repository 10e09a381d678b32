namespace Climb;

/// <summary>One row of the <see cref="StageTable"/>: a stage's name, number and purpose, and how a run creates it from
/// the stages before it.</summary>
internal sealed class StageDefinition
{
    private readonly Func<StageGraph, PipelineStage> _create;

    /// <summary>Initializes a row.</summary>
    /// <param name="name">The name: in the stage folder, logs, progress and as the command-line subcommand.</param>
    /// <param name="description">What the stage does, as a lower-case phrase ("embed the corpus").</param>
    /// <param name="create">Creates the stage of one run; it reaches its upstream stages through <see cref="StageGraph.Get{T}"/>.</param>
    public StageDefinition(string name, string description, Func<StageGraph, PipelineStage> create)
    {
        Name = name;
        Description = description;
        _create = create;
    }

    /// <summary>Gets the name.</summary>
    public string Name { get; }

    /// <summary>Gets what the stage does, as a lower-case phrase.</summary>
    public string Description { get; }

    /// <summary>Gets the 1-based position in the table.</summary>
    public int Number { get; internal set; }

    /// <summary>Gets the name of the stage's folder in the artifacts folder ("01-embed").</summary>
    public string FolderName => ToInfo().FolderName;

    /// <summary>Creates this stage for one run.</summary>
    public PipelineStage Create(StageGraph graph)
    {
        var stage = _create(graph);
        stage.Definition = this;
        return stage;
    }

    /// <summary>Gets the public description of the stage.</summary>
    public StageInfo ToInfo() => new(Name, Number, Description);
}
