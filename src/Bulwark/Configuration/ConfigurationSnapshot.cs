using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Bulwark.Configuration;

/// <summary>
/// A configuration section copied once into a tree whose children are ready to hand: checking and binding then read each
/// section's children without asking every provider again, which, with tens of thousands of routes, is most of the time
/// they take. Read-only: a snapshot of the values when it was taken.
/// </summary>
internal sealed class ConfigurationSnapshot : IConfigurationSection
{
    private const int DirectLookupLimit = 8;
    private static readonly List<ConfigurationSnapshot> None = [];
    private static readonly CancellationChangeToken NeverChanges = new(CancellationToken.None);
    private List<ConfigurationSnapshot> _children = None;
    private readonly string? _value;
    private Dictionary<string, ConfigurationSnapshot>? _byKey;

    private readonly ConfigurationSnapshot? _missingFrom;
    private readonly string _key;
    private string? _path;

    private ConfigurationSnapshot(string key, string path, string? value)
    {
        _key = key;
        _path = path;
        _value = value;
    }

    // A key the snapshot does not have, asked of the section that lacks it: its key and path are made only if read (the
    // binder asks for every setting of every entry, most of which a file leaves out, and never reads them back).
    private ConfigurationSnapshot(ConfigurationSnapshot missingFrom, string relativeKey)
    {
        _missingFrom = missingFrom;
        _key = relativeKey;
    }

    /// <inheritdoc />
    public string Key => _missingFrom is null ? _key : _key[(_key.LastIndexOf(ConfigurationPath.KeyDelimiter) + 1)..];

    /// <inheritdoc />
    public string Path => _path ??= ConfigurationPath.Combine(_missingFrom!.Path, _key);

    /// <inheritdoc />
    public string? Value
    {
        get => _value;
        set => throw new NotSupportedException("A configuration snapshot is read-only.");
    }

    /// <summary>
    /// Gets a value indicating whether a provider gives some key of the copied section the value <see langword="null"/>
    /// (JSON <c>null</c>): the configuration binder binds such a null only through the configuration's own sections, which
    /// tell it from a missing key; bind those through them.
    /// </summary>
    public bool HasExplicitNull { get; private set; }

    /// <inheritdoc />
    public string? this[string key]
    {
        get => GetSection(key).Value;
        set => throw new NotSupportedException("A configuration snapshot is read-only.");
    }

    /// <summary>
    /// Copies the section at <paramref name="path"/> of <paramref name="root"/> and everything under it, reading the
    /// providers directly: the same keys and values as through the root, without the sections it creates for each read.
    /// </summary>
    public static ConfigurationSnapshot Of(IConfigurationRoot root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var providers = root.Providers.ToArray();
        bool explicitNull = false;
        var snapshot = new ConfigurationSnapshot(ConfigurationPath.GetSectionKey(path), path, ValueOf(providers, path, ref explicitNull));
        Copy(providers, snapshot, [], 0, ref explicitNull);
        snapshot.HasExplicitNull = explicitNull;
        return snapshot;
    }

    /// <inheritdoc />
    public IEnumerable<IConfigurationSection> GetChildren() => _children;

    /// <inheritdoc />
    public IConfigurationSection GetSection(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int colon = key.IndexOf(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
        var first = colon < 0 ? key.AsSpan() : key.AsSpan(0, colon);
        if (Child(first) is { } child)
        {
            return colon < 0 ? child : child.GetSection(key[(colon + 1)..]);
        }

        // As a configuration root answers for a key it does not have: an empty section at that path.
        return new ConfigurationSnapshot(this, key);
    }

    /// <inheritdoc />
    public IChangeToken GetReloadToken() => NeverChanges;

    private static void Copy(IConfigurationProvider[] providers, ConfigurationSnapshot to, List<HashSet<string>> sets, int depth, ref bool explicitNull)
    {
        // As a configuration root: each provider adds its keys to those of the providers before it; the last to have a
        // value for a key wins.
        IEnumerable<string> keys = [];
        foreach (var provider in providers)
        {
            keys = provider.GetChildKeys(keys, to.Path);
        }

        // As the root, each key once: providers may share a key (in the same or another case), and a provider may name
        // a section once per key under it. One set per depth, reused: a set per section would cost more than the copy.
        HashSet<string>? seen = null;
        if (!keys.TryGetNonEnumeratedCount(out int count) || count > 1)
        {
            while (sets.Count <= depth)
            {
                sets.Add(new HashSet<string>(StringComparer.OrdinalIgnoreCase));
            }

            seen = sets[depth];
            seen.Clear();
        }

        List<ConfigurationSnapshot>? children = null;
        foreach (var key in keys)
        {
            if (seen is not null && !seen.Add(key))
            {
                continue;
            }

            string path = to.Path + ConfigurationPath.KeyDelimiter + key;
            var child = new ConfigurationSnapshot(key, path, ValueOf(providers, path, ref explicitNull));
            Copy(providers, child, sets, depth + 1, ref explicitNull);
            (children ??= []).Add(child);
        }

        to.Adopt(children);
    }

    private static string? ValueOf(IConfigurationProvider[] providers, string path, ref bool explicitNull)
    {
        for (int i = providers.Length - 1; i >= 0; i--)
        {
            if (providers[i].TryGet(path, out string? value))
            {
                explicitNull |= value is null;
                return value;
            }
        }

        return null;
    }

    private ConfigurationSnapshot? Child(ReadOnlySpan<char> key)
    {
        if (_byKey is not null)
        {
            return _byKey.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var found) ? found : null;
        }

        // Most sections have a few children: a look along them costs less than a dictionary for each.
        foreach (var child in _children)
        {
            if (key.Equals(child.Key, StringComparison.OrdinalIgnoreCase))
            {
                return child;
            }
        }

        return null;
    }

    private void Adopt(List<ConfigurationSnapshot>? children)
    {
        if (children is null)
        {
            return;
        }

        _children = children;
        if (children.Count > DirectLookupLimit)
        {
            _byKey = new Dictionary<string, ConfigurationSnapshot>(children.Count, StringComparer.OrdinalIgnoreCase);
            foreach (var child in children)
            {
                _byKey.TryAdd(child.Key, child);
            }
        }
    }
}
