using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Limits;
using Bulwark.Gateway.Routing;
using Microsoft.Extensions.Primitives;

namespace Bulwark.Gateway.Reload;

/// <summary>
/// One endpoint per route of the configuration in force, rebuilt when a reload applies a new one (the change token of
/// <see cref="LiveGatewayConfiguration"/>): new paths answer, removed ones fall through to the 404 fallback. Each
/// endpoint carries its route's per-client rate limiter policy, as <c>RequireRateLimiting</c> would attach it.
/// </summary>
/// <remarks>
/// Validation refuses a template the routing cannot use; should one reach this point anyway, its route is left out and
/// logged, for the routing builds one matcher over every endpoint, and a single bad one would fail every request.
/// </remarks>
internal sealed partial class GatewayRouteEndpointDataSource(
    LiveGatewayConfiguration live,
    ForwardingHandler handler,
    InFlightRequests inFlight,
    RouteTemplateCheck templates,
    ILogger<GatewayRouteEndpointDataSource> logger,
    SharedState.SharedRateLimits? sharedLimits = null) : EndpointDataSource
{
    private Built? _built;

    public override IReadOnlyList<Endpoint> Endpoints
    {
        get
        {
            var table = live.Table;
            var built = Volatile.Read(ref _built);
            if (built is null || !ReferenceEquals(built.Table, table))
            {
                built = new Built(table, Create(table));
                Volatile.Write(ref _built, built);
            }

            return built.Endpoints;
        }
    }

    public override IChangeToken GetChangeToken() => live.GetChangeToken();

    private List<Endpoint> Create(GatewayRouteTable table)
    {
        var endpoints = new List<Endpoint>(table.Routes.Count);
        foreach (var route in table.Routes)
        {
            if (templates.Parse(route.Path, out string? problem) is not { } pattern)
            {
                Log.RouteLeftOut(logger, route.Path, problem!);
                continue;
            }

            RequestDelegate forward = context => handler.HandleAsync(context, route, inFlight);
            var builder = new RouteEndpointBuilder(forward, pattern, order: 0)
            {
                DisplayName = $"bulwark route {route.Path}",
            };
            // The route itself, for the middleware that runs before the endpoint (client identification).
            builder.Metadata.Add(route);
            if (route.Methods.Count > 0)
            {
                builder.Metadata.Add(new HttpMethodMetadata(route.Methods));
            }

            if (route.RequestsPerMinutePerClient > 0 || route.ConcurrencyPerClient > 0)
            {
                var conventions = new Conventions();
                conventions.RequireRateLimiting(new ClientRateLimiterPolicy(route, sharedLimits));
                conventions.ApplyTo(builder);
            }

            endpoints.Add(builder.Build());
        }

        return endpoints;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RouteLeftOut, Level = LogLevel.Error, Message = "The route {Path} is left out of routing: not a valid route template: {Problem}")]
        public static partial void RouteLeftOut(ILogger logger, string path, string problem);
    }

    private sealed record Built(GatewayRouteTable Table, IReadOnlyList<Endpoint> Endpoints);

    /// <summary>Collects what endpoint conventions such as <c>RequireRateLimiting</c> add, to apply them to a built endpoint.</summary>
    private sealed class Conventions : IEndpointConventionBuilder
    {
        private readonly List<Action<EndpointBuilder>> _conventions = [];

        public void Add(Action<EndpointBuilder> convention) => _conventions.Add(convention);

        public void ApplyTo(EndpointBuilder builder)
        {
            foreach (var convention in _conventions)
            {
                convention(builder);
            }
        }
    }
}
