using Climb.Tests.Execution;

namespace Climb.Tests.ProxyTraining;

/// <summary>A test that needs the local Slurm (as <see cref="SlurmFactAttribute"/>) and python3 with PyTorch (as <see cref="PythonTorchFactAttribute"/>); skipped with the missing piece named otherwise.</summary>
public sealed class SlurmTorchFactAttribute : FactAttribute
{
    public SlurmTorchFactAttribute()
    {
        Skip = new SlurmFactAttribute().Skip ?? new PythonTorchFactAttribute().Skip;
    }
}
