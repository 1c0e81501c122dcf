using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Cli;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary>
/// Mutates a valid configuration file at random (seeded) and loads each result as <c>serve</c> and <c>check-config</c>
/// do: each must be accepted, or rejected with the listed errors or a JSON error, and never crash the configuration code.
/// An accepted configuration must serve: the gateway built from it answers <c>/health/live</c> with 200. A rejected one
/// must carry no false error: nothing said to be missing that the file has (a route, a provider, a pipeline), and no
/// error twice.
/// </summary>
public sealed class ConfigurationFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20_251_106;
    private const int Count = 1_000;

    private const string Base = """
        {
          "Bulwark": {
            "MaxBufferedBodyBytes": 1048576,
            "Logging": { "SlowRequestThreshold": "00:00:01", "TrustedProxies": [ "10.0.0.1" ], "TenantIdHeader": "X-Tenant" },
            "Telemetry": { "OtlpEndpoint": "http://127.0.0.1:4317", "ServiceName": "bulwark" },
            "Admin": { "Token": "0123456789abcdef0123456789abcdef" },
            "Pipelines": {
              "default": {
                "Retry": { "MaxRetries": 2, "Backoff": "Exponential", "Jitter": "Full", "BaseDelay": "00:00:00.010", "MaxDelay": "00:00:01", "Budget": { "Ratio": 0.2 } },
                "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:00:30" },
                "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" },
                "Bulkhead": { "MaxConcurrency": 50, "QueueLimit": 50, "MaxWait": "00:00:01" },
                "TransientStatusCodes": [ 429, 503 ]
              },
              "fallback": {
                "Fallback": { "StatusCode": 503, "ContentType": "application/json", "Body": "{}" },
                "CircuitBreaker": { "Mode": "Adaptive", "MinimumThroughput": 20, "SamplingDuration": "00:00:10" }
              }
            },
            "Providers": {
              "primary":   { "BaseUrl": "https://primary.example.com", "Headers": { "X-Client": { "Value": "bulwark", "Format": "v1 {0}" } } },
              "secondary": { "BaseUrl": "http://127.0.0.1:9002", "Pipeline": "fallback" }
            },
            "Routes": [
              { "Path": "/api/{**rest}", "Providers": [ "primary", "secondary" ], "Methods": [ "GET", "POST" ], "Timeout": "00:00:20" },
              { "Path": "/v2/{id}", "Providers": [ "secondary" ], "Idempotent": true },
              { "Path": "/pay/{**rest}", "Providers": [ "primary" ], "OnFailure": "Defer",
                "Defer": { "MaxAttempts": 10, "TimeToLive": "01:00:00", "MaxBodyBytes": 65536, "ReplayHeaders": [ "Accept" ], "OrderingHeader": "X-Customer" } }
            ],
            "Storage": { "Provider": "Sqlite", "Path": "data/bulwark.db", "BusyTimeout": "00:00:05", "FlushEveryCommit": true, "MaxSizeBytes": 0, "OnStoreFailure": "FailClosed" },
            "Deliveries": { "MaxAttempts": 20, "TimeToLive": "1.00:00:00", "BaseDelay": "00:00:01", "MaxDelay": "00:05:00", "AttemptTimeout": "00:01:00", "LeaseDuration": "00:02:00", "PollInterval": "00:00:01", "SweepInterval": "00:00:15", "MaxConcurrentDeliveries": 8, "MaxKeptResponseBytes": 65536 }
          }
        }
        """;

    private static readonly JsonNode?[] Strange =
    [
        null, "", "abc", "ünïcødé ☃ \u00e9\u0301", "🔥🚀", "\u202Eevil", 0, -1, 1e308, -1e308, 1.5, long.MaxValue, long.MinValue,
        "99999999999999999999999999", "-00:00:05", "-1.00:00:00", "10675199.02:48:05.4775807", "00:00:00", "NaN", "Infinity",
        true, false, new JsonArray(), new JsonObject(), new JsonArray(1, "x", null), new string('x', 100_000), "http://", "/", "{0}{1}",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("bulwark-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Load_RandomlyMutatedConfigurations_AcceptOrRejectCleanly_NeverCrash()
    {
        var random = new Random(Seed);
        int accepted = 0, rejected = 0, json = 0;
        var unexpected = new List<string>();
        var falseErrors = new List<string>();
        var notServing = new List<string>();
        for (int i = 0; i < Count; i++)
        {
            string text = Mutate(random, out string mutations);
            string path = Path.Combine(_directory, $"{i}.json");
            File.WriteAllText(path, text);
            try
            {
                var loaded = GatewayConfiguration.Load(new GatewayHostSettings(path, null, []) { Environment = _ => null, EnvironmentOverrides = false });

                // What check-config and the admin endpoint do with an accepted configuration must not crash either.
                _ = CheckConfigCommand.Summary(path, loaded);
                _ = CheckConfigCommand.Report(ProductionReadiness.Evaluate(loaded.Options, loaded.Configuration));
            }
            catch (OptionsValidationException e)
            {
                Assert.NotEmpty(e.Failures);
                Assert.All(e.Failures, failure => Assert.StartsWith("Bulwark:", failure, StringComparison.Ordinal));
                falseErrors.AddRange(FalseErrors(text, e.Failures).Select(f => $"#{i} ({mutations}): {f}"));
                rejected++;
                continue;
            }
            catch (InvalidDataException e) when (e.GetBaseException() is JsonException or FormatException)
            {
                json++;
                continue;
            }
            catch (Exception e)
            {
                unexpected.Add($"#{i} ({mutations}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                continue;
            }

            // The options are valid: the gateway built from them, as serve builds it, either refuses to start with the
            // errors of its other components (as check-config reports them) or serves.
            try
            {
                if (await LiveStatusAsync(path, i) is var status and not 200)
                {
                    notServing.Add($"#{i} ({mutations}): /health/live answered {status}");
                }

                accepted++;
            }
            catch (OptionsValidationException e)
            {
                Assert.NotEmpty(e.Failures);
                falseErrors.AddRange(FalseErrors(text, e.Failures).Select(f => $"#{i} ({mutations}): {f}"));
                rejected++;
            }
            catch (Exception e)
            {
                unexpected.Add($"#{i} ({mutations}): serving: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }

        output.WriteLine($"{Count} mutated configurations (seed {Seed}): {accepted} accepted, {rejected} rejected by validation, {json} JSON errors, {unexpected.Count} unexpected exceptions, {falseErrors.Count} false errors, {notServing.Count} accepted but not serving.");
        foreach (var failure in unexpected.Concat(falseErrors).Concat(notServing).Take(20))
        {
            output.WriteLine(failure);
        }

        Assert.Equal(Count, accepted + rejected + json + unexpected.Count);
        Assert.True(accepted > 0 && rejected > 0 && json > 0, $"the mutations should reach every outcome: {accepted}/{rejected}/{json}");
        Assert.Empty(unexpected);
        Assert.Empty(falseErrors);
        Assert.Empty(notServing);
    }

    /// <summary>
    /// The errors that say something false of the file: that it has no route while it lists a route with settings, that a
    /// provider or pipeline it defines does not exist, or the same error twice.
    /// </summary>
    private static IEnumerable<string> FalseErrors(string text, IEnumerable<string> failures)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text))).Build();
        var bulwark = configuration.GetSection("Bulwark");
        bool hasRoute = bulwark.GetSection("Routes").GetChildren().Any(route => route.GetChildren().Any());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var failure in failures)
        {
            if (!seen.Add(failure))
            {
                yield return "reported twice: " + failure;
            }

            if (hasRoute && failure.StartsWith("Bulwark:Routes: no route is configured", StringComparison.Ordinal))
            {
                yield return "the file has a route: " + failure;
            }

            if (NamedMissing(failure, "no provider named '") is { } provider && bulwark.GetSection("Providers").GetSection(provider).Exists())
            {
                yield return $"the file has provider '{provider}': {failure}";
            }

            if (NamedMissing(failure, "no pipeline named '") is { } pipeline
                && (bulwark.GetSection("Pipelines").GetSection(pipeline).Exists() || string.Equals(pipeline, "default", StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"the file has pipeline '{pipeline}' (or it is the built-in default): {failure}";
            }
        }
    }

    private static string? NamedMissing(string failure, string marker)
    {
        int at = failure.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        int start = at + marker.Length;
        int end = failure.IndexOf('\'', start);
        return end > start ? failure[start..end] : null;
    }

    /// <summary>Starts the gateway from the accepted file, as <c>serve</c> does (on a port of its own), and asks <c>/health/live</c>.</summary>
    private async Task<int> LiveStatusAsync(string path, int i)
    {
        var app = GatewayHost.Build(new GatewayHostSettings(path, null, ["http://127.0.0.1:0"])
        {
            Environment = _ => null,
            EnvironmentOverrides = false,
            MinimumLogLevel = LogLevel.None,
            StorePath = Path.Combine(_directory, $"{i}.db"),
        });
        await using (app)
        {
            await Poll.WithinAsync(app.StartAsync(), $"the gateway of configuration #{i} to start");
            try
            {
                string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(15) };
                using var response = await client.GetAsync("/health/live");
                return (int)response.StatusCode;
            }
            finally
            {
                using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await app.StopAsync(stopping.Token);
            }
        }
    }

    private static string Mutate(Random random, out string mutations)
    {
        var root = JsonNode.Parse(Base)!;
        var applied = new List<string>();
        int count = random.Next(1, 4);
        for (int m = 0; m < count; m++)
        {
            var nodes = Descendants(root).ToList();
            if (nodes.Count == 0)
            {
                break;
            }

            var target = nodes[random.Next(nodes.Count)];
            switch (random.Next(7))
            {
                case 0 or 1:
                    var value = Strange[random.Next(Strange.Length)]?.DeepClone();
                    applied.Add($"{target.GetPath()} = {Describe(value)}");
                    Replace(target, value);
                    break;
                case 2:
                    applied.Add($"remove {target.GetPath()}");
                    Remove(target);
                    break;
                case 3 when target is JsonObject obj:
                    string key = random.Next(4) switch { 0 => "🔥", 1 => "ключ", 2 => new string('k', 5_000), _ => "Retries" };
                    applied.Add($"{target.GetPath()}[{key[..Math.Min(key.Length, 8)]}] added");
                    obj[key] = Strange[random.Next(Strange.Length)]?.DeepClone();
                    break;
                case 4 when target is JsonObject:
                    applied.Add($"{target.GetPath()} wrapped in an array");
                    Replace(target, new JsonArray(target.DeepClone()));
                    break;
                default:
                    applied.Add($"{target.GetPath()} = null");
                    Replace(target, null);
                    break;
            }
        }

        string text = root.ToJsonString();
        switch (random.Next(10))
        {
            case 0:
                int cut = random.Next(1, text.Length);
                applied.Add($"truncated at {cut}");
                text = text[..cut];
                break;
            case 1:
                // The same key twice, in another case: JSON allows it, configuration keys are case-insensitive.
                int at = text.IndexOf("\"Routes\"", StringComparison.Ordinal);
                if (at > 0)
                {
                    applied.Add("duplicate key");
                    text = text.Insert(at, "\"routes\":[],");
                }

                break;
        }

        mutations = string.Join("; ", applied);
        return text;
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        var children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is not null)
            {
                yield return child;
                foreach (var descendant in Descendants(child))
                {
                    yield return descendant;
                }
            }
        }
    }

    private static void Replace(JsonNode target, JsonNode? value)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = value;
                break;
            case JsonArray parent:
                parent[target.GetElementIndex()] = value;
                break;
        }
    }

    private static void Remove(JsonNode target)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent.Remove(target.GetPropertyName());
                break;
            case JsonArray parent:
                parent.RemoveAt(target.GetElementIndex());
                break;
        }
    }

    private static string Describe(JsonNode? value)
    {
        string text = value?.ToJsonString() ?? "null";
        return text.Length > 30 ? text[..30] + "…" : text;
    }
}
