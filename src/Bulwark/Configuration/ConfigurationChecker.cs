using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Bulwark.Configuration;

/// <summary>
/// Reads a configuration section against the shape of an options type before binding, and lists every value that cannot be
/// converted (the configuration binder stops at the first) and every key that matches no setting, with a suggestion.
/// </summary>
internal static class ConfigurationChecker
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> SettableByType = new();

    /// <param name="section">The section to check.</param>
    /// <param name="type">The options type it binds to.</param>
    /// <param name="path">The section's path, for messages.</param>
    /// <param name="errors">Receives every value that cannot be read.</param>
    /// <param name="warnings">Receives every unknown key.</param>
    /// <param name="unread">Receives, for each error, the setting left out of binding and what stands in for it.</param>
    /// <param name="rules">How unknown keys are reported and which other sections are known; <see langword="null"/> for warnings and none.</param>
    public static void Check(IConfiguration section, Type type, string path, List<string> errors, List<string> warnings, List<UnreadSetting>? unread = null, ConfigurationRules? rules = null) =>
        CheckSection([.. section.GetChildren()], type, path, new CheckState(errors, warnings, unread ?? [], rules ?? ConfigurationRules.Default, path.Length));

    private static void CheckSection(List<IConfigurationSection> children, Type type, string path, CheckState state)
    {
        var properties = Settable(type);
        foreach (var child in children)
        {
            string childPath = $"{path}:{child.Key}";
            if (!properties.TryGetValue(child.Key, out var property))
            {
                if (state.Rules.AdditionalSections.TryGetValue(childPath[(state.RootLength + 1)..], out var other))
                {
                    // Read by another component from the same file: checked against its own options type.
                    CheckValue(child, other, childPath, Position.Property, state);
                }
                else if (state.Rules.UnknownKeysAreErrors)
                {
                    // Not a stand-in: an unknown key binds to nothing, so nothing else follows from it.
                    state.Errors.Add(UnknownKey(childPath, child.Key, properties.Keys, ignored: false));
                }
                else
                {
                    state.Warnings.Add(UnknownKey(childPath, child.Key, properties.Keys, ignored: true));
                }

                continue;
            }

            CheckValue(child, property.PropertyType, childPath, Position.Property, state);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, string path, Position position, CheckState state)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        // Read once: each read of a section's children asks every configuration provider.
        List<IConfigurationSection> children = [.. section.GetChildren()];
        bool hasChildren = children.Count > 0;

        if (typeof(Delegate).IsAssignableFrom(target) || target == typeof(Type))
        {
            state.Error(path, $"{path}: cannot be set from configuration; set it in code.", StandIn(path, target, position));
            return;
        }

        if (IsScalar(target))
        {
            if (hasChildren)
            {
                state.Error(path, $"{path}: expects a single value, not a section.", StandIn(path, target, position));
            }
            else if (section.Value is null && target != typeof(string) && Nullable.GetUnderlyingType(type) is null)
            {
                // A key that is present with no value: JSON's null (or {}). Binders disagree on it (the reflection binder
                // of .NET 10 sets the type's default, such as 00:00:00; generated binders leave the setting as it is).
                state.Error(path, $"{path}: is null; expects {Describe(target)} (remove the key to keep the default).", StandIn(path, target, position));
            }
            else if (section.Value is { Length: 0 } && target != typeof(string) && Nullable.GetUnderlyingType(type) is null)
            {
                // An empty string (or an empty JSON array, which the JSON provider stores as "") cannot bind to a value type.
                state.Error(path, $"{path}: is empty; expects {Describe(target)}.", StandIn(path, target, position));
            }
            else if (section.Value is { Length: > 0 } value && !TryConvert(value, target))
            {
                state.Error(path, $"{path}: '{value}' is not {Describe(target)}.", StandIn(path, target, position));
            }

            return;
        }

        var valueType = DictionaryValueType(target);
        var elementType = valueType is null ? ElementType(target) : null;
        if (!hasChildren && section.Value is { Length: > 0 } scalar)
        {
            // The binder would leave the setting as it is, silently: a list or a section given as one value.
            string expected = valueType is not null ? "a section of named entries" : elementType is not null ? "a list" : "a section of settings";
            state.Error(path, $"{path}: expects {expected}, not the value '{scalar}'.", StandIn(path, target, position));
            return;
        }

        if (valueType is not null)
        {
            foreach (var child in children)
            {
                if (child.Key.Length == 0)
                {
                    // ':' separates keys: a name starting with it (":authority") reads as an empty name holding the rest
                    // as a setting. The owner of the entries refuses the empty name; its settings would only report the
                    // same mistake again, as an unknown setting.
                    continue;
                }

                CheckValue(child, valueType, $"{path}:{child.Key}", Position.DictionaryValue, state);
            }

            return;
        }

        if (elementType is not null)
        {
            foreach (var child in children)
            {
                CheckValue(child, elementType, $"{path}:{child.Key}", Position.ListElement, state);
            }

            return;
        }

        CheckSection(children, target, path, state);
    }

    /// <summary>
    /// What binds in place of a value that cannot be read: nothing for a setting (it keeps its default) or a dictionary's
    /// scalar entry; for an element of a list of values, the whole list keeps its default (dropping the element alone would
    /// move the ones after it to other indexes); for an entry of settings in a list or by name (a route, a provider, a
    /// pipeline), an empty one, so that indexes stay and references to its name still find it.
    /// </summary>
    private static UnreadSetting StandIn(string path, Type target, Position position)
    {
        bool section = !IsScalar(target) && ElementType(target) is null && DictionaryValueType(target) is null;
        return position switch
        {
            Position.ListElement or Position.DictionaryValue when section => new UnreadSetting(path, new($"{path}:{UnreadSetting.Placeholder}", string.Empty)),
            Position.ListElement => new UnreadSetting(path[..path.LastIndexOf(':')], null),
            _ => new UnreadSetting(path, null),
        };
    }

    // Per type, not per section: a list of routes would otherwise reflect over the route type once per route.
    private static Dictionary<string, PropertyInfo> Settable(Type type) => SettableByType.GetOrAdd(type, static t => FindSettable(t));

    private static Dictionary<string, PropertyInfo> FindSettable(Type type)
    {
        var result = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && (property.SetMethod is { IsPublic: true } || ElementType(property.PropertyType) is not null || DictionaryValueType(property.PropertyType) is not null))
            {
                result.TryAdd(property.Name, property);
            }
        }

        return result;
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) ||
        type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid) || type == typeof(Uri);

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[0] == typeof(string) ? dictionary.GetGenericArguments()[1] : null;
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) || DictionaryValueType(type) is not null)
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private static bool TryConvert(string value, Type type)
    {
        if (type == typeof(string))
        {
            // Any text is a string: no converter to look up for the most common setting of all.
            return true;
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!) && !int.TryParse(value, out _);
        }

        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or OverflowException || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type)
    {
        if (type.IsEnum)
        {
            return $"a valid value; use one of {string.Join(", ", Enum.GetNames(type))}";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "a boolean (true or false)",
            TypeCode.Int32 or TypeCode.Int64 or TypeCode.Int16 or TypeCode.Byte or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 => "a whole number",
            TypeCode.Double or TypeCode.Single or TypeCode.Decimal => "a number (use '.' as decimal separator)",
            _ when type == typeof(TimeSpan) => "a duration; use [d.]hh:mm:ss[.fff], for example 00:00:02 or 00:00:00.250",
            _ when type == typeof(Uri) => "a valid URL",
            _ => $"a valid {type.Name}",
        };
    }

    private static string UnknownKey(string path, string key, IEnumerable<string> known, bool ignored)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        int bestPrefix = -1;
        foreach (var candidate in known)
        {
            string a = key.ToUpperInvariant();
            string b = candidate.ToUpperInvariant();
            int distance = Distance(a, b);
            int prefix = a.AsSpan().CommonPrefixLength(b);
            if (distance < bestDistance || (distance == bestDistance && prefix > bestPrefix))
            {
                (best, bestDistance, bestPrefix) = (candidate, distance, prefix);
            }
        }

        // A typo or a singular/plural slip, not an unrelated word.
        string what = ignored ? "unknown setting, ignored" : "unknown setting";
        return best is not null && bestDistance <= Math.Max(3, key.Length / 3)
            ? $"{path}: {what}; did you mean '{best}'?"
            : $"{path}: {what}.";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private enum Position
    {
        Property,
        ListElement,
        DictionaryValue,
    }

    private sealed record CheckState(List<string> Errors, List<string> Warnings, List<UnreadSetting> Unread, ConfigurationRules Rules, int RootLength)
    {
        public void Error(string path, string message, UnreadSetting unread)
        {
            Errors.Add(message);
            Unread.Add(unread);
        }
    }

    internal static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString(CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
