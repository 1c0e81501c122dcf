using Bulwark.AspNetCore.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Tests.Logging;

public class BulwarkRequestLoggingOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new BulwarkRequestLoggingOptions();
        Assert.Equal(TimeSpan.FromSeconds(1), options.SlowRequestThreshold);
        Assert.Equal("X-Tenant-ID", options.TenantIdHeader);
        Assert.Empty(options.TrustedProxies);
        Assert.False(options.LogQueryString);
        Assert.True(options.LogAttempts);
        Assert.True(options.CountBodyBytes);
    }

    [Fact]
    public void Validate_ReportsEveryErrorAtOnce()
    {
        var options = new BulwarkRequestLoggingOptions { SlowRequestThreshold = TimeSpan.Zero, TenantIdHeader = " " };
        options.TrustedProxies.Add("proxy.internal");
        var result = new BulwarkRequestLoggingOptionsValidator().Validate(null, options);
        Assert.Equal(
            [
                "SlowRequestThreshold must be greater than zero; it is 00:00:00.",
                "TrustedProxies: 'proxy.internal' is neither an IP address nor a CIDR range.",
                "TenantIdHeader must be null or a header name.",
            ],
            result.Failures);
    }

    [Fact]
    public void AddBulwarkRequestLogging_InvalidOptions_FailOnResolve()
    {
        using var services = new ServiceCollection().AddBulwarkRequestLogging(static o => o.SlowRequestThreshold = TimeSpan.FromSeconds(-1)).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BulwarkRequestLoggingOptions>>().Value);
        Assert.Equal("SlowRequestThreshold must be greater than zero; it is -00:00:01.", Assert.Single(error.Failures));
    }

    [Fact]
    public void UseBulwarkRequestLogging_WithoutAdd_Throws()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.UseBulwarkRequestLogging());
        Assert.Contains("AddBulwarkRequestLogging", error.Message, StringComparison.Ordinal);
    }
}
