using Bulwark.Deliveries;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using CsCheck;
using static Bulwark.Storage.Sqlite.Tests.Infrastructure.Entries;

namespace Bulwark.Storage.Sqlite.Tests;

/// <summary>
/// Model-based: random sequences of enqueue, lease, complete, release, replay and purge run against the SQLite store and
/// the in-memory store (the model); every answer and the final contents must agree.
/// </summary>
public sealed class StoreModelTests
{
    private static readonly string?[] OrderingKeys = [null, "account-1", "account-2"];

    [Fact]
    public void RandomOperations_SqliteAgreesWithTheInMemoryModel() =>
        Gen.Int[0, int.MaxValue].Array[1, 40].Sample(Run, iter: 40);

    private static void Run(int[] operations)
    {
        using var database = new TempDatabase();
        var sqlite = database.Open(o => o.FlushEveryCommit = false);
        var model = new InMemoryBulwarkStore();
        var now = T0;
        var ids = new List<string>();
        var log = new List<string>();

        foreach (int op in operations)
        {
            int arg = op / 8;
            string step;
            switch (op % 8)
            {
                case 0:
                case 1:
                    var entry = New(
                        $"key-{arg % 5}",
                        queue: (arg / 5) % 2 == 0 ? "payments" : "refunds",
                        orderingKey: OrderingKeys[(arg / 10) % 3],
                        createdAt: now,
                        nextAttemptAt: now.AddSeconds((arg / 30) % 3),
                        maxAttempts: 3);
                    var a = Both(s => s.EnqueueAsync(entry, CancellationToken.None));
                    step = $"enqueue {entry.IdempotencyKey} -> {a.Model.Created}/{a.Sqlite.Created}";
                    Assert.True(a.Model.Created == a.Sqlite.Created && a.Model.Entry.Id == a.Sqlite.Entry.Id, string.Join("\n", log.Append(step)));
                    if (a.Model.Created)
                    {
                        ids.Add(entry.Id);
                    }

                    break;
                case 2:
                case 3:
                    string owner = arg % 2 == 0 ? "a" : "b";
                    var leased = Both(s => s.LeaseDueAsync(owner, now, TimeSpan.FromSeconds(10), 1 + ((arg / 2) % 3), CancellationToken.None));
                    step = $"lease {owner} -> {string.Join(",", leased.Model.Select(e => e.IdempotencyKey))} / {string.Join(",", leased.Sqlite.Select(e => e.IdempotencyKey))}";
                    Assert.True(leased.Model.Select(e => e.Id).SequenceEqual(leased.Sqlite.Select(e => e.Id)), string.Join("\n", log.Append(step)));
                    break;
                case 4 when ids.Count > 0:
                    string id = ids[arg % ids.Count];
                    string by = (arg / 64) % 2 == 0 ? "a" : "b";
                    var completion = ((arg / 128) % 3) switch
                    {
                        0 => DeliveryCompletion.Delivered(now, Response()),
                        1 => DeliveryCompletion.Retry(now, now.AddSeconds(2), "503"),
                        _ => DeliveryCompletion.Dead(now, "refused", Response(400)),
                    };
                    var completed = Both(s => s.CompleteAsync(id, by, completion, CancellationToken.None));
                    step = $"complete {id[..6]} by {by} as {completion.State} -> {completed.Model}/{completed.Sqlite}";
                    Assert.True(completed.Model == completed.Sqlite, string.Join("\n", log.Append(step)));
                    break;
                case 5:
                    now = now.AddSeconds(arg % 15);
                    var released = Both(s => s.ReleaseExpiredLeasesAsync(now, CancellationToken.None));
                    step = $"advance to +{(now - T0).TotalSeconds}s, release -> {released.Model}/{released.Sqlite}";
                    Assert.True(released.Model == released.Sqlite, string.Join("\n", log.Append(step)));
                    break;
                case 6 when ids.Count > 0:
                    string replay = ids[arg % ids.Count];
                    var replayed = Both(s => s.ReplayAsync(replay, now, TimeSpan.FromMinutes(5), CancellationToken.None));
                    step = $"replay {replay[..6]} -> {replayed.Model}/{replayed.Sqlite}";
                    Assert.True(replayed.Model == replayed.Sqlite, string.Join("\n", log.Append(step)));
                    break;
                default:
                    var state = arg % 2 == 0 ? DeliveryState.Delivered : DeliveryState.Dead;
                    var purged = Both(s => s.PurgeAsync(state, now.AddSeconds(-(arg % 5)), CancellationToken.None));
                    step = $"purge {state} -> {purged.Model}/{purged.Sqlite}";
                    Assert.True(purged.Model == purged.Sqlite, string.Join("\n", log.Append(step)));
                    break;
            }

            log.Add(step);
            var all = Both(s => s.ListAsync(null, 1000, CancellationToken.None));
            Assert.True(
                all.Model.Select(EntryComparer.Describe).SequenceEqual(all.Sqlite.Select(EntryComparer.Describe)),
                string.Join("\n", log) + "\nmodel:\n" + string.Join("\n", all.Model.Select(EntryComparer.Describe)) + "\nsqlite:\n" + string.Join("\n", all.Sqlite.Select(EntryComparer.Describe)));
        }

        var counts = Both(s => s.CountAsync(CancellationToken.None));
        Assert.Equal(counts.Model, counts.Sqlite);
        var stuck = Both(s => s.ListStuckAsync(now.AddSeconds(11), 1000, CancellationToken.None));
        Assert.Equal(stuck.Model.Select(e => e.Id), stuck.Sqlite.Select(e => e.Id));

        (T Model, T Sqlite) Both<T>(Func<IDeliveryStore, Task<T>> call) =>
            (call(model).GetAwaiter().GetResult(), call(sqlite).GetAwaiter().GetResult());
    }
}
