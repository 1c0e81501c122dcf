using Bulwark.AspNetCore.Redaction;
using Bulwark.AspNetCore.Redaction.Detectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bulwark.AspNetCore.Tests.Redaction;

public sealed class PiiRedactorWarmUpTests
{
    [Fact]
    public void NewRedactor_BuildsNoExpressionUntilATextNeedsIt()
    {
        // The sensitive-header expression is the redactor's own (the built-in ones are shared by the process, which
        // other tests may have built already).
        var redactor = new PiiRedactor(new PiiRedactorOptions { SensitiveHeaders = { "X-Secret-Thing" } });
        var header = HeaderDetector(redactor);
        Assert.False(header.IsBuilt);

        // Text that cannot match it (no ':' or '=') leaves it unbuilt; text that may, builds it and is redacted.
        Assert.Equal("GET /orders/42", redactor.Redact("GET /orders/42"));
        Assert.False(header.IsBuilt);
        Assert.Equal("X-Secret-Thing: [REDACTED:header]", redactor.Redact("X-Secret-Thing: hunter2hunter2"));
        Assert.True(header.IsBuilt);
    }

    [Fact]
    public async Task HostStarted_BuildsEveryExpressionInTheBackground()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBulwarkRedaction(o => o.SensitiveHeaders.Add("X-Secret-Thing"));
        using var host = builder.Build();
        var redactor = host.Services.GetRequiredService<PiiRedactor>();
        Assert.False(HeaderDetector(redactor).IsBuilt);

        await host.StartAsync();
        var warmUp = host.Services.GetServices<IHostedService>().OfType<PiiRedactorWarmUp>().Single();
        Assert.NotNull(warmUp.Warming);
        await warmUp.Warming.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(redactor.Detectors.OfType<RegexDetector>(), d => Assert.True(d.IsBuilt));
        Assert.Equal("mail [REDACTED:email] now", redactor.Redact("mail ada@example.com now"));
        await host.StopAsync();
    }

    [Fact]
    public void AddBulwarkRedaction_Twice_RegistersOneWarmUp()
    {
        var services = new ServiceCollection();
        services.AddBulwarkRedaction();
        services.AddBulwarkRedaction();
        Assert.Single(services, d => d.ImplementationType == typeof(PiiRedactorWarmUp));
    }

    private static RegexDetector HeaderDetector(PiiRedactor redactor) =>
        redactor.Detectors.OfType<RegexDetector>().Single(d => d.Kind == "header");
}
