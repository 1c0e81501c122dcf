using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Bulwark.Storage.Sqlite;

/// <summary>
/// Whether the file an open connection reads is still the one at its path: SQLite's own check
/// (<c>SQLITE_FCNTL_HAS_MOVED</c>: the path's inode against the open descriptor's, or the path gone), two <c>stat</c>
/// calls, cheap enough for every operation.
/// </summary>
internal static partial class SqliteFileIdentity
{
    private const int HasMovedOperation = 20;
    private const int Ok = 0;

    /// <summary>Returns <see langword="true"/> when the file was deleted, renamed or replaced since the connection opened it; <see langword="null"/> when the platform cannot tell.</summary>
    public static bool? HasMoved(SqliteConnection connection)
    {
        if (connection.Handle is not { } handle)
        {
            return null;
        }

        try
        {
            int moved = 0;
            return FileControl(handle, IntPtr.Zero, HasMovedOperation, ref moved) == Ok ? moved != 0 : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    // A null database name is "main". The library is the one Microsoft.Data.Sqlite's bundle already loaded.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control", CallingConvention = CallingConvention.Cdecl)]
    private static extern int FileControl(SafeHandle database, IntPtr name, int operation, ref int argument);
}
