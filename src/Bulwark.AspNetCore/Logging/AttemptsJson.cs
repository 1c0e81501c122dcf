using System.Buffers;
using System.Text;
using System.Text.Json;
using Bulwark.AspNetCore.Redaction;
using Bulwark.Failover;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// Writes the attempts as a compact JSON array string: the console JSON formatter writes a state value it does not
/// know as its string, so an array travels as JSON text that log pipelines can parse.
/// </summary>
internal static class AttemptsJson
{
    public static string Write(IReadOnlyList<FailoverAttempt> attempts, PiiRedactor redactor)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * (attempts.Count + 1));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var attempt in attempts)
            {
                json.WriteStartObject();
                json.WriteString("provider", redactor.Redact(attempt.Provider));
                json.WriteNumber("attempt", attempt.AttemptNumber);
                json.WriteString("outcome", Outcome(attempt.Kind));
                if (attempt.StatusCode is { } status)
                {
                    json.WriteNumber("status", status);
                }
                else
                {
                    json.WriteNull("status");
                }

                json.WriteNumber("duration_ms", Milliseconds(attempt.Duration));
                if (attempt.ExceptionType is { } exception)
                {
                    json.WriteString("exception_type", exception);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
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
