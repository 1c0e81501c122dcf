namespace Bulwark.AspNetCore.Health;

/// <summary>
/// Whether this instance should take new traffic. A singleton registered by <c>AddBulwarkHealth()</c>; once
/// <see cref="MarkDraining"/> is called, <c>/health/ready</c> answers 503 so load balancers stop sending requests while
/// those in flight finish.
/// </summary>
public sealed class BulwarkReadiness
{
    private int _draining;

    /// <summary>Gets a value indicating whether the instance is draining.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) != 0;

    /// <summary>Marks the instance as draining. There is no way back: a draining instance is on its way out.</summary>
    public void MarkDraining() => Volatile.Write(ref _draining, 1);
}
