using System.Text.Json;
using Bulwark.ErrorMonitoring;

namespace Bulwark.Gateway.Errors;

/// <summary>
/// Reads the JSON body of <c>POST /bulwark/errors</c>, one rule per field; the first mistake is returned as a sentence that
/// names its field. Unknown and repeated fields are mistakes too: nothing sent is silently ignored.
/// </summary>
internal static class ErrorReportReader
{
    public const int MaxNameLength = 256;
    public const int MaxMessageLength = 8192;
    public const int MaxAttributes = 16;
    public const int MaxAttributeKeyLength = 64;
    public const int MaxAttributeValueLength = 1024;

    private static readonly string[] Fields = ["type", "message", "severity", "service", "route", "provider", "status", "attributes", "recoveryAttempted", "recoverySucceeded"];

    public static (ErrorReport? Report, string? Mistake) Read(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON; send one object with at least the fields 'type' and 'message'.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "The body must be a JSON object with at least the fields 'type' and 'message'.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (Array.IndexOf(Fields, property.Name) < 0)
                {
                    return (null, $"Field '{Shown(property.Name)}' is not known; the fields are {string.Join(", ", Fields.Select(static f => "'" + f + "'"))}.");
                }

                if (!seen.Add(property.Name))
                {
                    return (null, $"Field '{property.Name}' is given more than once.");
                }
            }

            if (Name(root, "type", required: true, out string? type) is { } typeMistake)
            {
                return (null, typeMistake);
            }

            if (Message(root, out string message) is { } messageMistake)
            {
                return (null, messageMistake);
            }

            if (Severity(root, out var severity) is { } severityMistake)
            {
                return (null, severityMistake);
            }

            if (Name(root, "service", required: false, out string? service) is { } serviceMistake)
            {
                return (null, serviceMistake);
            }

            if (Name(root, "route", required: false, out string? route) is { } routeMistake)
            {
                return (null, routeMistake);
            }

            if (Name(root, "provider", required: false, out string? provider) is { } providerMistake)
            {
                return (null, providerMistake);
            }

            if (Status(root, out int? status) is { } statusMistake)
            {
                return (null, statusMistake);
            }

            if (Attributes(root, out var attributes) is { } attributesMistake)
            {
                return (null, attributesMistake);
            }

            if (Flag(root, "recoveryAttempted", out bool attempted) is { } attemptedMistake)
            {
                return (null, attemptedMistake);
            }

            if (Flag(root, "recoverySucceeded", out bool succeeded) is { } succeededMistake)
            {
                return (null, succeededMistake);
            }

            if (succeeded && !attempted)
            {
                return (null, "Field 'recoverySucceeded' is true while 'recoveryAttempted' is not: a recovery that succeeded was attempted.");
            }

            return (new ErrorReport(type!, message, severity, service, route, provider, status, attributes, attempted, succeeded), null);
        }
    }

    private static string? Name(JsonElement root, string field, bool required, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return required ? $"Field '{field}' is required: a string of 1 to {MaxNameLength} characters." : null;
        }

        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { } text || string.IsNullOrWhiteSpace(text) || text.Length > MaxNameLength || text.Any(char.IsControl))
        {
            return $"Field '{field}' must be a string of 1 to {MaxNameLength} characters without control characters.";
        }

        value = text.Trim();
        return null;
    }

    private static string? Message(JsonElement root, out string value)
    {
        value = string.Empty;
        if (!root.TryGetProperty("message", out var element) || element.ValueKind != JsonValueKind.String)
        {
            return $"Field 'message' is required: a string of at most {MaxMessageLength} characters.";
        }

        value = element.GetString()!;
        return value.Length > MaxMessageLength ? $"Field 'message' is longer than {MaxMessageLength} characters." : null;
    }

    private static string? Severity(JsonElement root, out ErrorSeverity value)
    {
        value = ErrorSeverity.Error;
        if (!root.TryGetProperty("severity", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.String && element.GetString() is { } text
            && Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !text.Any(char.IsAsciiDigit))
        {
            return null;
        }

        value = ErrorSeverity.Error;
        return "Field 'severity' must be one of 'info', 'warning', 'error' (the default) and 'critical'.";
    }

    private static string? Status(JsonElement root, out int? value)
    {
        value = null;
        if (!root.TryGetProperty("status", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int status) && status is >= 100 and <= 599)
        {
            value = status;
            return null;
        }

        return "Field 'status' must be an HTTP status code: an integer from 100 to 599.";
    }

    private static string? Attributes(JsonElement root, out IReadOnlyDictionary<string, string>? value)
    {
        value = null;
        if (!root.TryGetProperty("attributes", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return $"Field 'attributes' must be an object of at most {MaxAttributes} string values.";
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            string key = property.Name;
            if (string.IsNullOrWhiteSpace(key) || key.Length > MaxAttributeKeyLength || key.Any(char.IsControl))
            {
                return $"Field 'attributes' has a key that is empty, longer than {MaxAttributeKeyLength} characters or has control characters.";
            }

            if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString()!.Length > MaxAttributeValueLength)
            {
                return $"Field 'attributes.{key}' must be a string of at most {MaxAttributeValueLength} characters.";
            }

            if (!attributes.TryAdd(key, property.Value.GetString()!))
            {
                return $"Field 'attributes.{key}' is given more than once.";
            }

            if (attributes.Count > MaxAttributes)
            {
                return $"Field 'attributes' has more than {MaxAttributes} entries.";
            }
        }

        value = attributes;
        return null;
    }

    private static string? Flag(JsonElement root, string field, out bool value)
    {
        value = false;
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = element.GetBoolean();
            return null;
        }

        return $"Field '{field}' must be true or false.";
    }

    /// <summary>An unknown field's name as shown back: cut, and without control characters.</summary>
    private static string Shown(string name)
    {
        string cut = name.Length > 64 ? name[..64] + "…" : name;
        return new string([.. cut.Select(static c => char.IsControl(c) ? '?' : c)]);
    }
}
