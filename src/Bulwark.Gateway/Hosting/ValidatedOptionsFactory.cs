using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Hosting;

/// <summary>Hands out options that were already read and validated, for every name, instead of binding them again.</summary>
internal sealed class ValidatedOptionsFactory<TOptions>(TOptions validated) : IOptionsFactory<TOptions>
    where TOptions : class
{
    public TOptions Create(string name) => validated;
}
