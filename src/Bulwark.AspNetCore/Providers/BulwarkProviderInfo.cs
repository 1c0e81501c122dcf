using Bulwark.Bulkhead;
using Bulwark.CircuitBreaker;

namespace Bulwark.AspNetCore.Providers;

/// <summary>One provider and the handles of its resilience strategies.</summary>
/// <param name="Name">The provider's name.</param>
/// <param name="CircuitBreaker">Its breaker, or <see langword="null"/>.</param>
/// <param name="Bulkhead">Its bulkhead, or <see langword="null"/>.</param>
public sealed record BulwarkProviderInfo(string Name, CircuitBreakerHandle? CircuitBreaker, BulkheadHandle? Bulkhead);
