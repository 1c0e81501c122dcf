namespace Bulwark.Gateway.Requests;

/// <summary>
/// The spool's file names, and the sweep of those a killed gateway left. A gateway holds an exclusive lock on each of
/// its spool files for as long as it has it open (the lock ends with the process, however it ends), so a file of the
/// gateway's name pattern that can be locked belongs to no running gateway and is removed.
/// </summary>
internal static class SpoolFiles
{
    public const string Prefix = "bulwark-spool-";

    public const string Extension = ".tmp";

    public static string NewPath(string directory) => Path.Combine(directory, Prefix + Guid.NewGuid().ToString("N") + Extension);

    /// <summary>Removes the spool files in <paramref name="directory"/> (not below it) that no running gateway holds.</summary>
    /// <returns>How many files were removed and their bytes, and the first failure to remove one, if any.</returns>
    public static (int Files, long Bytes, Exception? Failure) Sweep(string directory)
    {
        int files = 0;
        long bytes = 0;
        Exception? failure = null;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, Prefix + "*" + Extension, SearchOption.TopDirectoryOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (0, 0, e);
        }

        foreach (string path in candidates)
        {
            try
            {
                // Exclusive: fails while a running gateway has the file open.
                using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    bytes += RandomAccess.GetLength(handle);
                }

                File.Delete(path);
                files++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use by a running gateway (or gone meanwhile): left alone. Not removable: reported.
                if (e is UnauthorizedAccessException)
                {
                    failure ??= e;
                }
            }
        }

        return (files, bytes, failure);
    }
}
