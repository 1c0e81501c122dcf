using System.Text.Json;

namespace Bulwark.AspNetCore.Health;

/// <summary>
/// A section an application adds to the body of <c>/health</c> (see <see cref="BulwarkHealthResponseWriters.WriteAggregateAsync"/>),
/// after Bulwark's own: register it in DI as <see cref="IBulwarkHealthSection"/> (several allowed). A section reports; it
/// does not change the health status.
/// </summary>
public interface IBulwarkHealthSection
{
    /// <summary>Gets the section's property name in the body, snake_case, unique, not one of Bulwark's own.</summary>
    string Name { get; }

    /// <summary>Writes the section's value (one JSON value, usually an object). Called on each request: keep it cheap and non-blocking.</summary>
    /// <param name="writer">The writer, positioned after the property name.</param>
    void Write(Utf8JsonWriter writer);
}
