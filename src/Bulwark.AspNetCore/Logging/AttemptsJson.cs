using System.Buffers;
using System.Text;
using System.Text.Json;
using Bulwark.Failover;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// The <c>attempts</c> field of the request event: Bulwark's JSON formatter writes it as a JSON array; other
/// formatters write a value they do not know as its string, so <see cref="ToString"/> returns the same array as JSON
/// text that log pipelines can parse.
/// </summary>
internal sealed class AttemptsJson(IReadOnlyList<FailoverAttempt> attempts, Func<string?, string?> redact) : IJsonLogValue
{
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();

        // Indexed: a foreach over the IReadOnlyList would box its enumerator on every request.
        for (int i = 0; i < attempts.Count; i++)
        {
            var attempt = attempts[i];
            writer.WriteStartObject();
            writer.WriteString("provider", redact(attempt.Provider));
            writer.WriteNumber("attempt", attempt.AttemptNumber);
            writer.WriteString("outcome", Outcome(attempt.Kind));
            if (attempt.StatusCode is { } status)
            {
                writer.WriteNumber("status", status);
            }
            else
            {
                writer.WriteNull("status");
            }

            writer.WriteNumber("duration_ms", Milliseconds(attempt.Duration));
            if (attempt.ExceptionType is { } exception)
            {
                writer.WriteString("exception_type", exception);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public override string ToString()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * (attempts.Count + 1));
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteTo(json);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Outcome(FailoverAttemptKind kind) => kind switch
    {
        FailoverAttemptKind.Success => "success",
        FailoverAttemptKind.Failure => "failure",
        FailoverAttemptKind.Rejected => "rejected",
        FailoverAttemptKind.Skipped => "skipped",
        FailoverAttemptKind.Cancelled => "cancelled",
        _ => kind.ToString(),
    };

    public static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);
}
