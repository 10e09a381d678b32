namespace Climb;

/// <summary>
/// One stage of the pipeline: the upstream stages it reads (declared once, in its constructor), a fingerprint of its own
/// inputs (its format version, component identities and options), a run that writes its folder, and a load that reads the
/// folder back and checks what it reads. Its name and folder number come from its row of the <see cref="StageTable"/>.
/// The <see cref="StageRunner"/> decides which of run or load happens and owns the manifest, the content hashes and the
/// invalidation; a stage only knows its own files.
/// </summary>
internal abstract class PipelineStage
{
    private string? _fingerprint;
    private StageDefinition? _definition;

    /// <summary>Initializes the stage with the stages whose outputs it reads.</summary>
    /// <param name="upstream">The upstream stages: a stage that re-runs discards every stage that depends on it, and their
    /// fingerprints are part of this one's.</param>
    protected PipelineStage(params PipelineStage[] upstream) => Upstream = upstream;

    /// <summary>Gets the row of the stage table this stage was created from.</summary>
    public StageDefinition Definition
    {
        get => _definition ?? throw new InvalidOperationException($"The {GetType().Name} was not created from the stage table.");
        internal set => _definition = _definition is null ? value : throw new InvalidOperationException($"The {GetType().Name} already belongs to the stage table.");
    }

    /// <summary>Gets the name used in folders, logs, progress and on the command line.</summary>
    public string Name => Definition.Name;

    /// <summary>Gets the stages whose outputs this one reads.</summary>
    public IReadOnlyList<PipelineStage> Upstream { get; }

    /// <summary>Gets whether an interrupted run continues from the units it finished (its folder is kept) instead of starting afresh.</summary>
    public virtual bool Resumable => false;

    /// <summary>Gets whether the stage scores the evaluation targets (which are then checked before the first stage runs).</summary>
    public virtual bool NeedsTargets => false;

    /// <summary>Gets files of the stage folder that are also copied to the artifacts root (for example weights.json), and removed from it with the stage.</summary>
    public virtual IReadOnlyList<string> PublishedFiles => [];

    /// <summary>Gets the fingerprint: the stage's own (<see cref="OwnFingerprint"/>) folded with every upstream stage's
    /// fingerprint, so a change anywhere upstream changes it (computed once).</summary>
    public string Fingerprint => _fingerprint ??= Climb.Fingerprint.Of([Definition.Name, OwnFingerprint(), .. Upstream.Select(u => u.Fingerprint)]);

    /// <summary>Hashes what this stage adds to its upstream stages' fingerprints: the version of its format, the identity
    /// of its components and its options (the upstream fingerprints are folded in by <see cref="Fingerprint"/>).</summary>
    protected abstract string OwnFingerprint();

    /// <summary>Runs the stage into its folder (which holds only the units of an interrupted run when resuming).</summary>
    /// <returns>The counts to record in the manifest and the result.</returns>
    public abstract Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken);

    /// <summary>Loads the output of a complete run from its folder, checking what it reads.</summary>
    /// <exception cref="InvalidDataException">The files are complete and hash-verified but their contents do not fit the inputs.</exception>
    public abstract void Load(StageContext context, string folder);

    /// <summary>Throws an <see cref="InvalidOperationException"/> when the stage has not run or loaded yet.</summary>
    protected static T Ready<T>(T? value, string stage)
        where T : class => value ?? throw new InvalidOperationException($"The {stage} stage has not run yet.");
}
