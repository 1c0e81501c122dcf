using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// What a provider of deferred writes received, by <c>Idempotency-Key</c>: the count the crash tests compare with what the
/// gateway acknowledged (every write delivered, none twice).
/// </summary>
internal sealed class DeliveryReceipts
{
    /// <summary>Gets how many times each key arrived.</summary>
    public ConcurrentDictionary<string, int> ByKey { get; } = new();

    /// <summary>Gets the deliveries beyond the first of each key.</summary>
    public int Duplicated => ByKey.Values.Sum(static n => n - 1);

    /// <summary>Counts the request's key and answers 201, as a provider that stored the write.</summary>
    public async Task AcceptAsync(HttpContext context)
    {
        ByKey.AddOrUpdate(context.Request.Headers["Idempotency-Key"].ToString(), 1, static (_, n) => n + 1);
        context.Response.StatusCode = StatusCodes.Status201Created;
        await context.Response.WriteAsync("{}");
    }

    /// <summary>Starts a provider on <paramref name="port"/> that accepts every write and counts it here.</summary>
    public async Task<Upstream> StartProviderAsync(int port)
    {
        var provider = await Upstream.StartAsync(port);
        provider.Behaviour = (context, _) => AcceptAsync(context);
        return provider;
    }

    /// <summary>
    /// Waits past a delivery lease (the crash tests lease for 3 s) after every write arrived: a second delivery from an
    /// expired lease or a reclaimed entry would show by then.
    /// </summary>
    public static async Task SettlePastALeaseAsync()
    {
        var settleUntil = DateTimeOffset.UtcNow.AddSeconds(4);
        await Poll.UntilAsync(() => DateTimeOffset.UtcNow >= settleUntil, "the settling period (past a lease)", TimeSpan.FromSeconds(10));
    }
}
