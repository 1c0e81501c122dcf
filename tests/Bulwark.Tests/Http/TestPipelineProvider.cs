using System.Collections.Concurrent;
using Bulwark.Pipelines;

namespace Bulwark.Tests.Http;

/// <summary>Serves one named pipeline, built per instance name by a factory and cached like the real provider does.</summary>
internal sealed class TestPipelineProvider(string name, Func<string, BulwarkPipeline> factory) : IBulwarkPipelineProvider
{
    private readonly ConcurrentDictionary<string, BulwarkPipeline> _instances = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> PipelineNames { get; } = [name];

    public BulwarkPipeline GetPipeline(string name) => GetPipeline(name, name);

    public BulwarkPipeline GetPipeline(string name1, string instanceName)
    {
        if (!string.Equals(name1, name, StringComparison.OrdinalIgnoreCase))
        {
            throw new KeyNotFoundException($"No pipeline named '{name1}' is configured.");
        }

        return _instances.GetOrAdd(instanceName, factory);
    }
}
