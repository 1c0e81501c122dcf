using Microsoft.Extensions.Configuration;

namespace Bulwark.Configuration;

/// <summary>Key/value pairs held in memory, answering child keys from a <see cref="ConfigurationChildIndex"/>.</summary>
internal sealed class IndexedMemoryConfigurationProvider : ConfigurationProvider
{
    private ConfigurationChildIndex? _index;

    public IndexedMemoryConfigurationProvider(IEnumerable<KeyValuePair<string, string?>> values)
    {
        foreach (var (key, value) in values)
        {
            Data[key] = value;
        }
    }

    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
        ConfigurationChildIndex.GetChildKeys(Data, ref _index, earlierKeys, parentPath);
}
