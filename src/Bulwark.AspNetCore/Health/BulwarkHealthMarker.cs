namespace Bulwark.AspNetCore.Health;

/// <summary>Registered once by <c>AddBulwarkHealth()</c>: health check names must be unique, so the checks are added only once.</summary>
internal sealed class BulwarkHealthMarker
{
}
