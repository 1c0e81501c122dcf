using Bulwark.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// The gateway's JSON file, read as <see cref="JsonConfigurationSource"/> reads it, with child keys answered from an index,
/// so that checking and binding thousands of routes stays linear in their number.
/// </summary>
internal sealed class IndexedJsonConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new IndexedJsonFileProvider(this);
    }

    private sealed class IndexedJsonFileProvider(JsonConfigurationSource source) : JsonConfigurationProvider(source)
    {
        private ConfigurationChildIndex? _index;

        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
            ConfigurationChildIndex.GetChildKeys(Data, ref _index, earlierKeys, parentPath);
    }
}
