using Climb;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="ClimbPipeline"/> in a service collection.</summary>
public static class ClimbServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="ClimbPipeline"/> built from the returned builder, with the container's
    /// <see cref="IServiceProvider"/> (for factory slots) and its <see cref="ILoggerFactory"/> when one is registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the builder, or <see langword="null"/>.</param>
    /// <returns>The builder, to configure further before the container is built.</returns>
    public static ClimbPipelineBuilder AddClimb(this IServiceCollection services, Action<ClimbPipelineBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new ClimbPipelineBuilder();
        configure?.Invoke(builder);
        services.AddSingleton(sp =>
        {
            builder.WithServiceProvider(sp);
            if (sp.GetService(typeof(ILoggerFactory)) is ILoggerFactory loggers)
            {
                builder.WithLoggerFactory(loggers);
            }

            return builder.Build();
        });
        return builder;
    }
}
