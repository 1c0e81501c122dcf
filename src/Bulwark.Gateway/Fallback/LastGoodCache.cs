namespace Bulwark.Gateway.Fallback;

/// <summary>
/// One route's last good responses, by raw path and query: at most <c>MaxEntries</c>, the least recently used dropped
/// first. Bounded in memory by <c>MaxEntries</c> × <c>MaxBodyBytes</c> (plus headers).
/// </summary>
internal sealed class LastGoodCache(int maxEntries)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, LastGoodEntry Entry)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, LastGoodEntry Entry)> _recency = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public void Set(string key, LastGoodEntry entry)
    {
        lock (_lock)
        {
            if (_entries.Remove(key, out var existing))
            {
                _recency.Remove(existing);
            }

            _entries[key] = _recency.AddFirst((key, entry));
            while (_entries.Count > maxEntries && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
        }
    }

    /// <summary>Returns the entry kept for <paramref name="key"/> if it was kept at or after <paramref name="notBefore"/>; an older one is dropped.</summary>
    public LastGoodEntry? Get(string key, DateTimeOffset notBefore)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            if (node.Value.Entry.KeptAt < notBefore)
            {
                _recency.Remove(node);
                _entries.Remove(key);
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Entry;
        }
    }
}
