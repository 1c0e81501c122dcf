using System.Text.Json;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// A log state that writes its own fields for <see cref="BulwarkJsonConsoleFormatter"/>: typed values without boxing,
/// nested JSON where a field is a list, and a short message instead of one that repeats every field.
/// </summary>
internal interface IJsonLogState
{
    /// <summary>Writes the entry's message as the property <paramref name="name"/>.</summary>
    void WriteMessage(Utf8JsonWriter writer, JsonEncodedText name);

    /// <summary>Writes every field as a property of the open object.</summary>
    void WriteFields(Utf8JsonWriter writer);

    /// <summary>Whether a field of this name is written (a scope value of the same name is then left out).</summary>
    bool HasField(string name);
}
