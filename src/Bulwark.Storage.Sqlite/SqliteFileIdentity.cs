using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Bulwark.Storage.Sqlite;

/// <summary>
/// Whether the file an open connection reads is still the one at its path: SQLite's own check
/// (<c>SQLITE_FCNTL_HAS_MOVED</c>: the path's inode against the open descriptor's, or the path gone), one <c>stat</c>
/// call, cheap enough for every operation. A <c>stat</c> that fails for another reason than a missing file (EACCES,
/// ESTALE) also reads as moved, so a positive answer is only a reason to look again (<see cref="Probe"/>).
/// </summary>
internal static partial class SqliteFileIdentity
{
    private const int PersistWalOperation = 10;
    private const int HasMovedOperation = 20;
    private const int Ok = 0;
    private static int _unavailable;

    /// <summary>Gets whether SQLite's check could not be called (the e_sqlite3 entry point is missing): then only the path is checked.</summary>
    public static bool Unavailable => Volatile.Read(ref _unavailable) != 0;

    /// <summary>Returns <see langword="true"/> when the file was deleted, renamed or replaced since the connection opened it (or its path could not be checked); <see langword="null"/> when the platform cannot tell.</summary>
    /// <exception cref="ObjectDisposedException">The connection was closed meanwhile.</exception>
    public static bool? HasMoved(SqliteConnection connection)
    {
        int moved = 0;
        return Control(connection, HasMovedOperation, ref moved) ? moved != 0 : null;
    }

    /// <summary>
    /// Keeps the connection from deleting the <c>-wal</c> file at its path when it closes: once the file it opened is no
    /// longer the one at the path, the <c>-wal</c> there belongs to whatever stands at the path now.
    /// </summary>
    public static void KeepWalOnClose(SqliteConnection connection)
    {
        int persist = 1;
        try
        {
            Control(connection, PersistWalOperation, ref persist);
        }
        catch (ObjectDisposedException)
        {
            // Closed already: nothing will delete anything.
        }
    }

    /// <summary>Whether a file is at <paramref name="path"/>: absent only when the system said so (ENOENT), unknown when the check itself failed.</summary>
    public static PathState Probe(string path)
    {
        try
        {
            File.GetAttributes(path);
            return PathState.Present;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return PathState.Absent;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return PathState.Unknown;
        }
    }

    private static bool Control(SqliteConnection connection, int operation, ref int argument)
    {
        if (Unavailable || connection.Handle is not { } handle)
        {
            return false;
        }

        try
        {
            return FileControl(handle, IntPtr.Zero, operation, ref argument) == Ok;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, 1);
            return false;
        }
    }

    // A null database name is "main". The library is the one Microsoft.Data.Sqlite's bundle already loaded.
    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_file_control")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int FileControl(SafeHandle database, IntPtr name, int operation, ref int argument);
}
