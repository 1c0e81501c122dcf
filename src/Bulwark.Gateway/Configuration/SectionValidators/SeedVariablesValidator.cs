using Bulwark.Configuration;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// A seed variable aimed at one pipeline (<c>BULWARK_PIPELINE_{NAME}_{VARIABLE}</c>) must name a configured pipeline and
/// a seed variable: one that names neither would change nothing, silently.
/// </summary>
internal sealed class SeedVariablesValidator(Func<IEnumerable<string>>? environmentNames) : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (environmentNames is null)
        {
            return;
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pipeline in options.Pipelines.Keys)
        {
            foreach (var variable in EnvironmentOverride.VariableNames)
            {
                known.Add(EnvironmentOverride.PipelineVariable(pipeline, variable));
            }
        }

        foreach (string name in environmentNames().Where(n => n.StartsWith(EnvironmentOverride.PipelinePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (!known.Contains(name))
            {
                errors.Add($"{name} (environment): names no configured pipeline and seed variable; use {EnvironmentOverride.PipelinePrefix}{{PIPELINE}}_{{VARIABLE}}, such as {EnvironmentOverride.PipelineVariable(options.Pipelines.Keys.Order(StringComparer.Ordinal).FirstOrDefault() ?? "default", "RETRY_MAX_ATTEMPTS")}, with one of the pipelines ({string.Join(", ", options.Pipelines.Keys.Order(StringComparer.Ordinal))}) and one of {string.Join(", ", EnvironmentOverride.VariableNames)}.");
            }
        }
    }
}
