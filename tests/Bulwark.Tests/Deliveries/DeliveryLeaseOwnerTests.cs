using System.Diagnostics;
using Bulwark.Deliveries;

namespace Bulwark.Tests.Deliveries;

public sealed class DeliveryLeaseOwnerTests
{
    private static readonly string Self = DeliveryLeaseOwner.Create();

    [Fact]
    public void Create_NamesThisMachineAndProcess()
    {
        var parts = Self.Split('/');

        Assert.Equal(3, parts.Length);
        Assert.Equal(Environment.MachineName, parts[0]);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[1]);
        Assert.NotEqual(Self, DeliveryLeaseOwner.Create());
    }

    [Fact]
    public async Task AProcessOnThisMachineThatHasExited_IsDead()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        int pid = process.Id;

        Assert.True(DeliveryLeaseOwner.IsDeadLocalProcess($"{Environment.MachineName}/{pid}/abcdef012345", Self));
    }

    [Theory]
    [InlineData("self")]
    [InlineData("same-process-other-owner")]
    [InlineData("other-machine")]
    [InlineData("malformed")]
    [InlineData("live-process")]
    public void AnythingNotProvablyDead_IsLeftToItsLease(string which)
    {
        string owner = which switch
        {
            "self" => Self,
            "same-process-other-owner" => $"{Environment.MachineName}/{Environment.ProcessId}/ffffffffffff",
            "other-machine" => $"not-{Environment.MachineName}/1/abcdef012345",
            "malformed" => "just-a-name",
            _ => $"{Environment.MachineName}/1/abcdef012345", // PID 1 runs as long as the machine does
        };

        Assert.False(DeliveryLeaseOwner.IsDeadLocalProcess(owner, Self));
    }
}
