using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.CircuitBreaker;
using Bulwark.SharedState;
using Polly.CircuitBreaker;

namespace Bulwark.Storage.Redis.Breakers;

/// <summary>
/// A shared breaker state as stored in Redis and published on its channel: JSON, times as Unix milliseconds, prefixed in the
/// hash by <c>{takenAt}|</c> so the publishing script can keep the newest without parsing JSON.
/// </summary>
internal static partial class SharedBreakerStateJson
{
    public static string Serialize(SharedBreakerState state)
    {
        var s = state.Snapshot;
        return JsonSerializer.Serialize(
            new Wire(state.Key, state.Origin, s.State, Ms(s.OpenUntil), s.TripCount, s.BaselineFailureRate, s.BaselineWeight, Ms(s.LastTransitionAt), s.LastTransitionReason, s.TakenAt.ToUnixTimeMilliseconds()),
            WireContext.Default.Wire);
    }

    /// <summary>Reads a state; <see langword="null"/> for a message that is not one (another writer on the channel, a newer format).</summary>
    public static SharedBreakerState? Deserialize(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            if (JsonSerializer.Deserialize(json, WireContext.Default.Wire) is not { Key: { Length: > 0 } key, Origin: { Length: > 0 } origin } w
                || !Enum.IsDefined(w.State) || !Enum.IsDefined(w.LastTransitionReason))
            {
                return null;
            }

            return new SharedBreakerState(key, origin, new CircuitBreakerSnapshot(
                w.State, At(w.OpenUntil), w.TripCount, w.BaselineFailureRate, w.BaselineWeight, At(w.LastTransitionAt), w.LastTransitionReason, DateTimeOffset.FromUnixTimeMilliseconds(w.TakenAt)));
        }
        catch (Exception e) when (e is JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static long? Ms(DateTimeOffset? value) =>
        value is { } v ? (v == DateTimeOffset.MaxValue ? long.MaxValue : v.ToUnixTimeMilliseconds()) : null;

    private static DateTimeOffset? At(long? ms) =>
        ms is { } v ? (v >= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(v)) : null;

    internal sealed record Wire(
        string Key,
        string Origin,
        CircuitState State,
        long? OpenUntil,
        int TripCount,
        double BaselineFailureRate,
        double BaselineWeight,
        long? LastTransitionAt,
        CircuitTransitionReason LastTransitionReason,
        long TakenAt);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
    [JsonSerializable(typeof(Wire))]
    internal sealed partial class WireContext : JsonSerializerContext;
}
