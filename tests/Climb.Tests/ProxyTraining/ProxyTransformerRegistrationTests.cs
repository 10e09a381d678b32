namespace Climb.Tests.ProxyTraining;

/// <summary>Every weight of every block must be a registered parameter, or the optimiser, save and load silently skip it.</summary>
public class ProxyTransformerRegistrationTests
{
    [Theory]
    [InlineData(PositionEncoding.Learned)]
    [InlineData(PositionEncoding.Rotary)]
    public void Registered_parameters_are_exactly_the_configured_parameter_count(PositionEncoding positions)
    {
        var config = new ProxyModelOptions { Layers = 2, ModelDimension = 32, Heads = 4, ContextLength = 16, Positions = positions };
        ProxyTransformer created;
        lock (DevicePlacement.SeedLock) // initialising draws from torch's global generator: not while a seeded run initialises
        {
            created = new ProxyTransformer(config, vocabularySize: 100);
        }

        using var model = created;
        long registered = model.parameters().Sum(p => p.numel());
        Assert.Equal(config.ParameterCount(100), registered);

        // Each block's attention and MLP weights are among them (not only the embeddings).
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.Contains(names, n => n.Contains("c_attn", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("mlp_c_proj", StringComparison.Ordinal));
    }
}
