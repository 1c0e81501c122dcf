namespace Bulwark.Gateway.Tests.Load;

/// <summary>
/// The quick load run loads both cores for most of a minute: it runs alone, after this assembly's parallel tests, so
/// it cannot slow their timing-sensitive assertions down.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuickLoadHarnessCollection
{
    public const string Name = "Quick load harness";
}
