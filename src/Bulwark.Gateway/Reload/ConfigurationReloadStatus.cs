using System.Text.Json.Nodes;
using Bulwark.AspNetCore.Admin;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Reload;

/// <summary>
/// The reload history that <c>GET /admin/system/status</c> shows as <c>configuration_reload</c>: whether the file is
/// watched, the generation in force, how many reloads were applied and rejected, and the last one with its errors.
/// </summary>
internal sealed class ConfigurationReloadStatus(LiveGatewayConfiguration live) : IBulwarkStatusContributor
{
    private readonly Lock _gate = new();
    private bool _watching;
    private TimeSpan _pollInterval;
    private int _applied;
    private int _rejected;
    private DateTimeOffset? _lastAppliedAt;
    private ConfigurationReloadResult? _last;

    public string Section => "configuration_reload";

    /// <summary>Gets the last reload, or <see langword="null"/> before the first.</summary>
    public ConfigurationReloadResult? Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    public void Watching(TimeSpan pollInterval)
    {
        lock (_gate)
        {
            _watching = true;
            _pollInterval = pollInterval;
        }
    }

    public void Record(ConfigurationReloadResult result)
    {
        lock (_gate)
        {
            _last = result;
            if (result.Outcome == ConfigurationReloadOutcome.Applied)
            {
                _applied++;
                _lastAppliedAt = result.At;
            }
            else
            {
                _rejected++;
            }
        }
    }

    public JsonNode? GetStatus()
    {
        lock (_gate)
        {
            var status = new JsonObject
            {
                ["watching"] = _watching,
                ["poll_interval_seconds"] = _pollInterval.TotalSeconds,
                ["generation"] = live.Generation,
                ["applied"] = _applied,
                ["rejected"] = _rejected,
                ["last_applied_at"] = _lastAppliedAt?.UtcDateTime,
            };
            if (_last is { } last)
            {
                status["last"] = new JsonObject
                {
                    ["at"] = last.At.UtcDateTime,
                    ["outcome"] = last.Outcome == ConfigurationReloadOutcome.Applied ? "applied" : "rejected",
                    ["generation"] = last.Generation,
                    ["errors"] = new JsonArray([.. last.Errors.Select(static e => (JsonNode?)JsonValue.Create(e))]),
                    ["restart_required"] = new JsonArray([.. last.RestartRequired.Select(static k => (JsonNode?)JsonValue.Create(k))]),
                };
            }
            else
            {
                status["last"] = null;
            }

            return status;
        }
    }
}
