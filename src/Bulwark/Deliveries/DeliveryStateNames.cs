namespace Bulwark.Deliveries;

/// <summary>The name of each <see cref="DeliveryState"/> where it is shown: status pages, admin queries, metric tags.</summary>
internal static class DeliveryStateNames
{
    public static string Of(DeliveryState state) => state switch
    {
        DeliveryState.Pending => "pending",
        DeliveryState.InProgress => "in-progress",
        DeliveryState.Delivered => "delivered",
        _ => "dead",
    };
}
