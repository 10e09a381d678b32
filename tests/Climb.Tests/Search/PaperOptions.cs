namespace Climb.Tests.Search;

/// <summary>The paper's rule (<see cref="ClimbSearchStrategyOptions.Paper"/>) with a test's overrides: the tests of that rule and of the engine pin it, whatever Climb's default becomes.</summary>
internal static class PaperOptions
{
    public static ClimbSearchStrategyOptions With(Action<ClimbSearchStrategyOptions> configure)
    {
        var options = ClimbSearchStrategyOptions.Paper();
        configure(options);
        return options;
    }
}
