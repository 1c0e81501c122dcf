using System.Text;
using BenchmarkDotNet.Attributes;
using Bulwark.Gateway.Cli;
using Bulwark.Gateway.Hosting;

namespace Bulwark.Benchmarks.Configuration;

/// <summary>
/// <c>bulwark check-config</c> over a file of N routes (each its own path, all to one provider), as the command runs it:
/// read, check and bind the options, validate them (route templates resolved as routing resolves them), build the
/// gateway without listening to run every component's start-up validation, and write the summary. The time per route
/// should not grow with N.
/// </summary>
[MemoryDiagnoser]
public class CheckConfigBenchmarks
{
    private string _directory = null!;
    private string _path = null!;

    [Params(1_000, 5_000, 20_000)]
    public int Routes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("bulwark-bench-config-").FullName;
        _path = Path.Combine(_directory, "bulwark.json");
        var json = new StringBuilder("""{ "Bulwark": { "Providers": { "primary": { "BaseUrl": "http://127.0.0.1:9001" } }, "Routes": [""");
        for (int i = 0; i < Routes; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{ \"Path\": \"/r").Append(i).Append("/{id:int}/{**rest}\", \"Providers\": [ \"primary\" ], \"Methods\": [ \"GET\" ] }");
        }

        File.WriteAllText(_path, json.Append("] } }").ToString());
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public Task<int> CheckConfig() =>
        CheckConfigCommand.RunAsync(new GatewayHostSettings(_path, null, ["http://127.0.0.1:0"]), production: false, TextWriter.Null, TextWriter.Null);
}
