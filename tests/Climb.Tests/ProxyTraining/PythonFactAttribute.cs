namespace Climb.Tests.ProxyTraining;

/// <summary>A test that runs <see cref="KnownFunctionTrainer"/>: it needs python3 (installed with the README's packages); skipped, with the reason, where it is missing.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (KnownFunctionTrainer.Python is null)
        {
            Skip = "Needs python3 for tests/Climb.Tests/ProxyTraining/known_function_trainer.py (Debian 12: apt-get install python3; the README's python3-torch brings it).";
        }
    }
}
