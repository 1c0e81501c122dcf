using Bulwark.AspNetCore.Redaction;
using Bulwark.AspNetCore.Redaction.Detectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

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
    public async Task HostStarted_BuildsEveryExpressionInTheBackground_OneSecondLater()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = HostWithRedaction(time);
        var redactor = host.Services.GetRequiredService<PiiRedactor>();
        Assert.False(HeaderDetector(redactor).IsBuilt);

        await host.StartAsync();
        var warmUp = WarmUpOf(host);
        Assert.NotNull(warmUp.Warming);

        // The first requests go first: nothing is built until a second after the start. (A warm-up that did not wait
        // would be done within this bounded look; on the fake clock, the second has not passed.)
        time.Advance(PiiRedactorWarmUp.Delay - TimeSpan.FromMilliseconds(1));
        await Task.WhenAny(warmUp.Warming, Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System));
        Assert.False(warmUp.Warming.IsCompleted);
        Assert.False(HeaderDetector(redactor).IsBuilt);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await warmUp.Warming.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(redactor.Detectors.OfType<RegexDetector>(), d => Assert.True(d.IsBuilt));
        Assert.Equal("mail [REDACTED:email] now", redactor.Redact("mail ada@example.com now"));
        await host.StopAsync();
    }

    [Fact]
    public async Task HostStoppedBeforeTheWarmUpBegan_BuildsNothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = HostWithRedaction(time);
        var redactor = host.Services.GetRequiredService<PiiRedactor>();

        await host.StartAsync();
        var warmUp = WarmUpOf(host);
        await host.StopAsync();
        await warmUp.Warming!.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(PiiRedactorWarmUp.Delay);
        Assert.False(HeaderDetector(redactor).IsBuilt);
    }

    [Fact]
    public async Task HostDisposedWithoutStopping_BuildsNothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var host = HostWithRedaction(time);
        var redactor = host.Services.GetRequiredService<PiiRedactor>();

        await host.StartAsync();
        var warmUp = WarmUpOf(host);
        host.Dispose();
        await warmUp.Warming!.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(PiiRedactorWarmUp.Delay);
        Assert.False(HeaderDetector(redactor).IsBuilt);
    }

    [Fact]
    public void AddBulwarkRedaction_Twice_RegistersOneWarmUp()
    {
        var services = new ServiceCollection();
        services.AddBulwarkRedaction();
        services.AddBulwarkRedaction();
        Assert.Single(services, d => d.ImplementationType == typeof(PiiRedactorWarmUp));
    }

    /// <summary>A host with redaction (and a sensitive header of its own) on <paramref name="time"/>.</summary>
    private static IHost HostWithRedaction(TimeProvider time)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(time);
        builder.Services.AddBulwarkRedaction(o => o.SensitiveHeaders.Add("X-Secret-Thing"));
        return builder.Build();
    }

    private static PiiRedactorWarmUp WarmUpOf(IHost host) => host.Services.GetServices<IHostedService>().OfType<PiiRedactorWarmUp>().Single();

    private static RegexDetector HeaderDetector(PiiRedactor redactor) =>
        redactor.Detectors.OfType<RegexDetector>().Single(d => d.Kind == "header");
}
