// The processes of the load and fault harness (bench/load/run.sh), in one executable:
//
//   bulwark-load upstream --port P                      the fast (and fault-injecting) upstream
//   bulwark-load yarp --port P --destination URL        the plain YARP forwarder
//   bulwark-load rate --url URL --rps R --seconds S [--warmup-seconds W] [--timeout-seconds T]
//                     [--body FILE]
//                                                       the open-model constant-rate load generator (a POST of FILE
//                                                       as application/json with --body, a GET without)
//   bulwark-load ports N                                N free ports on 127.0.0.1, one a line
using System.Globalization;
using Bulwark.LoadTools.Forwarder;
using Bulwark.LoadTools.Generator;
using Bulwark.LoadTools.Ports;
using Bulwark.LoadTools.Upstream;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: bulwark-load upstream|yarp|rate|ports ...");
    return 64;
}

switch (args[0])
{
    case "upstream":
        await FaultUpstream.RunAsync(Int("--port"));
        return 0;
    case "yarp":
        await PlainYarpForwarder.RunAsync(Int("--port"), Text("--destination"));
        return 0;
    case "rate":
        return await ConstantRateGenerator.RunAsync(
            new Uri(Text("--url")),
            Int("--rps"),
            Int("--seconds"),
            Option("--warmup-seconds") is { } w ? int.Parse(w, CultureInfo.InvariantCulture) : 1,
            TimeSpan.FromSeconds(Option("--timeout-seconds") is { } t ? double.Parse(t, CultureInfo.InvariantCulture) : 30),
            Option("--body") is { } body ? await File.ReadAllBytesAsync(body) : null);
    case "ports":
        foreach (int port in FreePorts.Take(int.Parse(args[1], CultureInfo.InvariantCulture)))
        {
            Console.WriteLine(port.ToString(CultureInfo.InvariantCulture));
        }

        return 0;
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 64;
}

string? Option(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

string Text(string name) => Option(name) ?? throw new ArgumentException($"{name} is required");

int Int(string name) => int.Parse(Text(name), CultureInfo.InvariantCulture);
