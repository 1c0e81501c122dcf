namespace Bulwark.Gateway.Forecasting;

/// <summary>How a <see cref="SpendForecast"/> estimated the spend rate.</summary>
internal enum SpendForecastMethod
{
    /// <summary>
    /// No spend yet, or fewer than <see cref="SpendForecaster.MinimumEwmaHours"/> complete hours since the first spend:
    /// the rate is the period's average so far (0 when nothing is spent).
    /// </summary>
    None,

    /// <summary>A flat rate: the exponentially weighted mean of the hourly spend.</summary>
    Ewma,

    /// <summary>The EWMA level shaped by an hour-of-day profile (at least two days of history).</summary>
    HourOfDay,

    /// <summary>The EWMA level shaped by a day-of-week × hour-of-day profile (at least two weeks of history).</summary>
    WeekProfile,
}
