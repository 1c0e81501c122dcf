namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>Collects the spans detectors find; allocates only when there is one.</summary>
internal struct PiiMatchSink
{
    public List<PiiMatch>? Matches;
    public int Priority;

    public void Add(int start, int end, string kind)
    {
        if (end > start)
        {
            (Matches ??= []).Add(new PiiMatch(start, end, kind, Priority));
        }
    }
}
