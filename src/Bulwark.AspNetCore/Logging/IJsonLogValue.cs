using System.Text.Json;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// A log field value that <see cref="BulwarkJsonConsoleFormatter"/> writes as JSON (an array or object); other
/// formatters see its <see cref="object.ToString"/>, which returns the same JSON as text.
/// </summary>
internal interface IJsonLogValue
{
    void WriteTo(Utf8JsonWriter writer);
}
