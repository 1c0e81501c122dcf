namespace Bulwark.Gateway.Tests.Packaging;

/// <summary>
/// The packaging run builds every package from scratch and restores a consumer: it loads both cores for a couple of
/// minutes, so it runs alone, after this assembly's parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingCollection
{
    public const string Name = "Packaging (slow)";
}
