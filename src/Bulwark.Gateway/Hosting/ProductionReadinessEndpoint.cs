using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Hosting;

/// <summary><c>GET /admin/production-readiness</c>: the production-readiness findings of the configuration in force (the last one applied).</summary>
internal static class ProductionReadinessEndpoint
{
    /// <summary>Maps the endpoint into the admin group, so the admin token guards it like every other admin endpoint.</summary>
    public static RouteHandlerBuilder MapProductionReadiness(this RouteGroupBuilder admin) =>
        admin.MapGet("/production-readiness", static (LiveGatewayConfiguration live) =>
            TypedResults.Text(ToJson(ProductionReadiness.Evaluate(live.Options, live.Configuration)).ToJsonString(), "application/json"));

    /// <summary>The findings as JSON: <c>{"ready": bool, "errors": n, "warnings": n, "infos": n, "findings": [...]}</c>.</summary>
    public static JsonObject ToJson(IReadOnlyList<ReadinessFinding> findings)
    {
        var list = new JsonArray();
        foreach (var finding in findings)
        {
            list.Add(new JsonObject
            {
                ["severity"] = SeverityName(finding.Severity),
                ["code"] = finding.Code,
                ["message"] = finding.Message,
                ["path"] = finding.Path,
            });
        }

        int errors = findings.Count(f => f.Severity == ReadinessSeverity.Error);
        return new JsonObject
        {
            ["ready"] = errors == 0,
            ["errors"] = errors,
            ["warnings"] = findings.Count(f => f.Severity == ReadinessSeverity.Warning),
            ["infos"] = findings.Count(f => f.Severity == ReadinessSeverity.Info),
            ["findings"] = list,
        };
    }

    public static string SeverityName(ReadinessSeverity severity) => severity switch
    {
        ReadinessSeverity.Error => "error",
        ReadinessSeverity.Warning => "warning",
        _ => "info",
    };
}
