using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Bulwark.Deliveries;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Storage.Sqlite.Tests.Deliveries;

/// <summary>
/// The library flow in one process: a real host with the SQLite store and a handler that calls a real Kestrel dependency on
/// 127.0.0.1, which fails the first calls and counts them per Idempotency-Key.
/// </summary>
public sealed class DeferredDeliveryEndToEndTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task DependencyFailsTwiceThenAccepts_EntryDeliveredOnce_KeySentOnEveryAttempt()
    {
        await using var dependency = await FlakyDependency.StartAsync(failures: 2);
        using var http = new HttpClient { BaseAddress = dependency.Address, Timeout = TimeSpan.FromSeconds(10) };
        var observer = new CountingObserver();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddBulwarkSqliteStore(o => o.Path = _database.Path);
        builder.Services.AddSingleton<IDeliveryObserver>(observer);
        builder.Services.AddBulwarkDeliveries(o =>
            {
                o.BaseDelay = TimeSpan.FromMilliseconds(20);
                o.MaxDelay = TimeSpan.FromMilliseconds(100);
                o.PollInterval = TimeSpan.FromMilliseconds(20);
                o.AttemptTimeout = TimeSpan.FromSeconds(10);
                o.LeaseDuration = TimeSpan.FromSeconds(30);
            })
            .AddHandler("payments", async (entry, ct) =>
            {
                using var request = new HttpRequestMessage(new HttpMethod(entry.Envelope.Method!), entry.Envelope.Target) { Content = new ReadOnlyMemoryContent(entry.Envelope.Body) };
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(entry.Envelope.ContentType!);
                foreach (var (name, value) in entry.Envelope.Headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                request.Headers.Add("Idempotency-Key", entry.IdempotencyKey);
                using var response = await http.SendAsync(request, ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                var answer = new DeliveryResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body);
                return response.IsSuccessStatusCode ? DeliveryAttemptResult.Delivered(answer)
                    : (int)response.StatusCode >= 500 ? DeliveryAttemptResult.Failed($"{(int)response.StatusCode} from the dependency")
                    : DeliveryAttemptResult.Refused(answer, $"{(int)response.StatusCode} from the dependency");
            });

        string id;
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var queue = host.Services.GetRequiredService<IDeferredDeliveryQueue>();
            var envelope = new DeliveryEnvelope("POST", "/charges", [new("X-Tenant", "acme")], "application/json", "{\"amount\":4200}"u8.ToArray());

            var ticket = await queue.EnqueueAsync("payments", "order-42", envelope);
            var again = await queue.EnqueueAsync("payments", "order-42", envelope);
            id = ticket.Id;
            Assert.True(ticket.Created);
            Assert.False(again.Created);
            Assert.Equal(ticket.Id, again.Id);

            await Infrastructure.Poll.UntilAsync(async () => (await queue.GetAsync(id))!.Notified, "the entry to be delivered and its observers told", TimeSpan.FromSeconds(20));

            await host.StopAsync();
        }

        Assert.Equal(3, dependency.Calls);
        Assert.Equal(new Dictionary<string, int> { ["order-42"] = 3 }, dependency.CallsByKey);
        Assert.All(dependency.Tenants, t => Assert.Equal("acme", t));
        Assert.All(dependency.Bodies, b => Assert.Equal("{\"amount\":4200}", b));
        Assert.Equal(1, observer.Count);

        // Durable: a new store on the same file sees the outcome.
        SqliteConnection.ClearAllPools();
        var stored = (await _database.Open().GetAsync(id, CancellationToken.None))!;
        Assert.Equal(DeliveryState.Delivered, stored.State);
        Assert.Equal(3, stored.Attempts);
        Assert.True(stored.Notified);
        Assert.Equal(201, stored.Response!.Status);
        Assert.Equal("{\"charge\":\"ch_order-42\"}", System.Text.Encoding.UTF8.GetString(stored.Response.Body.Span));
    }

    [Fact]
    public async Task ProcessStoppedBetweenRecordingAndNotifying_TheNextProcessTellsTheObserversOnce()
    {
        // The first process recorded the delivery in the file, then died before telling its observers.
        var entry = Infrastructure.Entries.New("order-7");
        var first = _database.Open();
        await first.EnqueueAsync(entry, CancellationToken.None);
        await first.LeaseDueAsync("crashed-process", entry.NextAttemptAt, TimeSpan.FromMinutes(2), 1, CancellationToken.None);
        Assert.True(await first.CompleteAsync(entry.Id, "crashed-process", DeliveryCompletion.Delivered(DateTimeOffset.UtcNow.AddMinutes(-3), Infrastructure.Entries.Response(201)), CancellationToken.None));
        SqliteConnection.ClearAllPools();

        var observer = new CountingObserver();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddBulwarkSqliteStore(o => o.Path = _database.Path);
        builder.Services.AddSingleton<IDeliveryObserver>(observer);
        builder.Services.AddBulwarkDeliveries();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            await Infrastructure.Poll.UntilAsync(async () => (await host.Services.GetRequiredService<IDeferredDeliveryQueue>().GetAsync(entry.Id))!.Notified, "the observers to be told", TimeSpan.FromSeconds(20));

            await host.StopAsync();
        }

        Assert.Equal(1, observer.Count);
        Assert.Equal(entry.Id, observer.LastId);
        Assert.Equal(201, observer.LastStatus);
    }

    [Fact]
    public async Task StoreLockedByAnotherProcess_DispatcherLogsAndKeepsTrying_DeliversOnceUnlocked()
    {
        var entry = Infrastructure.Entries.New("order-9") with { CreatedAt = DateTimeOffset.UtcNow, NextAttemptAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) };
        await _database.Open().EnqueueAsync(entry, CancellationToken.None);
        int calls = 0;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddFakeLogging();
        builder.Services.AddBulwarkSqliteStore(o => (o.Path, o.BusyTimeout) = (_database.Path, TimeSpan.Zero));
        builder.Services.AddBulwarkDeliveries(o => o.PollInterval = TimeSpan.FromMilliseconds(50))
            .AddHandler("payments", (_, _) =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult(DeliveryAttemptResult.Delivered(Infrastructure.Entries.Response()));
            });
        using var host = builder.Build();
        var logs = host.Services.GetFakeLogCollector();

        using (var locker = _database.Connect())
        {
            using (var command = locker.CreateCommand())
            {
                command.CommandText = "BEGIN EXCLUSIVE;";
                command.ExecuteNonQuery();
            }

            await host.StartAsync();
            await Infrastructure.Poll.UntilAsync(() => Task.FromResult(logs.GetSnapshot().Any(r => r.Id.Id == 1206)), "the failed pass to be logged", TimeSpan.FromSeconds(20));

            Assert.Equal(0, Volatile.Read(ref calls));
        }

        var queue = host.Services.GetRequiredService<IDeferredDeliveryQueue>();
        await Infrastructure.Poll.UntilAsync(async () => (await queue.GetAsync(entry.Id))!.State == DeliveryState.Delivered, "the entry to be delivered after the unlock", TimeSpan.FromSeconds(20));

        await host.StopAsync();
        Assert.Equal(1, calls);
        Assert.Contains("locked", logs.GetSnapshot().First(r => r.Id.Id == 1206).Message, StringComparison.Ordinal);
    }

    private sealed class CountingObserver : IDeliveryObserver
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public string? LastId { get; private set; }

        public int? LastStatus { get; private set; }

        public ValueTask OnDeliveredAsync(DeliveryEntry entry, CancellationToken cancellationToken)
        {
            (LastId, LastStatus) = (entry.Id, entry.Response?.Status);
            Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A Kestrel dependency on 127.0.0.1 that answers 503 to its first calls, then 201.</summary>
    private sealed class FlakyDependency : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly int _failures;
        private readonly ConcurrentDictionary<string, int> _byKey = new();
        private readonly ConcurrentQueue<string> _tenants = new();
        private readonly ConcurrentQueue<string> _bodies = new();
        private int _calls;

        private FlakyDependency(int failures)
        {
            _failures = failures;
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.MapPost("/charges", async (HttpContext context) =>
            {
                string key = context.Request.Headers["Idempotency-Key"].ToString();
                _byKey.AddOrUpdate(key, 1, (_, n) => n + 1);
                _tenants.Enqueue(context.Request.Headers["X-Tenant"].ToString());
                using var reader = new StreamReader(context.Request.Body);
                _bodies.Enqueue(await reader.ReadToEndAsync());
                if (Interlocked.Increment(ref _calls) <= _failures)
                {
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }

                return Results.Json(new { charge = $"ch_{key}" }, statusCode: StatusCodes.Status201Created);
            });
        }

        public Uri Address => new(_app.Urls.First());

        public int Calls => Volatile.Read(ref _calls);

        public Dictionary<string, int> CallsByKey => new(_byKey);

        public string[] Tenants => [.. _tenants];

        public string[] Bodies => [.. _bodies];

        public static async Task<FlakyDependency> StartAsync(int failures)
        {
            var dependency = new FlakyDependency(failures);
            await dependency._app.StartAsync();
            return dependency;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
