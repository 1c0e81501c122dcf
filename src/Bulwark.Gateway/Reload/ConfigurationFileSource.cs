using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Reload;

/// <summary>
/// The configuration file the reloader follows, and how a new content of it is checked: as <c>serve</c> and
/// <c>check-config</c> check it (the options, then every component's start-up validation). Given by the composition
/// root, which alone can build a gateway to validate.
/// </summary>
/// <param name="Path">The configuration file.</param>
/// <param name="LoadAsync">
/// Reads and checks a content of the file; throws an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
/// listing every error, or the parser's exception for text that is not JSON.
/// </param>
internal sealed record ConfigurationFileSource(string Path, Func<string, Task<LoadedGatewayConfiguration>> LoadAsync);
