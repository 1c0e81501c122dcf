using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Budgets;

/// <summary>The gateway killed (SIGKILL) with budgeted requests in flight: nothing a provider was asked to serve goes uncounted.</summary>
public class BudgetCrashTests
{
    private const string AdminToken = "budgets-admin-token-0123456789abcdef";

    [Fact]
    public async Task KilledMidLoad_AfterRestart_TheLedgerHoldsEveryRequestAProviderWasAsked_ChargedInFull_AndNoLeaseIsLeft()
    {
        const int Completed = 5;
        const int InFlight = 20;
        await using var provider = await Upstream.StartAsync();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long reservation = BudgetsTests.Reservation();
        var answer = BudgetsTests.Answer(100, 20);

        // The first requests are answered; the rest are held by the provider until the gateway is gone.
        provider.Behaviour = async (context, n) =>
        {
            if (n > Completed)
            {
                await hold.Task.WaitAsync(TimeSpan.FromSeconds(60), context.RequestAborted).ConfigureAwait(false);
            }

            await answer(context, n).ConfigureAwait(false);
        };

        string config = BudgetsTests.Config(provider.BaseAddress, """{ "Items": { "everyone": { "Period": "Month", "Tokens": 100000000 } } }""");
        string store = TestStore.NewPath();
        var gateway = await GatewayProcess.StartAsync(config, store);
        using var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(30) };
        for (int i = 0; i < Completed; i++)
        {
            using var response = await client.SendAsync(BudgetsTests.Chat("alice"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Their ledger rows are written (in batches, a moment later) before the crash.
        using (var admin = new HttpClient { BaseAddress = gateway.Address })
        {
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
            var deadline = System.Diagnostics.Stopwatch.StartNew();
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            while (JsonDocument.Parse(await admin.GetStringAsync("/admin/usage?groupBy=user")).RootElement.GetProperty("groups").EnumerateArray().Sum(static g => g.GetProperty("requests").GetInt64()) < Completed)
            {
                Assert.True(deadline.Elapsed < Poll.DefaultTimeout, "the completed requests' ledger rows were not written in time");
                await timer.WaitForNextTickAsync();
            }
        }

        var pending = Enumerable.Range(0, InFlight).Select(_ => client.SendAsync(BudgetsTests.Chat("bob"))).ToList();
        await Poll.UntilAsync(() => provider.Requests == Completed + InFlight, "every request to reach the provider");
        await gateway.KillAsync();
        hold.TrySetResult();
        foreach (var send in pending)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => send);
        }

        await gateway.DisposeAsync();

        // Restarted on the same store: the leases of the killed requests became ledger rows charged what they reserved.
        long expected = (Completed * 120) + (InFlight * reservation);
        for (int restart = 0; restart < 2; restart++)
        {
            await using var again = await GatewayProcess.StartAsync(config, store);
            using var admin = new HttpClient { BaseAddress = again.Address };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
            var everyone = JsonDocument.Parse(await admin.GetStringAsync("/admin/budgets")).RootElement.GetProperty("budgets")[0];
            Assert.Equal(expected, everyone.GetProperty("spent").GetProperty("tokens").GetInt64());
            Assert.Equal(0, everyone.GetProperty("reserved").GetProperty("tokens").GetInt64());

            var byUser = JsonDocument.Parse(await admin.GetStringAsync("/admin/usage?groupBy=user")).RootElement.GetProperty("groups")
                .EnumerateArray().ToDictionary(static g => g.GetProperty("key").GetString()!, static g => g.GetProperty("requests").GetInt64());
            Assert.Equal(Completed, byUser["alice"]);
            Assert.Equal(InFlight, byUser["bob"]);
            Assert.Equal(provider.Requests, byUser.Values.Sum());
            await again.TerminateAsync();
        }
    }
}
