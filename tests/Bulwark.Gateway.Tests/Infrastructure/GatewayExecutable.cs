using System.Diagnostics;
using Bulwark.Gateway.Hosting;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// How the tests that run <c>bulwark</c> as a separate process start it: the build output through <c>dotnet</c>, or the
/// executable named by <c>BULWARK_GATEWAY_EXECUTABLE</c> (eng/publish-aot.sh points it at the Native AOT executable and
/// runs those tests again).
/// </summary>
internal static class GatewayExecutable
{
    /// <summary>The environment variable naming a gateway executable to run instead of the build output.</summary>
    public const string Variable = "BULWARK_GATEWAY_EXECUTABLE";

    /// <summary>Gets the executable named by <see cref="Variable"/>, or <see langword="null"/> for the build output.</summary>
    public static string? Native => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? Path.GetFullPath(path) : null;

    /// <summary>Gets the program to start and the arguments that come before <c>bulwark</c>'s own.</summary>
    private static (string FileName, string[] Prefix) Command =>
        Native is { } native ? (native, []) : ("dotnet", [typeof(GatewayHost).Assembly.Location]);

    /// <summary>A start of the gateway with <paramref name="arguments"/>, its output redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var (fileName, prefix) = Command;
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in prefix.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>The program and full argument list for <see cref="ProcessRun.RunAsync"/>.</summary>
    public static (string FileName, string[] Arguments) For(IEnumerable<string> arguments)
    {
        var (fileName, prefix) = Command;
        return (fileName, [.. prefix, .. arguments]);
    }
}
