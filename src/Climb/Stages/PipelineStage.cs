namespace Climb;

/// <summary>
/// One stage of the pipeline: a name, a fingerprint (upstream fingerprints + component identities + options), a run
/// that writes its folder, and a load that reads the folder back and checks what it reads. The
/// <see cref="StageRunner"/> decides which of the two happens and owns the manifest, the content hashes and the
/// invalidation; a stage only knows its own files.
/// </summary>
internal abstract class PipelineStage
{
    private string? _fingerprint;

    /// <summary>Gets the name used in folders, logs, progress and on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>Gets the stages whose outputs this one reads; a stage that re-runs discards every stage that depends on it.</summary>
    public abstract IReadOnlyList<PipelineStage> Upstream { get; }

    /// <summary>Gets whether an interrupted run continues from the units it finished (its folder is kept) instead of starting afresh.</summary>
    public virtual bool Resumable => false;

    /// <summary>Gets files of the stage folder that are also copied to the artifacts root (for example weights.json), and removed from it with the stage.</summary>
    public virtual IReadOnlyList<string> PublishedFiles => [];

    /// <summary>Gets the fingerprint (computed once; upstream fingerprints are part of it).</summary>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint();

    /// <summary>Hashes the version of this stage's format, the upstream fingerprints, the identity of its components and its options.</summary>
    protected abstract string ComputeFingerprint();

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
