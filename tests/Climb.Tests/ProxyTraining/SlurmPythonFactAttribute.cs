namespace Climb.Tests.ProxyTraining;

/// <summary>A test that runs <see cref="KnownFunctionTrainer"/> on the local Slurm; skipped with the missing piece named otherwise.</summary>
public sealed class SlurmPythonFactAttribute : FactAttribute
{
    public SlurmPythonFactAttribute()
    {
        Skip = new Climb.Tests.Execution.SlurmFactAttribute().Skip ?? new PythonFactAttribute().Skip;
    }
}
