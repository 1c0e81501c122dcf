namespace Bulwark.Gateway.Forecasting;

/// <summary>What <see cref="SpendForecaster.Forecast"/> projects for one budget. Times are UTC.</summary>
/// <param name="RatePerHour">
/// The current spend rate per hour: the EWMA level, times the profile's factor for the current hour when a profile is
/// used.
/// </param>
/// <param name="ProjectedAtPeriodEnd">
/// The projected total spend of the period at its end: what is spent so far plus the profile-shaped rate integrated over
/// the rest of the period. It projects demand: a strict budget refuses before it gets there, so it can exceed the limit.
/// </param>
/// <param name="ExhaustionAt">
/// When spend is projected to reach the limit; null when not before the period end. When the budget is already
/// exhausted: when that happened, as far as the history shows, else the time of the forecast.
/// </param>
/// <param name="ExhaustionEarliest">
/// The early end of the interval around <see cref="ExhaustionAt"/> (from the recent hours' high rate); null when
/// <see cref="ExhaustionAt"/> is.
/// </param>
/// <param name="ExhaustionLatest">
/// The late end of the interval (from the recent hours' low rate); null when <see cref="ExhaustionAt"/> is, or when at
/// that low rate the budget is not exhausted before the period end.
/// </param>
/// <param name="Method">How the rate was estimated.</param>
internal sealed record SpendForecast(
    double RatePerHour,
    double ProjectedAtPeriodEnd,
    DateTimeOffset? ExhaustionAt,
    DateTimeOffset? ExhaustionEarliest,
    DateTimeOffset? ExhaustionLatest,
    SpendForecastMethod Method);
