using Bulwark.Configuration;
using Bulwark.Gateway.Configuration.ProviderValidators;
using Bulwark.Gateway.Configuration.RouteValidators;
using Bulwark.Gateway.Configuration.SectionValidators;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// Validates everything the gateway needs before it starts, listing every error with its configuration path: one
/// validator per section (providers, routes, limits, shutdown, storage, deliveries, reload), each running its own
/// small rules, then the engine's pipelines.
/// </summary>
internal sealed class GatewayOptionsValidator(Func<string, string?> environment, RouteTemplateCheck routeTemplates, Func<IEnumerable<string>>? environmentNames = null, IConfiguration? root = null) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Built per run: the path rule remembers the routes it has seen, to report duplicates. The order is the order of
        // the messages, which users and tests read.
        ISectionValidator[] sections =
        [
            new ProvidersValidator([new ProviderBaseUrlValidator(), new ProviderPipelineValidator(), new ProviderHeadersValidator(environment), new ProviderModelsValidator(), new ProviderPricesValidator(), new ProviderApiValidator(),
                new ProviderAuthValidator(), new ProviderAuthHeaderValidator(environment), new ProviderAuthAwsSigV4Validator(environment), new ProviderAuthOAuth2Validator(environment), new ProviderAuthGoogleValidator(environment)]),
            new OutsideRootValidator(root),
            new RoutesValidator(requireOne: true,
            [
                new RoutePathValidator(routeTemplates),
                new RouteMethodsValidator(),
                new RouteReplayValidator(),
                new RouteUploadsValidator(),
                new RouteProvidersValidator(),
                new RouteTimeoutValidator(),
                new RouteAttemptsValidator(),
                new RouteBalanceValidator(),
                new RouteFallbackValidator(),
                new RouteRateLimitValidator(),
                new RouteClientsValidator(),
                new RouteBudgetValidator(),
            ]),
            new BufferedBodyValidator(),
            new SpoolValidator(),
            new LimitsValidator(),
            new ShutdownValidator(),
            new StorageValidator(environment),
            new SharedStateValidator(environment),
            new DeliveriesValidator(),
            // Deferral is checked after storage and deliveries, whose messages come first.
            new RoutesValidator(requireOne: false, [new RouteDeferralValidator()]),
            new ReloadValidator(),
            new UrlsValidator(),
            new ClientsValidator(),
            new BudgetsValidator(),
            new ErrorsValidator(),
            new AlertSignalsValidator(),
            new AlertsValidator(),
            new AlertChannelsValidator(environment),
            new SeedVariablesValidator(environmentNames),
        ];

        var errors = new List<string>();
        foreach (var section in sections)
        {
            section.Validate(options, errors);
        }

        // The engine's checks come first; a value that could not be read is reported by itself, not again by the rules that
        // saw its stand-in.
        return BulwarkOptionsValidator.Validate(options, GatewayConstants.ConfigurationRoot, errors);
    }
}
