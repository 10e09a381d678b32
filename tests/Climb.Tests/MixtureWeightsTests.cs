namespace Climb.Tests;

public class MixtureWeightsTests
{
    [Fact]
    public void Rejects_weights_that_do_not_sum_to_one()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MixtureWeights([0.5, 0.4]));
        Assert.Contains("sum to 0.9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_negative_weight_naming_its_index()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MixtureWeights([1.5, -0.5]));
        Assert.Contains("Weight 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_divides_by_sum()
    {
        var w = MixtureWeights.Normalize([1, 3]);
        Assert.Equal(0.25, w[0], 12);
        Assert.Equal(0.75, w[1], 12);
    }
}
