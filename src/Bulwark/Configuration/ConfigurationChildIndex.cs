using Microsoft.Extensions.Configuration;

namespace Bulwark.Configuration;

/// <summary>
/// The child keys of every section of a configuration provider's data, built once in one pass over its keys.
/// <see cref="ConfigurationProvider.GetChildKeys"/> scans every key on each call, and binding or checking a section calls
/// it once per section: with thousands of routes, work that grows with the square of their number. A provider that
/// answers from this index keeps it linear.
/// </summary>
internal sealed class ConfigurationChildIndex
{
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _root = [];

    private ConfigurationChildIndex(IDictionary<string, string?> data)
    {
        Data = data;
        Count = data.Count;
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in data.Keys)
        {
            int start = 0;
            while (true)
            {
                int end = key.IndexOf(ConfigurationPath.KeyDelimiter, start, StringComparison.Ordinal);
                string path = end < 0 ? key : key[..end];
                if (!known.Add(path))
                {
                    if (end < 0)
                    {
                        break;
                    }

                    start = end + 1;
                    continue;
                }

                string segment = end < 0 ? key[start..] : key[start..end];
                if (start == 0)
                {
                    _root.Add(segment);
                }
                else
                {
                    string parent = key[..(start - 1)];
                    if (!_children.TryGetValue(parent, out var siblings))
                    {
                        _children[parent] = siblings = [];
                    }

                    siblings.Add(segment);
                }

                if (end < 0)
                {
                    break;
                }

                start = end + 1;
            }
        }
    }

    private IDictionary<string, string?> Data { get; }

    private int Count { get; }

    /// <summary>
    /// Answers <see cref="IConfigurationProvider.GetChildKeys"/> for <paramref name="data"/> as <see cref="ConfigurationProvider"/>
    /// does (the earlier keys and this provider's, sorted), from <paramref name="index"/>, rebuilt when the data changed.
    /// </summary>
    public static IEnumerable<string> GetChildKeys(IDictionary<string, string?> data, ref ConfigurationChildIndex? index, IEnumerable<string> earlierKeys, string? parentPath)
    {
        var current = Volatile.Read(ref index);
        if (current is null || !ReferenceEquals(current.Data, data) || current.Count != data.Count)
        {
            current = new ConfigurationChildIndex(data);
            Volatile.Write(ref index, current);
        }

        var results = new List<string>(earlierKeys);
        if (parentPath is null)
        {
            results.AddRange(current._root);
        }
        else if (current._children.TryGetValue(parentPath, out var children))
        {
            results.AddRange(children);
        }

        results.Sort(ConfigurationKeyComparer.Instance);
        return results;
    }
}
