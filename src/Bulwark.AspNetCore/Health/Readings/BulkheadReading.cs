namespace Bulwark.AspNetCore.Health.Readings;

internal sealed record BulkheadReading(string Name, int Capacity, int Active, int Queued, int QueueLimit, long RejectedTotal, double RejectionRate);
