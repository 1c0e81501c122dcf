namespace Bulwark.Gateway.Demo;

/// <summary>What the client saw for one request.</summary>
/// <param name="Status">The HTTP status, or 0 when no response came (connection reset, run timed out).</param>
/// <param name="Elapsed">How long the client waited, body included.</param>
/// <param name="Attempts">The <c>X-Bulwark-Attempts</c> header (1 when talking to a provider directly).</param>
/// <param name="Provider">The <c>X-Bulwark-Provider</c> header, or <see langword="null"/>.</param>
internal readonly record struct RequestRecord(int Status, TimeSpan Elapsed, int Attempts, string? Provider)
{
    public bool Succeeded => Status is >= 200 and < 300;
}
