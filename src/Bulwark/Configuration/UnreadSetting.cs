namespace Bulwark.Configuration;

/// <summary>
/// A setting whose value could not be read (reported as an error), left out of binding so that the rest binds; and what
/// binds in its place, if anything.
/// </summary>
/// <param name="Path">The setting's configuration path.</param>
/// <param name="StandIn">The key and value bound instead, or <see langword="null"/> to leave the default.</param>
internal sealed record UnreadSetting(string Path, KeyValuePair<string, string?>? StandIn)
{
    /// <summary>The key of an otherwise empty section that stands in for one that could not be read (no setting has this name).</summary>
    public const string Placeholder = "__unread";

    /// <summary>
    /// Whether <paramref name="error"/> follows from a setting that could not be read rather than from the file: it is
    /// about that setting, something inside it or a section holding it, or a sibling it names (a cross-field rule).
    /// </summary>
    public static bool IsDerived(string error, IReadOnlyCollection<string> unread)
    {
        if (unread.Count == 0)
        {
            return false;
        }

        int end = error.IndexOf(' ', StringComparison.Ordinal);
        string path = (end < 0 ? error : error[..end]).TrimEnd(':');
        foreach (var setting in unread)
        {
            if (Within(path, setting) || Within(setting, path))
            {
                return true;
            }

            int split = setting.LastIndexOf(':');
            if (split > 0 && path.StartsWith(setting.AsSpan(0, split + 1), StringComparison.OrdinalIgnoreCase)
                && path.IndexOf(':', split + 1) < 0
                && error.AsSpan(end < 0 ? 0 : end).Contains(setting.AsSpan(split + 1), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Within(string path, string section) =>
        path.StartsWith(section, StringComparison.OrdinalIgnoreCase) && (path.Length == section.Length || path[section.Length] == ':');
}
