using Bulwark.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Bulwark.Gateway.Configuration;

/// <summary>JSON text (a reload's content, or inline configuration) read as <see cref="IndexedJsonConfigurationSource"/> reads a file.</summary>
internal sealed class IndexedJsonStreamConfigurationSource : JsonStreamConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder) => new IndexedJsonTextProvider(this);

    private sealed class IndexedJsonTextProvider(JsonStreamConfigurationSource source) : JsonStreamConfigurationProvider(source)
    {
        private ConfigurationChildIndex? _index;

        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
            ConfigurationChildIndex.GetChildKeys(Data, ref _index, earlierKeys, parentPath);
    }
}
