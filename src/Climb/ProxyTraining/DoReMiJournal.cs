using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb;

/// <summary>
/// The work directory of a DoReMi run: <c>state.json</c> (the committed phase and step, written atomically after the
/// checkpoint files it names), step-numbered model and optimiser checkpoints, <c>reference.pt</c> and <c>dro.pt</c> (the
/// finished models), <c>trajectory.jsonl</c> (one line per journaled step) and <c>result.json</c> once finished.
/// A directory written for another configuration is refused.
/// </summary>
internal sealed class DoReMiJournal
{
    public const string ReferencePhase = "reference";
    public const string DroPhase = "dro";
    public const string DonePhase = "done";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly string _directory;
    private readonly string _fingerprint;
    private readonly List<DoReMiStep> _trajectory;

    private DoReMiJournal(string directory, string fingerprint, RunState state, List<DoReMiStep> trajectory, DoReMiResult? result)
    {
        _directory = directory;
        _fingerprint = fingerprint;
        State = state;
        _trajectory = trajectory;
        Result = result;
    }

    /// <summary>Gets the last committed state.</summary>
    public RunState State { get; private set; }

    /// <summary>Gets the finished result, when the directory holds one.</summary>
    public DoReMiResult? Result { get; }

    /// <summary>Gets the journaled trajectory up to the committed step.</summary>
    public IReadOnlyList<DoReMiStep> Trajectory => _trajectory;

    public string ReferencePath => Path.Combine(_directory, "reference.pt");

    public string DroPath => Path.Combine(_directory, "dro.pt");

    /// <summary>Gets the committed checkpoint's model weights.</summary>
    public string CheckpointPath => CheckpointFile(State.Phase, State.Step, "pt");

    /// <summary>Gets the committed checkpoint's optimiser state.</summary>
    public string OptimizerPath => CheckpointFile(State.Phase, State.Step, "optim");

    private string StatePath => Path.Combine(_directory, "state.json");

    private string TrajectoryPath => Path.Combine(_directory, "trajectory.jsonl");

    private string ResultPath => Path.Combine(_directory, "result.json");

