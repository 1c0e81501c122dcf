using System.Text.Json.Nodes;
using Bulwark.AspNetCore.Admin;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// The <c>store</c> section of <c>GET /admin/system/status</c>: which store the gateway runs with (<c>sqlite</c>,
/// <c>postgres</c>, <c>in-memory</c>, or <c>none</c> when it failed to open and the gateway fails open), its file or schema, and its state as
/// readiness judges it — <c>healthy</c>, <c>degraded</c> (a write refused in the last minute, or running without it),
/// <c>failed</c> (the file was lost or found corrupt while running) — with the reason when it is not healthy.
/// </summary>
internal sealed class StoreStatus(GatewayStore store, TimeProvider timeProvider) : IBulwarkStatusContributor
{
    public string Section => "store";

    public JsonNode? GetStatus()
    {
        var status = new JsonObject();
        if (!store.IsAvailable)
        {
            status["provider"] = "none";
            status["status"] = "degraded";
            status["reason"] = $"Running without durable features: {store.UnavailableReason}";
            return status;
        }

        status["provider"] = store.Kind;
        if (store.Sqlite is { } sqlite)
        {
            status["path"] = sqlite.FilePath;
            status["schema_version"] = sqlite.SchemaVersion;
        }
        else if (store.Postgres is { } postgres)
        {
            // Never the connection string: it may hold a password.
            status["schema"] = postgres.Schema;
            status["schema_version"] = postgres.SchemaVersion;
        }

        if (store.Failure is { } failure)
        {
            status["status"] = "failed";
            status["reason"] = failure.Message;
        }
        else if (store.LastWriteFailure is { } refused && timeProvider.GetUtcNow() - refused < StoreHealthCheck.RecentWriteFailure)
        {
            status["status"] = "degraded";
            status["reason"] = $"A write was refused at {refused:O}: {store.LastWriteFailureReason}";
        }
        else
        {
            status["status"] = "healthy";
        }

        status["last_integrity_check"] = store.LastIntegrityCheck?.UtcDateTime;
        return status;
    }
}
