namespace Bulwark.Storage.Alerts;

/// <summary>A silence as stored: its id and its definition as JSON (the gateway's to read).</summary>
/// <param name="Id">The silence's id, unique.</param>
/// <param name="Data">The silence, a JSON object.</param>
public sealed record StoredAlertSilence(string Id, string Data);