    public static DoReMiJournal Open(string directory, string fingerprint, int clusterCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        Directory.CreateDirectory(full);
        string statePath = Path.Combine(full, "state.json");
        var state = new RunState { Fingerprint = fingerprint, Phase = ReferencePhase };
        if (File.Exists(statePath))
        {
            try
            {
                state = JsonSerializer.Deserialize<RunState>(File.ReadAllText(statePath), Json) ?? throw new InvalidDataException($"{statePath} is empty.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"DoReMi state '{statePath}' is not valid JSON: {ex.Message}", ex);
            }

            if (state.Fingerprint != fingerprint)
            {
                throw new InvalidOperationException(
                    $"DoReMi work directory '{full}' belongs to another configuration (fingerprint {state.Fingerprint}, this run's is {fingerprint}); " +
                    "its checkpoints cannot be resumed by this run. Use another directory or delete it.");
            }
        }

        var journal = new DoReMiJournal(full, fingerprint, state, [], null);
        if (state.Phase == DonePhase && File.Exists(journal.ResultPath))
        {
            return new DoReMiJournal(full, fingerprint, state, [], journal.ReadResult(clusterCount));
        }

        // Keep the trajectory up to the committed step; steps after it are trained (and journaled) again.
        int keepUpTo = state.Phase == DroPhase ? state.Step : 0;
        var kept = journal.ReadTrajectory(clusterCount).Where(s => s.Step <= keepUpTo).ToList();
        var text = new StringBuilder();
        foreach (var s in kept)
        {
            text.Append(JsonSerializer.Serialize(StepLine.From(s), Json)).Append('\n');
        }

        AtomicFile.Write(journal.TrajectoryPath, Encoding.UTF8.GetBytes(text.ToString()));
        return new DoReMiJournal(full, fingerprint, state, kept, null);
    }

    /// <summary>Appends a step to the trajectory (flushed line by line).</summary>
    public void AppendStep(DoReMiStep step)
    {
        _trajectory.Add(step);
        File.AppendAllText(TrajectoryPath, JsonSerializer.Serialize(StepLine.From(step), Json) + "\n");
    }

    /// <summary>Saves a mid-phase checkpoint under step-numbered names, commits it, then removes the previous one.</summary>
    public void Checkpoint(ProxyTransformer model, TorchSharp.Modules.OptimizerHelper optimizer, RunState state)
    {
        model.save(CheckpointFile(state.Phase, state.Step, "pt"));
        optimizer.save_state_dict(CheckpointFile(state.Phase, state.Step, "optim"));
        Commit(state);
    }

    /// <summary>Makes <paramref name="state"/> the committed state and deletes checkpoint files it no longer needs.</summary>
    public void Commit(RunState state)
    {
        var previous = State;
        state.Fingerprint = _fingerprint;
        AtomicFile.Write(StatePath, JsonSerializer.SerializeToUtf8Bytes(state, Json));
        State = state;
        if (previous.Step > 0 && (previous.Phase != state.Phase || previous.Step != state.Step))
        {
            File.Delete(CheckpointFile(previous.Phase, previous.Step, "pt"));
            File.Delete(CheckpointFile(previous.Phase, previous.Step, "optim"));
        }
    }

    /// <summary>Writes the result and marks the run done.</summary>
    public void Finish(DoReMiResult result)
    {
        var dto = new ResultFile
        {
            Weights = result.Weights.ToArray(),
            FinalWeights = result.FinalWeights.ToArray(),
            ReferenceSteps = result.ReferenceSteps,
            DroSteps = result.DroSteps,
            ReferenceTokens = result.ReferenceTokens,
            DroTokens = result.DroTokens,
            ReferenceFinalLoss = result.ReferenceFinalLoss,
            Device = result.Device,
        };
        AtomicFile.Write(ResultPath, JsonSerializer.SerializeToUtf8Bytes(dto, Json));
        Commit(new RunState { Phase = DonePhase, Step = 0, ReferenceFinalLoss = result.ReferenceFinalLoss });
    }

    private string CheckpointFile(string phase, int step, string extension) =>
        Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"checkpoint-{phase}-{step:D8}.{extension}"));

    private List<DoReMiStep> ReadTrajectory(int clusterCount)
    {
        var steps = new List<DoReMiStep>();
        if (!File.Exists(TrajectoryPath))
        {
            return steps;
        }

        int lineNumber = 0;
        foreach (string line in File.ReadLines(TrajectoryPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            StepLine? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize<StepLine>(line, Json);
            }
            catch (JsonException)
            {
                break; // a torn last line: the process stopped while writing it
            }

            if (parsed is null || parsed.Weights.Length != clusterCount || parsed.Excess.Length != clusterCount)
            {
                throw new InvalidDataException($"DoReMi trajectory '{TrajectoryPath}' line {lineNumber} does not hold {clusterCount} weights and excess losses.");
            }

            steps.Add(new DoReMiStep(parsed.Step, parsed.Weights, parsed.Excess, parsed.Loss));
        }

        return steps;
    }

    private DoReMiResult ReadResult(int clusterCount)
    {
        ResultFile dto;
        try
        {
            dto = JsonSerializer.Deserialize<ResultFile>(File.ReadAllText(ResultPath), Json) ?? throw new InvalidDataException($"{ResultPath} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"DoReMi result '{ResultPath}' is not valid JSON: {ex.Message}", ex);
        }

        if (dto.Weights.Length != clusterCount)
        {
            throw new InvalidDataException($"DoReMi result '{ResultPath}' holds {dto.Weights.Length} weights for {clusterCount} clusters.");
        }

        return new DoReMiResult
        {
            Weights = new MixtureWeights(dto.Weights),
            FinalWeights = new MixtureWeights(dto.FinalWeights),
            Trajectory = ReadTrajectory(clusterCount),
            ReferenceSteps = dto.ReferenceSteps,
            DroSteps = dto.DroSteps,
            ReferenceTokens = dto.ReferenceTokens,
            DroTokens = dto.DroTokens,
            ReferenceFinalLoss = dto.ReferenceFinalLoss,
            ResumedFromStep = -1,
            Device = dto.Device,
        };
    }

    /// <summary>The committed progress of a run.</summary>
    internal sealed class RunState
    {
        public string Fingerprint { get; set; } = string.Empty;

        public string Phase { get; set; } = ReferencePhase;

        public int Step { get; set; }

        public double ReferenceFinalLoss { get; set; } = double.NaN;

        public double[] RecentLosses { get; set; } = [];

        public double[] Alpha { get; set; } = [];

        public double[] AlphaSum { get; set; } = [];
    }

    private sealed class StepLine
    {
        public int Step { get; set; }

        public double[] Weights { get; set; } = [];

        public double[] Excess { get; set; } = [];

        public double Loss { get; set; }

        public static StepLine From(DoReMiStep s) => new() { Step = s.Step, Weights = [.. s.Weights], Excess = [.. s.ExcessLoss], Loss = s.Loss };
    }

    private sealed class ResultFile
    {
        public double[] Weights { get; set; } = [];

        public double[] FinalWeights { get; set; } = [];

        public int ReferenceSteps { get; set; }

        public int DroSteps { get; set; }

        public long ReferenceTokens { get; set; }

        public long DroTokens { get; set; }

        public double ReferenceFinalLoss { get; set; }

        public string Device { get; set; } = "cpu";
    }
}
