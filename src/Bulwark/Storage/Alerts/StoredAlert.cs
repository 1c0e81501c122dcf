namespace Bulwark.Storage.Alerts;

/// <summary>An alert as stored: its id and its state as JSON (the gateway's to read).</summary>
/// <param name="Id">The alert's id, unique.</param>
/// <param name="Data">The alert, a JSON object.</param>
public sealed record StoredAlert(string Id, string Data);
