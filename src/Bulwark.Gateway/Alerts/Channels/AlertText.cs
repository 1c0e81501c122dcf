using System.Globalization;
using System.Text;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>The words the human-facing channels (Slack, email) share: titles, label lists, severities.</summary>
internal static class AlertText
{
    /// <summary><c>[FIRING:2] rule provider=openai</c> or <c>[RESOLVED] rule provider=openai</c>.</summary>
    public static string Title(AlertNotification notification)
    {
        var title = new StringBuilder();
        if (notification.Kind == AlertNotificationKind.Resolved)
        {
            title.Append("[RESOLVED] ");
        }
        else
        {
            title.Append(CultureInfo.InvariantCulture, $"[FIRING:{notification.Alerts.Count(a => a.State != AlertState.Resolved)}] ");
        }

        title.Append(notification.Alerts[0].Rule);
        if (notification.GroupLabels.Count > 0)
        {
            title.Append(' ').Append(Labels(notification.GroupLabels));
        }

        return title.ToString();
    }

    /// <summary><c>a=1 b=2</c>, sorted by name.</summary>
    public static string Labels(IReadOnlyDictionary<string, string> labels) =>
        string.Join(' ', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Value(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
