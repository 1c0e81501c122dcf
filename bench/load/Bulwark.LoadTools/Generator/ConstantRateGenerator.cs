using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Bulwark.LoadTools.Generator;

/// <summary>
/// An open-model load generator: request <c>i</c> is due at <c>start + i / rate</c> whatever happened to the earlier ones,
/// and its latency is measured from that intended send time, so a stalled target is charged for every request it
/// delayed (no coordinated omission, as in wrk2). One thread paces the sends and sleeps with <c>usleep</c> between them
/// rather than spinning, so on a 2-core machine it takes little CPU from the target; its own lateness (actual minus
/// intended send time) is reported, so a generator that falls behind shows up in the output instead of hiding in it.
/// </summary>
internal sealed partial class ConstantRateGenerator
{
    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly int _rate;
    private readonly double[] _latencyMs;
    private readonly double[] _lagMs;
    private readonly int[] _status;
    private readonly int _warmup;
    private readonly byte[]? _body;

    private ConstantRateGenerator(Uri url, int rate, int seconds, int warmupSeconds, TimeSpan timeout, byte[]? body)
    {
        _url = url;
        _body = body;
        _rate = rate;
        _warmup = checked(rate * warmupSeconds);
        int total = checked(rate * (warmupSeconds + seconds));
        _latencyMs = new double[total];
        _lagMs = new double[total];
        _status = new int[total];
        _client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = timeout,
        };
    }

    /// <summary>
    /// Sends <paramref name="rate"/> requests a second for <paramref name="warmupSeconds"/> unrecorded seconds (JIT,
    /// connection pools) and then <paramref name="seconds"/> recorded ones, and prints one result line. With a
    /// <paramref name="body"/> every request is a POST of it as <c>application/json</c>, otherwise a GET.
    /// </summary>
    public static async Task<int> RunAsync(Uri url, int rate, int seconds, int warmupSeconds, TimeSpan timeout, byte[]? body)
    {
        var generator = new ConstantRateGenerator(url, rate, seconds, warmupSeconds, timeout, body);
        Console.WriteLine(await generator.RunAsync());
        return 0;
    }

    private async Task<string> RunAsync()
    {
        int total = _status.Length;
        var sends = new Task[total];
        double ticksPerRequest = Stopwatch.Frequency / (double)_rate;
        long start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        for (int i = 0; i < total; i++)
        {
            long due = start + (long)(i * ticksPerRequest);
            WaitUntil(due);
            sends[i] = SendAsync(i, due);
        }

        await Task.WhenAll(sends);
        return Summarize(Stopwatch.GetElapsedTime(start) - TimeSpan.FromSeconds(_warmup / (double)_rate));
    }

    private async Task SendAsync(int index, long due)
    {
        _lagMs[index] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
        int status;
        try
        {
            using var request = new HttpRequestMessage(_body is null ? HttpMethod.Get : HttpMethod.Post, _url);
            if (_body is not null)
            {
                request.Content = new ByteArrayContent(_body);
                request.Content.Headers.ContentType = new("application/json");
            }

            using var response = await _client.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = 0;
        }
        catch (TaskCanceledException)
        {
            status = -1;
        }

        _latencyMs[index] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
        _status[index] = status;
    }

    private static void WaitUntil(long due)
    {
        while (true)
        {
            long remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            long micros = remaining * 1_000_000 / Stopwatch.Frequency;
            _ = Usleep((uint)Math.Max(1, micros));
        }
    }

    private string Summarize(TimeSpan elapsed)
    {
        int total = _status.Length - _warmup;
        int ok = 0, errors = 0, timeouts = 0;
        var byStatus = new SortedDictionary<int, int>();
        for (int i = _warmup; i < _status.Length; i++)
        {
            int s = _status[i];
            if (s is >= 200 and < 300)
            {
                ok++;
            }
            else if (s == 0)
            {
                errors++;
            }
            else if (s == -1)
            {
                timeouts++;
            }

            byStatus[s] = byStatus.GetValueOrDefault(s) + 1;
        }

        double[] latency = _latencyMs[_warmup..], lag = _lagMs[_warmup..];
        Array.Sort(latency);
        Array.Sort(lag);
        var line = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        line.Append(c, $"sent={total} ok={ok} errors={errors} timeouts={timeouts} seconds={elapsed.TotalSeconds:0.00}");
        line.Append(c, $" p50_ms={Percentile(latency, 0.50):0.000} p90_ms={Percentile(latency, 0.90):0.000} p99_ms={Percentile(latency, 0.99):0.000}");
        line.Append(c, $" p999_ms={Percentile(latency, 0.999):0.000} max_ms={latency[^1]:0.000}");
        line.Append(c, $" lag_p50_ms={Percentile(lag, 0.50):0.000} lag_p99_ms={Percentile(lag, 0.99):0.000}");
        foreach (var (status, count) in byStatus)
        {
            line.Append(c, $" status_{(status < 0 ? "timeout" : status == 0 ? "error" : status.ToString(c))}={count}");
        }

        return line.ToString();
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];

    // Thread.Sleep has millisecond resolution; at 1,000 requests/s the gap between sends is one millisecond.
    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int Usleep(uint microseconds);
}
