namespace Climb.Tests.ProxyTraining;

/// <summary>
/// A test that runs the shipped PyTorch sample trainer (samples/ExternalProxy/train_proxy.py): it needs python3 with PyTorch
/// (Debian 12: <c>apt-get install python3-torch</c>, in the README's package line). Where it is missing the test is reported
/// as skipped with that reason, never passed silently.
/// </summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    public PythonTorchFactAttribute()
    {
        if (PythonTorch.Python is null)
        {
            Skip = "Needs python3 with PyTorch for samples/ExternalProxy/train_proxy.py (Debian 12: apt-get install python3-torch); none of " +
                string.Join(", ", PythonTorch.Candidates) + " imports torch.";
        }
    }
}
