using Bulwark.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// Environment variables read as <see cref="EnvironmentVariablesConfigurationSource"/> reads them, with child keys answered
/// from an index: the plain provider scans every variable and sorts the keys of the providers before it on each section
/// read, which with thousands of routes costs more than the routes themselves.
/// </summary>
internal sealed class IndexedEnvironmentVariablesConfigurationSource : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new IndexedEnvironmentVariablesProvider();

    private sealed class IndexedEnvironmentVariablesProvider : EnvironmentVariablesConfigurationProvider
    {
        private ConfigurationChildIndex? _index;

        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
            ConfigurationChildIndex.GetChildKeys(Data, ref _index, earlierKeys, parentPath);
    }
}
