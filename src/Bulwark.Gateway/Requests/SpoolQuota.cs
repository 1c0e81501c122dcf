namespace Bulwark.Gateway.Requests;

/// <summary>The bytes all spooled request bodies hold at once, against <c>Bulwark:Spool:MaxBytes</c> (0: no cap).</summary>
internal sealed class SpoolQuota(long maxBytes)
{
    private long _used;

    /// <summary>Gets the cap; 0 for none.</summary>
    public long MaxBytes { get; } = maxBytes;

    /// <summary>Gets the bytes taken now.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Gets the most bytes taken at once since start: the spool's peak.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    private long _peak;

    /// <summary>Takes <paramref name="bytes"/> if they fit the cap.</summary>
    public bool TryTake(long bytes)
    {
        long used = Interlocked.Add(ref _used, bytes);
        if (MaxBytes > 0 && used > MaxBytes)
        {
            Interlocked.Add(ref _used, -bytes);
            return false;
        }

        long peak;
        while (used > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, used, peak) != peak)
        {
        }

        return true;
    }

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
