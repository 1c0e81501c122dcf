using System.Text.Json.Nodes;

namespace Bulwark.Gateway.ProviderAuth;

/// <summary>What an operator may see of a provider's auth: its type, its token's expiry, the last fetch and failure. No secret.</summary>
internal sealed class ProviderAuthState(string type)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _validUntil;
    private DateTimeOffset? _lastFetchAt;
    private DateTimeOffset? _lastFailureAt;
    private string? _lastFailure;
    private long _fetches;
    private long _failures;

    public string Type { get; } = type;

    public void Fetched(DateTimeOffset at, DateTimeOffset validUntil)
    {
        lock (_gate)
        {
            _lastFetchAt = at;
            _validUntil = validUntil;
            _fetches++;
        }
    }

    public void Failed(DateTimeOffset at, string reason)
    {
        lock (_gate)
        {
            _lastFailureAt = at;
            _lastFailure = reason;
            _failures++;
        }
    }

    public void Dropped()
    {
        lock (_gate)
        {
            _validUntil = null;
        }
    }

    /// <summary>Gets the number of token requests that got a token.</summary>
    public long Fetches
    {
        get
        {
            lock (_gate)
            {
                return _fetches;
            }
        }
    }

    public JsonObject ToJson()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["type"] = Type,
                ["token_valid_until"] = _validUntil?.ToString("O"),
                ["last_fetch_at"] = _lastFetchAt?.ToString("O"),
                ["fetches"] = _fetches,
                ["failures"] = _failures,
                ["last_failure_at"] = _lastFailureAt?.ToString("O"),
                ["last_failure"] = _lastFailure,
            };
        }
    }
}
