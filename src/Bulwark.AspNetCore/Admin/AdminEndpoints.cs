using System.Reflection;
using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Health.Readings;
using Bulwark.AspNetCore.Providers;
using Bulwark.CircuitBreaker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Admin;

internal static partial class AdminEndpoints
{
    public static void Map(RouteGroupBuilder group, string prefix)
    {
        group.AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            var token = http.RequestServices.GetRequiredService<AdminToken>();
            if (!token.IsEnabled)
            {
                return NotFound("The admin API is disabled: no token is configured.");
            }

            if (!token.Verify(http.Request.Headers.Authorization))
            {
                Log.Unauthorized(Logger(http), http.Request.Method, Redaction.PiiRedactor.Default.Redact(http.Request.Path.Value ?? string.Empty));
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return new ProblemResult(StatusCodes.Status401Unauthorized, "Unauthorized", "Send the admin token as 'Authorization: Bearer <token>'.");
            }

            return await next(context).ConfigureAwait(false);
        });

        group.MapGet("/system/status", static (HttpContext http) => WriteStatusAsync(http));
        group.MapGet("/breakers", static (HttpContext http) => WriteBreakersAsync(http));
        // Every handler is a plain request delegate (HttpContext in, Task out) that writes its own answer: no handler is
        // bound by the request delegate factory's reflection, which a native executable cannot do for a Task<IResult>
        // (it wrote the task itself as JSON, {"result":{}}, and answered 200 even for an unknown provider).
        group.MapPost("/breakers/{provider}/isolate", static (HttpContext http) =>
            ActAsync(http, "isolate", static (handle, token) => handle.IsolateAsync(token)));
        group.MapPost("/breakers/{provider}/close", static (HttpContext http) =>
            ActAsync(http, "close", static (handle, token) => handle.CloseAsync(token)));
        group.MapPost("/breakers/{provider}/reset", static (HttpContext http) =>
            ActAsync(http, "reset", static (handle, token) => handle.ResetAsync(token)));

        // Everything else under the prefix: 405 when an endpoint is there for other methods, else 404 (problem+json), but
        // only to an authorized caller (the filter runs first).
        var under = RoutePatternFactory.Parse(prefix);
        group.Map("/{**path}", (HttpContext http) => NoEndpoint(http, under).ExecuteAsync(http));
    }

    private static ProblemResult NoEndpoint(HttpContext http, RoutePattern prefix)
    {
        var allowed = AllowedMethods(http, prefix);
        if (allowed.Count == 0)
        {
            return NotFound("No admin endpoint at this path.");
        }

        string list = string.Join(", ", allowed);
        http.Response.Headers.Allow = list;
        return new ProblemResult(StatusCodes.Status405MethodNotAllowed, "Method Not Allowed", $"{http.Request.Method} is not allowed at this path; it takes {list}.");
    }

    // The methods of the admin endpoints (those under the prefix) whose route matches this path: a miss only, since the
    // catch-all answers for every method, which keeps routing's own 405 from being chosen. Routes under the prefix that
    // are not the admin API's (a gateway route of the same prefix) are not told apart; constraints are not checked.
    private static List<string> AllowedMethods(HttpContext http, RoutePattern prefix)
    {
        var allowed = new List<string>();
        var self = http.GetEndpoint();
        foreach (var endpoint in http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints)
        {
            if (endpoint is not RouteEndpoint route || ReferenceEquals(route, self) || !IsUnder(route.RoutePattern, prefix)
                || route.Metadata.GetMetadata<IHttpMethodMetadata>() is not { HttpMethods.Count: > 0 } methods)
            {
                continue;
            }

            var matcher = new TemplateMatcher(new RouteTemplate(route.RoutePattern), new RouteValueDictionary());
            if (matcher.TryMatch(http.Request.Path, new RouteValueDictionary()))
            {
                allowed.AddRange(methods.HttpMethods.Where(m => !allowed.Contains(m, StringComparer.OrdinalIgnoreCase)));
            }
        }

        allowed.Sort(StringComparer.Ordinal);
        return allowed;
    }

    // Whether the pattern's first segments are the prefix's literal segments.
    private static bool IsUnder(RoutePattern pattern, RoutePattern prefix)
    {
        if (pattern.PathSegments.Count <= prefix.PathSegments.Count)
        {
            return false;
        }

        for (int i = 0; i < prefix.PathSegments.Count; i++)
        {
            if (Literal(pattern.PathSegments[i]) is not { } text || !string.Equals(text, Literal(prefix.PathSegments[i]), StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Literal(RoutePatternPathSegment segment) =>
        segment.IsSimple && segment.Parts[0] is RoutePatternLiteralPart literal ? literal.Content : null;

    private static ProblemResult NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not Found", detail);

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Bulwark.AspNetCore.Admin");

    private static async Task ActAsync(HttpContext http, string action, Func<CircuitBreakerHandle, CancellationToken, ValueTask> act)
    {
        var result = await ActOnAsync(http, (string)http.GetRouteValue("provider")!, action, act).ConfigureAwait(false);
        await result.ExecuteAsync(http).ConfigureAwait(false);
    }

    private static async Task<IResult> ActOnAsync(HttpContext http, string provider, string action, Func<CircuitBreakerHandle, CancellationToken, ValueTask> act)
    {
        var catalog = http.RequestServices.GetRequiredService<IBulwarkProviderCatalog>();
        BulwarkProviderInfo? info = null;
        foreach (var candidate in catalog.Providers)
        {
            if (string.Equals(candidate.Name, provider, StringComparison.OrdinalIgnoreCase))
            {
                info = candidate;
                break;
            }
        }

        if (info?.CircuitBreaker is not { } handle)
        {
            return NotFound(info is null ? $"There is no provider '{provider}'." : $"Provider '{info.Name}' has no circuit breaker.");
        }

        if (!handle.IsBound)
        {
            return new ProblemResult(StatusCodes.Status409Conflict, "Conflict", $"The circuit breaker of '{info.Name}' is not built yet: its pipeline has not been used.");
        }

        await act(handle, http.RequestAborted).ConfigureAwait(false);
        var reading = BreakerReading.Read(info.Name, handle);
        Log.BreakerChanged(Logger(http), action, info.Name, HealthJson.StateName(handle.State));
        return new JsonResult<(string Action, BreakerReading Reading)>((action, reading), static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString("provider", state.Reading.Name);
            writer.WriteString("action", state.Action);
            writer.WriteString("state", HealthJson.StateName(state.Reading.Health?.State ?? Polly.CircuitBreaker.CircuitState.Closed));
            writer.WritePropertyName("breaker");
            HealthJson.WriteBreaker(writer, state.Reading);
            writer.WriteEndObject();
        });
    }

    private static Task WriteBreakersAsync(HttpContext http)
    {
        var catalog = http.RequestServices.GetRequiredService<IBulwarkProviderCatalog>();
        return HealthJson.WriteAsync(http, catalog, static (writer, catalog) =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("breakers");
            foreach (var provider in catalog.Providers)
            {
                if (provider.CircuitBreaker is { } handle)
                {
                    writer.WritePropertyName(provider.Name);
                    HealthJson.WriteBreaker(writer, BreakerReading.Read(provider.Name, handle));
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    private static Task WriteStatusAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var state = new StatusState(
            services.GetRequiredService<AdminClock>(),
            services.GetRequiredService<AdminConfiguration>().Configuration,
            services.GetService<IBulwarkProviderCatalog>(),
            services.GetService<BulwarkReadiness>(),
            services.GetServices<IBulwarkStatusContributor>());
        return HealthJson.WriteAsync(http, state, static (writer, state) =>
        {
            var contributions = new Dictionary<string, IBulwarkStatusContributor>(StringComparer.Ordinal);
            foreach (var contributor in state.Contributors)
            {
                contributions[contributor.Section] = contributor;
            }

            writer.WriteStartObject();
            writer.WriteString("status", state.Readiness?.IsDraining == true ? "draining" : "running");
            writer.WriteString("version", Version(Assembly.GetEntryAssembly()));
            writer.WriteString("bulwark_version", Version(typeof(AdminEndpoints).Assembly));
            writer.WriteString("started_at", state.Clock.StartedAt.UtcDateTime);
            writer.WriteNumber("uptime_seconds", Math.Round(state.Clock.Uptime.TotalSeconds, 3));
            writer.WriteStartArray("providers");
            foreach (var provider in state.Catalog?.Providers ?? [])
            {
                writer.WriteStringValue(provider.Name);
            }

            writer.WriteEndArray();
            if (!contributions.ContainsKey("store"))
            {
                writer.WriteStartObject("store");
                writer.WriteString("status", "none");
                writer.WriteEndObject();
            }

            writer.WriteStartObject("configuration");
            foreach (var (key, value) in ConfigurationSummary.Read(state.Configuration))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            foreach (var (section, contributor) in contributions)
            {
                writer.WritePropertyName(section);
                if (contributor.GetStatus() is { } node)
                {
                    node.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndObject();
        });
    }

    private static string? Version(Assembly? assembly) =>
        assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly?.GetName().Version?.ToString();

    private sealed record StatusState(
        AdminClock Clock,
        IConfiguration Configuration,
        IBulwarkProviderCatalog? Catalog,
        BulwarkReadiness? Readiness,
        IEnumerable<IBulwarkStatusContributor> Contributors);

    private sealed class JsonResult<TState>(TState state, Action<System.Text.Json.Utf8JsonWriter, TState> write) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => HealthJson.WriteAsync(httpContext, state, write);
    }

    /// <summary>
    /// An RFC 9457 problem, written as ASP.NET Core's <c>TypedResults.Problem</c> writes it (type, title, status,
    /// detail), but by hand: its reflection-based serialization wrote <c>{}</c> in a native executable.
    /// </summary>
    private sealed class ProblemResult(int status, string title, string detail) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;

            // An application's own problem writer (AddProblemDetails: its trace id, its customization) first, as
            // TypedResults.Problem does; else this one.
            if (httpContext.RequestServices.GetService<IProblemDetailsService>() is { } service
                && await service.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = httpContext,
                    ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Type = Type, Title = Title, Status = Status, Detail = Detail },
                }).ConfigureAwait(false))
            {
                return;
            }

            await HealthJson.WriteAsync(
                httpContext,
                this,
                static (writer, problem) =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", problem.Type);
                    writer.WriteString("title", problem.Title);
                    writer.WriteNumber("status", problem.Status);
                    writer.WriteString("detail", problem.Detail);
                    writer.WriteEndObject();
                },
                "application/problem+json").ConfigureAwait(false);
        }

        private int Status => status;

        private string Title => title;

        private string Detail => detail;

        // The RFC 9110 sections ASP.NET Core links for these statuses.
        private string Type => status switch
        {
            StatusCodes.Status401Unauthorized => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
            StatusCodes.Status404NotFound => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            StatusCodes.Status405MethodNotAllowed => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
            StatusCodes.Status409Conflict => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
            _ => "about:blank",
        };
    }
}
