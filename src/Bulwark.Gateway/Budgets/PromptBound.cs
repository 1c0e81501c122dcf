namespace Bulwark.Gateway.Budgets;

/// <summary>An upper bound on the prompt tokens a provider will count for a JSON request body asking for <paramref name="model"/>.</summary>
internal delegate long PromptBound(ReadOnlySpan<byte> body, string? model);
