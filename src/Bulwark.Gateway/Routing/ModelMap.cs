using System.Collections.Frozen;

namespace Bulwark.Gateway.Routing;

/// <summary>A provider's <c>Models</c>: the model name it is sent for each name a client asks for, <c>*</c> for any other.</summary>
internal sealed class ModelMap
{
    public const string AnyModel = "*";

    private readonly FrozenDictionary<string, string> _names;
    private readonly string? _any;

    private ModelMap(IDictionary<string, string> names)
    {
        _names = names.Where(static n => n.Key != AnyModel).ToFrozenDictionary(StringComparer.Ordinal);
        _any = names.TryGetValue(AnyModel, out var any) ? any : null;
    }

    /// <summary>The map of a provider's configured names; <see langword="null"/> when it has none (bodies go unchanged).</summary>
    public static ModelMap? Of(IDictionary<string, string> names) => names.Count == 0 ? null : new ModelMap(names);

    /// <summary>The name to send for <paramref name="requested"/>; <see langword="false"/> when the provider does not serve it.</summary>
    public bool TryMap(string requested, out string mapped)
    {
        if (_names.TryGetValue(requested, out var name) || (name = _any) is not null)
        {
            mapped = name;
            return true;
        }

        mapped = string.Empty;
        return false;
    }
}
