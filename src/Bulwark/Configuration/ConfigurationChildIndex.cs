using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace Bulwark.Configuration;

/// <summary>
/// The child keys of every section of a configuration provider's data, built once in one pass over its keys.
/// <see cref="ConfigurationProvider.GetChildKeys"/> scans every key on each call, and binding or checking a section calls
/// it once per section: with thousands of routes, work that grows with the square of their number. A provider that
/// answers from this index keeps it linear.
/// </summary>
/// <remarks>
/// For configuration providers that hold many keys (a file with thousands of routes): override
/// <see cref="ConfigurationProvider.GetChildKeys"/> to call <see cref="GetChildKeys"/> with the provider's data and a field
/// that caches the index. Reading options with <c>AddBulwark</c> or <c>AddBulwarkOptions</c> then stays linear in the
/// number of keys.
/// </remarks>
public sealed class ConfigurationChildIndex
{
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _root = [];

    // Runs once per configuration over every key: optimized at once rather than first run as unoptimized code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ConfigurationChildIndex(IDictionary<string, string?> data)
    {
        Data = data;
        Count = data.Count;
        var known = new HashSet<string>(data.Count, StringComparer.OrdinalIgnoreCase);
        var parents = _children.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var key in data.Keys)
        {
            // Each key, then each of its ancestors not seen yet, joins its parent's children; a path is allocated only
            // for a parent seen for the first time.
            string path = key;
            while (known.Add(path))
            {
                int colon = path.LastIndexOf(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
                if (colon < 0)
                {
                    _root.Add(path);
                    break;
                }

                string segment = path[(colon + 1)..];
                if (parents.TryGetValue(path.AsSpan(0, colon), out var siblings))
                {
                    siblings.Add(segment);
                    break;
                }

                string parent = path[..colon];
                _children[parent] = [segment];
                path = parent;
            }
        }

        _root.Sort(ConfigurationKeyComparer.Instance);
        foreach (var siblings in _children.Values)
        {
            siblings.Sort(ConfigurationKeyComparer.Instance);
        }
    }

    private IDictionary<string, string?> Data { get; }

    private int Count { get; }

    /// <summary>
    /// Answers <see cref="IConfigurationProvider.GetChildKeys"/> for <paramref name="data"/> as <see cref="ConfigurationProvider"/>
    /// does (the earlier keys and this provider's, sorted), from <paramref name="index"/>, rebuilt when the data changed.
    /// </summary>
    /// <param name="data">The provider's keys and values (<see cref="ConfigurationProvider.Data"/>).</param>
    /// <param name="index">The provider's cached index: <see langword="null"/> at first; built on the first call and again
    /// whenever <paramref name="data"/> is another dictionary or its count changed (after a load).</param>
    /// <param name="earlierKeys">The child keys that the providers before this one returned.</param>
    /// <param name="parentPath">The parent section's path, or <see langword="null"/> for the root.</param>
    /// <returns>The earlier keys and this provider's children of <paramref name="parentPath"/>, sorted as the configuration sorts them.</returns>
    public static IEnumerable<string> GetChildKeys(IDictionary<string, string?> data, ref ConfigurationChildIndex? index, IEnumerable<string> earlierKeys, string? parentPath)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(earlierKeys);
        var current = Volatile.Read(ref index);
        if (current is null || !ReferenceEquals(current.Data, data) || current.Count != data.Count)
        {
            current = new ConfigurationChildIndex(data);
            Volatile.Write(ref index, current);
        }

        List<string>? own = parentPath is null ? current._root : current._children.GetValueOrDefault(parentPath);
        if (own is null or { Count: 0 })
        {
            // Nothing of this provider's: the earlier providers' keys, already in order.
            return earlierKeys;
        }

        if (earlierKeys.TryGetNonEnumeratedCount(out int earlier) && earlier == 0)
        {
            // Only this provider's keys, sorted once when the index was built.
            return own;
        }

        var results = new List<string>(earlierKeys);
        results.AddRange(own);
        results.Sort(ConfigurationKeyComparer.Instance);
        return results;
    }
}
