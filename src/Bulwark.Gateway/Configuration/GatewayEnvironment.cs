namespace Bulwark.Gateway.Configuration;

/// <summary>Reads environment variables; injectable so tests need not change the process environment.</summary>
internal sealed class GatewayEnvironment(Func<string, string?> read)
{
    public static GatewayEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    public string? Get(string name) => read(name);
}
