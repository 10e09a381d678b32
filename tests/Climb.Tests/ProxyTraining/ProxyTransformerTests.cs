using TorchSharp;

namespace Climb.Tests.ProxyTraining;

public class ProxyTransformerTests
{
    [Fact]
    public void A_saved_model_loads_into_a_differently_initialised_one_with_identical_outputs()
    {
        var options = new ProxyModelOptions { Layers = 2, ModelDimension = 32, Heads = 4, ContextLength = 16 };
        string path = Path.Combine(Path.GetTempPath(), "climb-proxy-" + Guid.NewGuid().ToString("N") + ".pt");
        try
        {
            using var saved = Seeded(1);
            saved.save(path);
            using var loaded = Seeded(2);
            using var input = torch.tensor(new long[] { 1, 5, 7, 3, 9, 2, 4, 8 }, [1, 8]);
            using var before = loaded.forward(input);
            loaded.load(path);
            using var expected = saved.forward(input);
            using var actual = loaded.forward(input);
            Assert.False(before.allclose(expected), "two seeds should give different initial models");
            // Fails when a block weight is not a registered parameter: load would leave it at its seed-2 initial value.
            Assert.True(actual.allclose(expected, rtol: 0, atol: 0), "the loaded model must reproduce the saved one exactly (every block included)");
        }
        finally
        {
            File.Delete(path);
        }

        // Under the lock every seeded run takes: torch's generator is global, and tests run in parallel.
        ProxyTransformer Seeded(int seed)
        {
            lock (DevicePlacement.SeedLock)
            {
                torch.manual_seed(seed);
                return new ProxyTransformer(options, 50);
            }
        }
    }
}
