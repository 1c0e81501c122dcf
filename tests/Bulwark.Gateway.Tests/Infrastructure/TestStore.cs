namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>A SQLite store file of a test's own, so that breaker state and deliveries never leak between tests.</summary>
internal static class TestStore
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "bulwark-test-stores");

    /// <summary>A path in a fresh directory (the store creates the file).</summary>
    public static string NewPath() => Path.Combine(Root, Guid.NewGuid().ToString("N"), "bulwark.db");
}
