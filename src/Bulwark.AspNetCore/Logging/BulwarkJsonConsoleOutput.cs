namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// Where <see cref="BulwarkJsonConsoleLoggerProvider"/> writes: standard output unless a test or benchmark registers
/// another stream first (the provider writes bytes to the process's standard output, so <c>Console.SetOut</c> does
/// not redirect it).
/// </summary>
internal sealed class BulwarkJsonConsoleOutput(Stream stream)
{
    /// <summary>Gets the stream lines are written to.</summary>
    public Stream Stream { get; } = stream;

    /// <summary>Standard output.</summary>
    public static BulwarkJsonConsoleOutput StandardOutput() => new(Console.OpenStandardOutput());
}
