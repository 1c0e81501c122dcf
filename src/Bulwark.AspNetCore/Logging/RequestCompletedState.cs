using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// The fields of the request event (<see cref="EventIds.RequestCompleted"/>), named in snake_case like
/// OpenTelemetry attributes. Bulwark's JSON formatter writes them typed and once, with a short message; any other
/// logger provider sees the usual list of fields and the long message naming them all (<see cref="ToString"/>).
/// </summary>
internal sealed class RequestCompletedState : IReadOnlyList<KeyValuePair<string, object?>>, IJsonLogState
{
    public const string Template =
        "{method} {route} responded {status} in {duration_ms} ms; path {path}; correlation {correlation_id}; request {request_id}; " +
        "tenant {tenant_id}; user {user_id}; client {client_ip}; agent {user_agent}; provider {provider}; attempts {attempts}; " +
        "breaker {breaker_state}; bytes in {bytes_in} out {bytes_out}; error {error_type}: {error_message}; " +
        "model {model}; tokens in {input_tokens} (cached {cached_input_tokens}) out {output_tokens}; cost {cost}";

    public static readonly Func<RequestCompletedState, Exception?, string> Format = static (state, _) => state.ToString();

    private static readonly string[] Names =
    [
        "method", "route", "status", "duration_ms", "path", "correlation_id", "request_id", "tenant_id", "user_id", "client_ip",
        "user_agent", "provider", "attempts", "breaker_state", "bytes_in", "bytes_out", "error_type", "error_message",
        "model", "input_tokens", "cached_input_tokens", "output_tokens", "cost",
    ];

    private static readonly JsonEncodedText[] EncodedNames = Array.ConvertAll(Names, static name => JsonEncodedText.Encode(name));

    public required string Method { get; init; }

    public required string Route { get; init; }

    public required int Status { get; init; }

    public required double DurationMs { get; init; }

    public required string Path { get; init; }

    public string? CorrelationId { get; init; }

    public required string RequestId { get; init; }

    public string? TenantId { get; init; }

    public string? UserId { get; init; }

    public string? ClientIp { get; init; }

    public string? UserAgent { get; init; }

    public string? Provider { get; init; }

    public AttemptsJson? Attempts { get; init; }

    public string? BreakerState { get; init; }

    public long? BytesIn { get; init; }

    public long? BytesOut { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>Gets the model that answered an AI request (or the one asked for), when known.</summary>
    public string? Model { get; init; }

    public long? InputTokens { get; init; }

    public long? CachedInputTokens { get; init; }

    public long? OutputTokens { get; init; }

    /// <summary>Gets the request's cost at the configured prices, in the gateway's currency (USD); <see langword="null"/> when unknown.</summary>
    public decimal? Cost { get; init; }

    // The names, then the template as "{OriginalFormat}", as LoggerMessage-generated states list them.
    public int Count => Names.Length + 1;

    public KeyValuePair<string, object?> this[int index] => index == Names.Length
        ? new("{OriginalFormat}", Template)
        : new(Names[index], Value(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool HasField(string name) => Array.IndexOf(Names, name) >= 0;

    public void WriteMessage(Utf8JsonWriter writer, JsonEncodedText name)
    {
        // "GET /orders/{id} responded 200 in 1.234 ms": the other fields follow as properties.
        Span<char> message = stackalloc char[256];
        if (message.TryWrite(CultureInfo.InvariantCulture, $"{Method} {Route} responded {Status} in {DurationMs} ms", out int length))
        {
            writer.WriteString(name, message[..length]);
        }
        else
        {
            writer.WriteString(name, string.Create(CultureInfo.InvariantCulture, $"{Method} {Route} responded {Status} in {DurationMs} ms"));
        }
    }

    public void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString(EncodedNames[0], Method);
        writer.WriteString(EncodedNames[1], Route);
        writer.WriteNumber(EncodedNames[2], Status);
        writer.WriteNumber(EncodedNames[3], DurationMs);
        writer.WriteString(EncodedNames[4], Path);
        writer.WriteString(EncodedNames[5], CorrelationId);
        writer.WriteString(EncodedNames[6], RequestId);
        writer.WriteString(EncodedNames[7], TenantId);
        writer.WriteString(EncodedNames[8], UserId);
        writer.WriteString(EncodedNames[9], ClientIp);
        writer.WriteString(EncodedNames[10], UserAgent);
        writer.WriteString(EncodedNames[11], Provider);
        if (Attempts is null)
        {
            writer.WriteNull(EncodedNames[12]);
        }
        else
        {
            writer.WritePropertyName(EncodedNames[12]);
            Attempts.WriteTo(writer);
        }

        writer.WriteString(EncodedNames[13], BreakerState);
        WriteNumber(writer, EncodedNames[14], BytesIn);
        WriteNumber(writer, EncodedNames[15], BytesOut);
        writer.WriteString(EncodedNames[16], ErrorType);
        writer.WriteString(EncodedNames[17], ErrorMessage);
        if (Model is null && InputTokens is null && OutputTokens is null && Cost is null)
        {
            // Not an AI request (or nothing known about it): the fields are left out rather than written null.
            return;
        }

        writer.WriteString(EncodedNames[18], Model);
        WriteNumber(writer, EncodedNames[19], InputTokens);
        WriteNumber(writer, EncodedNames[20], CachedInputTokens);
        WriteNumber(writer, EncodedNames[21], OutputTokens);
        if (Cost is { } cost)
        {
            writer.WriteNumber(EncodedNames[22], cost);
        }
        else
        {
            writer.WriteNull(EncodedNames[22]);
        }
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Method} {Route} responded {Status} in {DurationMs} ms; path {Path}; correlation {Text(CorrelationId)}; request {RequestId}; " +
        $"tenant {Text(TenantId)}; user {Text(UserId)}; client {Text(ClientIp)}; agent {Text(UserAgent)}; provider {Text(Provider)}; " +
        $"attempts {Text(Attempts?.ToString())}; breaker {Text(BreakerState)}; bytes in {Text(BytesIn)} out {Text(BytesOut)}; " +
        $"error {Text(ErrorType)}: {Text(ErrorMessage)}; model {Text(Model)}; tokens in {Text(InputTokens)} (cached {Text(CachedInputTokens)}) " +
        $"out {Text(OutputTokens)}; cost {Text(Cost?.ToString(CultureInfo.InvariantCulture))}");

    private static void WriteNumber(Utf8JsonWriter writer, JsonEncodedText name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    // LoggerMessage formatting writes a missing value as "(null)"; the long message keeps that.
    private static string Text(string? value) => value ?? "(null)";

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "(null)";

    private object? Value(int index) => index switch
    {
        0 => Method,
        1 => Route,
        2 => Status,
        3 => DurationMs,
        4 => Path,
        5 => CorrelationId,
        6 => RequestId,
        7 => TenantId,
        8 => UserId,
        9 => ClientIp,
        10 => UserAgent,
        11 => Provider,
        12 => Attempts,
        13 => BreakerState,
        14 => BytesIn,
        15 => BytesOut,
        16 => ErrorType,
        17 => ErrorMessage,
        18 => Model,
        19 => InputTokens,
        20 => CachedInputTokens,
        21 => OutputTokens,
        22 => Cost,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };
}
