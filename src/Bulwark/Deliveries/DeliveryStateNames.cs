namespace Bulwark.Deliveries;

/// <summary>The name of each <see cref="DeliveryState"/> where it is shown: status pages, admin queries, metric tags.</summary>
public static class DeliveryStateNames
{
    /// <summary>Gets a state's name: <c>pending</c>, <c>in-progress</c>, <c>delivered</c> or <c>dead</c>.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The name.</returns>
    public static string Of(DeliveryState state) => state switch
    {
        DeliveryState.Pending => "pending",
        DeliveryState.InProgress => "in-progress",
        DeliveryState.Delivered => "delivered",
        _ => "dead",
    };
}
