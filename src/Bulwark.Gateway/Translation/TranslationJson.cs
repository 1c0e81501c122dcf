using System.Text.Json;

namespace Bulwark.Gateway.Translation;

/// <summary>Reads of JSON values that never throw on a value of another type (a client's or a provider's input may be anything).</summary>
internal static class TranslationJson
{
    /// <summary>Whether <paramref name="value"/> is the string <paramref name="text"/>.</summary>
    public static bool Is(JsonElement value, string text) => value.ValueKind == JsonValueKind.String && value.ValueEquals(text);

    /// <summary>An event's <c>index</c>, or -1 when it has none that is a whole number.</summary>
    public static int IndexOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number && index.TryGetInt32(out int n) ? n : -1;
}
