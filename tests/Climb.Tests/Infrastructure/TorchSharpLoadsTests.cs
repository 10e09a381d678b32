using TorchSharp;
using static TorchSharp.torch;

namespace Climb.Tests.Infrastructure;

/// <summary>Proves TorchSharp's native library loads here (Debian 12 needs the GLIBCXX_3.4.32 fix) and trains.</summary>
public class TorchSharpLoadsTests
{
    [Fact]
    public void One_real_training_step_reduces_the_loss()
    {
        using var scope = torch.NewDisposeScope();
        nn.Module<Tensor, Tensor> model;
        Tensor x;
        lock (DevicePlacement.SeedLock) // torch's generator is global: not while a seeded run initialises beside this test
        {
            torch.manual_seed(1);
            model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1));
            x = torch.randn(64, 8);
        }

        var y = x.sum(1, keepdim: true);
        using var opt = torch.optim.SGD(model.parameters(), 0.05);
        float before = nn.functional.mse_loss(model.forward(x), y).item<float>();
        for (int i = 0; i < 5; i++)
        {
            opt.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            opt.step();
        }

        float after = nn.functional.mse_loss(model.forward(x), y).item<float>();
        Assert.True(after < before, $"loss {before} -> {after}");
    }
}
