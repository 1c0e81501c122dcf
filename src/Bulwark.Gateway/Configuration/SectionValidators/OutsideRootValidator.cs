namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// A configuration with no route whose file has the gateway's sections at its top level, outside <c>Bulwark</c>: says
/// so, beside the "no route" error that follows, rather than leave a newcomer to guess why the routes were not seen.
/// Only then: a top-level key of the same name is otherwise none of the gateway's business.
/// </summary>
internal sealed class OutsideRootValidator(IConfiguration? root) : ISectionValidator
{
    private static readonly string[] Sections = ["Pipelines", "Providers", "Routes"];

    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (root is null || options.Routes.Count > 0)
        {
            return;
        }

        // Sections only: an environment variable of the same name is a plain value at the top level.
        string[] found = [.. root.GetChildren().Where(static c => c.Value is null).Select(static c => c.Key).Where(static key => Sections.Contains(key, StringComparer.OrdinalIgnoreCase))];
        if (found.Length > 0)
        {
            string names = string.Join(", ", found.Select(static key => $"'{key}'"));
            errors.Add($"{GatewayConstants.ConfigurationRoot}: {names} {(found.Length == 1 ? "is" : "are")} at the top level of the configuration, where the gateway does not read {(found.Length == 1 ? "it" : "them")}; put {(found.Length == 1 ? "it" : "them")} inside \"{GatewayConstants.ConfigurationRoot}\": {{ \"{GatewayConstants.ConfigurationRoot}\": {{ \"{found[0]}\": ... }} }}.");
        }
    }
}
