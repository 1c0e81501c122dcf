namespace Bulwark.Gateway.Demo;

/// <summary>The <c>bulwark demo</c> command.</summary>
internal static class DemoCommand
{
    public static Task<int> RunAsync(TextWriter output, CancellationToken cancellation)
    {
        output.WriteLine("demo: not written yet");
        return Task.FromResult(cancellation.IsCancellationRequested ? 1 : 0);
    }
}
