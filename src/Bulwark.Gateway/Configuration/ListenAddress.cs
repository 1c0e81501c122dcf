namespace Bulwark.Gateway.Configuration;

/// <summary>Listen addresses as <c>--urls</c>, <c>ASPNETCORE_URLS</c> and <c>Bulwark:Urls</c> give them: <c>;</c>-separated URLs.</summary>
internal static class ListenAddress
{
    /// <summary>Where the gateway listens when nothing says otherwise: loopback only, so nothing is exposed by accident.</summary>
    public const string Default = "http://127.0.0.1:8080";

    public static IReadOnlyList<string> Split(string addresses) =>
        addresses.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Why Kestrel could not listen on <paramref name="address"/> (as Kestrel parses it), or <see langword="null"/> when it can.</summary>
    public static string? Check(string address)
    {
        try
        {
            return BindingAddress.Parse(address).Scheme is "http" or "https"
                ? null
                : $"is not an http or https address, such as {Default} (or http://0.0.0.0:8080 for every interface).";
        }
        catch (FormatException e)
        {
            return $"is not a listen address, such as {Default} (or http://0.0.0.0:8080 for every interface): {e.Message}";
        }
    }
}
