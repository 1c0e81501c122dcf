using Bulwark.AspNetCore.Requests;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Usage;

/// <summary>Puts a request's usage and cost on its <see cref="BulwarkRequestFeature"/>, where the request log and the metrics read them.</summary>
internal static class UsageReport
{
    /// <summary>How the body of a response is read for usage: JSON or SSE by its content type, nothing when it is encoded (compressed).</summary>
    public static UsageFormat FormatOf(HttpResponseMessage response)
    {
        var content = response.Content;
        if (content.Headers.NonValidated.TryGetValues("Content-Encoding", out var encodings))
        {
            foreach (string encoding in encodings)
            {
                if (!string.Equals(encoding.Trim(), "identity", StringComparison.OrdinalIgnoreCase))
                {
                    return UsageFormat.None;
                }
            }
        }

        return FormatOf(content.Headers.ContentType?.MediaType);
    }

    /// <summary>How a body of <paramref name="mediaType"/> is read for usage: JSON, SSE, or not at all.</summary>
    public static UsageFormat FormatOf(string? mediaType)
    {
        if (mediaType is null)
        {
            return UsageFormat.None;
        }

        if (string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return UsageFormat.ServerSentEvents;
        }

        return string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            ? UsageFormat.Json
            : UsageFormat.None;
    }

    /// <summary>Names the request's AI system and operation (known before any provider answers).</summary>
    public static void Start(BulwarkRequestFeature feature, RouteApi api, string? path)
    {
        feature.GenAiSystem = GenAiNames.SystemOf(api);
        feature.GenAiOperation = GenAiNames.OperationOf(path);
    }

    /// <summary>Adds <c>X-Bulwark-Model</c>, <c>X-Bulwark-Tokens</c> and <c>X-Bulwark-Cost</c> for what is known.</summary>
    public static void WriteHeaders(IHeaderDictionary headers, BulwarkRequestFeature feature)
    {
        // A model name from the provider's answer, or the client's own: only one a header can carry is sent back.
        if (feature.ResponseModel is { Length: > 0 and <= GatewayConstants.MaxModelNameLength } model && model.All(static c => c is >= ' ' and <= '~'))
        {
            headers[GatewayConstants.ModelHeader] = model;
        }

        if (TokensOf(feature) is { } tokens)
        {
            headers[GatewayConstants.TokensHeader] = tokens;
            headers[GatewayConstants.CostHeader] = CostOf(feature);
        }
    }

    /// <summary>The same three fields as response trailers, for a stream whose headers went before its usage was known.</summary>
    public static void WriteTrailers(HttpResponse response, BulwarkRequestFeature feature)
    {
        if (feature.ResponseModel is { } model)
        {
            response.AppendTrailer(GatewayConstants.ModelHeader, model);
        }

        if (TokensOf(feature) is { } tokens)
        {
            response.AppendTrailer(GatewayConstants.TokensHeader, tokens);
            response.AppendTrailer(GatewayConstants.CostHeader, CostOf(feature));
        }
    }

    private static string? TokensOf(BulwarkRequestFeature feature)
    {
        if (feature.InputTokens is null && feature.OutputTokens is null)
        {
            return null;
        }

        var culture = System.Globalization.CultureInfo.InvariantCulture;
        string tokens = string.Create(culture, $"input={feature.InputTokens ?? 0}; output={feature.OutputTokens ?? 0}");
        return feature.CachedInputTokens is { } cached ? string.Create(culture, $"{tokens}; cached_input={cached}") : tokens;
    }

    private static string CostOf(BulwarkRequestFeature feature) => feature.Cost is { } cost
        ? cost.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + feature.CostCurrency
        : "unknown";

    /// <summary>Records the usage read from the serving provider's response and its cost at that provider's prices.</summary>
    public static void Complete(BulwarkRequestFeature feature, in TokenUsage usage, ModelPrices prices)
    {
        feature.ResponseModel = usage.Model ?? feature.RequestModel;
        feature.InputTokens = usage.TotalInput;
        feature.OutputTokens = usage.Output;
        feature.CachedInputTokens = usage.CachedInput;
        if ((prices.Find(feature.ResponseModel) ?? prices.Find(feature.RequestModel)) is { } price && price.CostOf(usage) is { } cost)
        {
            feature.Cost = cost;
            feature.CostCurrency = UsageConstants.Currency;
        }
    }
}
