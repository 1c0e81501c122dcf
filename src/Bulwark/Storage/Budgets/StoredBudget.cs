namespace Bulwark.Storage.Budgets;

/// <summary>A budget made through the admin API, as stored: its name and its definition as JSON (the gateway's to read).</summary>
/// <param name="Name">The budget's name, unique.</param>
/// <param name="Definition">The definition, a JSON object.</param>
/// <param name="Updated">When it was last written.</param>
public sealed record StoredBudget(string Name, string Definition, DateTimeOffset Updated);
