using Bulwark.Deliveries;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Bulwark.Tests.Deliveries;

/// <summary>
/// Deferred delivery wired as an application wires it (in-memory store, fake clock, fake logs), with a scriptable handler
/// for the <c>payments</c> queue and a recording observer.
/// </summary>
internal sealed class DispatcherHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public DispatcherHarness(Action<DeliveryOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(Time);
        collection.AddFakeLogging();
        collection.AddBulwarkInMemoryStore();
        collection.AddBulwarkDeliveries(o =>
            {
                o.BaseDelay = TimeSpan.FromSeconds(2);
                o.MaxDelay = TimeSpan.FromMinutes(1);
                o.RandomSource = () => Random;
                configure?.Invoke(o);
            })
            .AddHandler("payments", (entry, ct) =>
            {
                lock (Calls)
                {
                    Calls.Add(entry);
                }

                return Handler(entry, ct);
            })
            .AddObserver<RecordingObserver>();
        services?.Invoke(collection);
        _services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>Gets the fake clock; it counts its timers, so a test can wait for the dispatcher to start waiting on it.</summary>
    public TimerWatchingTimeProvider Time { get; } = new(T0);

    /// <summary>Gets or sets the jitter draw, uniform in [0, 1).</summary>
    public double Random { get; set; } = 0.5;

    /// <summary>Gets or sets what the <c>payments</c> handler does; delivers with 200 unless changed.</summary>
    public Func<DeliveryEntry, CancellationToken, ValueTask<DeliveryAttemptResult>> Handler { get; set; } =
        (_, _) => ValueTask.FromResult(DeliveryAttemptResult.Delivered(Ok()));

    public List<DeliveryEntry> Calls { get; } = [];

    public IServiceProvider Services => _services;

    public IDeliveryStore Store => _services.GetRequiredService<IDeliveryStore>();

    public IDeferredDeliveryQueue Queue => _services.GetRequiredService<IDeferredDeliveryQueue>();

    public DeliveryDispatcher Dispatcher => _services.GetRequiredService<DeliveryDispatcher>();

    public RecordingObserver Observer => _services.GetServices<IDeliveryObserver>().OfType<RecordingObserver>().Single();

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    public static DeliveryResponse Ok(int status = 200, string body = "{\"charge\":\"ch_1\"}") =>
        new(status, "application/json", System.Text.Encoding.UTF8.GetBytes(body));

    public static DeliveryEnvelope Payload() => DeliveryEnvelope.ForPayload("{\"amount\":42}"u8.ToArray(), "application/json");

    public Task<DeliveryTicket> EnqueueAsync(string key = "order-1", DeliveryEnqueueOptions? options = null, string queue = "payments") =>
        Queue.EnqueueAsync(queue, key, Payload(), options);

    public async Task<DeliveryEntry> GetAsync(string id) => (await Store.GetAsync(id, CancellationToken.None))!;

    public Task<int> RunOnceAsync(CancellationToken cancellationToken = default) =>
        Dispatcher.RunOnceAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

    /// <summary>Waits, at most 10 seconds of real time, until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!await condition())
        {
            Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"Timed out waiting until {what}.");
            await timer.WaitForNextTickAsync();
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>Records every delivery it is told of.</summary>
internal sealed class RecordingObserver : IDeliveryObserver
{
    private readonly List<DeliveryEntry> _delivered = [];

    public IReadOnlyList<DeliveryEntry> Delivered
    {
        get
        {
            lock (_delivered)
            {
                return [.. _delivered];
            }
        }
    }

    public Func<DeliveryEntry, ValueTask>? OnDelivered { get; set; }

    public ValueTask OnDeliveredAsync(DeliveryEntry entry, CancellationToken cancellationToken)
    {
        lock (_delivered)
        {
            _delivered.Add(entry);
        }

        return OnDelivered?.Invoke(entry) ?? ValueTask.CompletedTask;
    }
}
