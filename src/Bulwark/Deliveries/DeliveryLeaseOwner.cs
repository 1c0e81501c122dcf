using System.Diagnostics;
using System.Globalization;

namespace Bulwark.Deliveries;

/// <summary>Lease owner ids, <c>{machine}/{process id}/{random}</c>: enough for a restarted process to tell that the owner of a lease on its machine is gone.</summary>
internal static class DeliveryLeaseOwner
{
    public static string Create() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{DeliveryIds.Create()[..12]}");

    /// <summary>
    /// Whether <paramref name="owner"/> ran on this machine in a process that no longer exists: another process id that is
    /// not running. (Processes sharing a host name but not a process namespace must not share a store file: each would
    /// take the other for dead. Everything else waits for its lease to expire.)
    /// </summary>
    public static bool IsDeadLocalProcess(string owner, string self)
    {
        var parts = owner.Split('/');
        if (parts.Length != 3 || owner == self || !string.Equals(parts[0], Environment.MachineName, StringComparison.Ordinal) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            // This very process id under another owner: an earlier incarnation (a container restarted as PID 1) — or
            // another host in this process, or a container beside this one with the same host name. It cannot be told
            // apart, so the lease is left to expire.
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
