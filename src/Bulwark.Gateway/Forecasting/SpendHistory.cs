namespace Bulwark.Gateway.Forecasting;

/// <summary>
/// Hourly spend of one budget, oldest first: entry <c>i</c> is the spend in the hour that starts at
/// <see cref="Start"/> + <c>i</c> hours. <see cref="Start"/> is hour-aligned UTC; the last entry is the current (partial)
/// hour. Entries that are NaN, infinite or negative are read as 0, entries above 1e250 as 1e250 (so sums stay finite).
/// </summary>
/// <param name="Start">The start of the first hour (UTC, hour-aligned).</param>
/// <param name="Hourly">The spend of each hour, in the budget's unit (currency or tokens).</param>
internal sealed record SpendHistory(DateTimeOffset Start, IReadOnlyList<double> Hourly);
