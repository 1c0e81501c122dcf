using Bulwark.Storage.Redis;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// <c>Bulwark:SharedState</c>: a known provider and failure mode; for Redis, exactly one of the configuration string and
/// its environment variable (which must be set), and the connection's and sharing's settings in range. Messages never
/// quote the configuration string: it may hold a password.
/// </summary>
internal sealed class SharedStateValidator(Func<string, string?> environment) : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.SharedState is not { } shared)
        {
            return;
        }

        const string path = $"{GatewayConstants.ConfigurationRoot}:SharedState";
        if (!Enum.IsDefined(shared.Provider))
        {
            errors.Add($"{path}:Provider: '{shared.Provider}' is not a provider; use None or Redis.");
            return;
        }

        if (!Enum.IsDefined(shared.OnRedisFailure))
        {
            errors.Add($"{path}:OnRedisFailure: '{shared.OnRedisFailure}' is not a mode; use FailOpen or FailClosed.");
        }

        if (!Enum.IsDefined(shared.BudgetsOnRedisFailure))
        {
            errors.Add($"{path}:BudgetsOnRedisFailure: '{shared.BudgetsOnRedisFailure}' is not a mode; use FailOpen or FailClosed.");
        }

        if (shared.BudgetHold < TimeSpan.FromMinutes(1) || shared.BudgetHold > TimeSpan.FromDays(1))
        {
            errors.Add($"{path}:BudgetHold: {shared.BudgetHold:c} is out of range; allowed 00:01:00 to 1.00:00:00.");
        }

        if (shared.Provider == SharedStateProvider.None)
        {
            if (shared.Configuration is not null)
            {
                errors.Add($"{path}:Configuration: a Redis configuration is given but Provider is None: set Provider to Redis, or remove it.");
            }

            if (shared.ConfigurationFromEnvironment is not null)
            {
                errors.Add($"{path}:ConfigurationFromEnvironment: a Redis configuration is given but Provider is None: set Provider to Redis, or remove it.");
            }

            return;
        }

        string? configuration = ResolveConfiguration(shared, environment, path, errors);
        var redis = new RedisSharedStateOptions { Configuration = configuration ?? "127.0.0.1", KeyPrefix = shared.KeyPrefix, OperationTimeout = shared.OperationTimeout };
        foreach (var problem in RedisConnection.Validate(redis))
        {
            errors.Add($"{path}: {problem}");
        }

        if (shared.ProbeGrace < TimeSpan.Zero || shared.ProbeGrace > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{path}:ProbeGrace: {shared.ProbeGrace:c} is out of range; allowed 00:00:00 to 00:05:00.");
        }

        if (shared.InstanceId is { } id && (id.Length is 0 or > 100))
        {
            errors.Add($"{path}:InstanceId: must be 1 to 100 characters.");
        }
    }

    /// <summary>The configuration string from the file or the environment; <see langword="null"/> (and an error) when neither or both.</summary>
    internal static string? ResolveConfiguration(GatewaySharedStateOptions shared, Func<string, string?> environment, string path, List<string> errors)
    {
        switch (shared.Configuration, shared.ConfigurationFromEnvironment)
        {
            case (null, null):
                errors.Add($"{path}:Provider: Redis needs a configuration string: set Configuration (\"redis:6379\"), or ConfigurationFromEnvironment naming the variable that holds it.");
                return null;
            case (not null, not null):
                errors.Add($"{path}:Configuration: set Configuration or ConfigurationFromEnvironment, not both.");
                return null;
            case (null, { } variable):
                if (string.IsNullOrWhiteSpace(environment(variable)))
                {
                    errors.Add($"{path}:ConfigurationFromEnvironment: the environment variable '{variable}' is not set.");
                    return null;
                }

                return environment(variable);
            default:
                return shared.Configuration;
        }
    }
}
