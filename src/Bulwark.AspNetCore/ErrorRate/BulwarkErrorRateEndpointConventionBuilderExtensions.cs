using Bulwark.AspNetCore.ErrorRate;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Marks endpoints whose requests stay out of Bulwark's error rate.</summary>
public static class BulwarkErrorRateEndpointConventionBuilderExtensions
{
    /// <summary>Keeps the endpoints' requests out of the error rate (adds <see cref="DisableBulwarkErrorRateAttribute"/>).</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder DisableBulwarkErrorRate<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(new DisableBulwarkErrorRateAttribute());
        return builder;
    }
}
