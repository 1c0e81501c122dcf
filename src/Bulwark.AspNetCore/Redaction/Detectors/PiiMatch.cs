namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>One span to redact; <see cref="Priority"/> decides the kind written when spans overlap (lower wins).</summary>
internal readonly record struct PiiMatch(int Start, int End, string Kind, int Priority);
