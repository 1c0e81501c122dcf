using Bulwark.Configuration;
using CsCheck;
using Microsoft.Extensions.Configuration;

namespace Bulwark.Tests.Configuration;

/// <summary>
/// The snapshot read straight from the providers, and the providers answering child keys from an index, must show
/// what a plain configuration root over plain providers shows: same sections, in configuration key order, same values.
/// (Keys that key order holds equal, such as "1" and "01" or "a" and "A", come in an order, and for a key two providers
/// spell differently with a spelling, that depends on how the root sorted; those are compared as configuration reads
/// them: ignoring case, in either order.)
/// </summary>
public sealed class ConfigurationSnapshotTests
{
    // Few distinct segments, mixed case and numbers (list indexes sort as numbers): collisions between providers,
    // keys that are both a value and a section, and case-only differences all come up often.
    private static readonly string[] SegmentNames = ["a", "A", "b", "Routes", "routes", "0", "1", "2", "10", "01", "x y"];
    private static readonly string?[] Values = ["v", "w", string.Empty, null];

    private static readonly Gen<string> Segment = Gen.Int[0, 10].Select(i => SegmentNames[i]);

    private static readonly Gen<string> Key = Segment.Array[1, 4].Select(parts => string.Join(':', parts));

    private static readonly Gen<Dictionary<string, string?>> Data =
        Gen.Select(Key, Gen.Int[0, 3].Select(i => Values[i])).Array[0, 25]
            .Select(pairs =>
            {
                var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach ((string key, string? value) in pairs)
                {
                    data[key] = value;
                }

                return data;
            });

    [Fact]
    public void Snapshot_over_indexed_providers_reads_as_the_plain_root()
    {
        Gen.Select(Data, Data, Segment).Sample((first, second, section) =>
        {
            var plain = new ConfigurationBuilder().AddInMemoryCollection(first).AddInMemoryCollection(second).Build();
            using var indexed = new ConfigurationRoot([new IndexedMemoryConfigurationProvider(first), new IndexedMemoryConfigurationProvider(second)]);

            var expected = Flatten(plain.GetSection(section));
            Assert.Equal(expected, Flatten(indexed.GetSection(section)));
            Assert.Equal(expected, Flatten(ConfigurationSnapshot.Of(indexed, section)));
            Assert.Equal(expected, Flatten(ConfigurationSnapshot.Of(plain, section)));

            // One plain provider names a section once per key under it.
            var single = new ConfigurationBuilder().AddInMemoryCollection(first).Build();
            Assert.Equal(Flatten(single.GetSection(section)), Flatten(ConfigurationSnapshot.Of(single, section)));
        }, iter: 2_000);
    }

    [Fact]
    public void Snapshot_binds_as_the_root_does()
    {
        var data = new Dictionary<string, string?>
        {
            ["S:Name"] = "n",
            ["S:Items:0"] = "a",
            ["S:Items:1"] = "b",
            ["S:Items:10"] = "k",
            ["S:Items:2"] = "c",
            ["S:Map:x:Count"] = "3",
        };
        var root = new ConfigurationBuilder().AddInMemoryCollection(data).Build();

        var bound = new Bound();
        ConfigurationSnapshot.Of(root, "S").Bind(bound);

        Assert.Equal("n", bound.Name);
        Assert.Equal(["a", "b", "c", "k"], bound.Items);
        Assert.Equal(3, bound.Map["x"].Count);
        Assert.Null(ConfigurationSnapshot.Of(root, "S").GetSection("Missing:Deeper").Value);
        Assert.Equal("S:Missing:Deeper", ConfigurationSnapshot.Of(root, "S").GetSection("Missing:Deeper").Path);
        Assert.Equal("3", ConfigurationSnapshot.Of(root, "S")["Map:x:Count"]);
    }

    [Fact]
    public void Snapshot_tells_an_explicit_null_from_a_missing_key()
    {
        var withNull = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["S:A"] = "1", ["S:B"] = null }).Build();
        var without = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["S:A"] = "1", ["T:B"] = null }).Build();

        Assert.True(ConfigurationSnapshot.Of(withNull, "S").HasExplicitNull);
        Assert.False(ConfigurationSnapshot.Of(without, "S").HasExplicitNull);
    }

    private static List<string> Flatten(IConfiguration section)
    {
        var lines = new List<string>();
        Walk(section, lines);
        return lines;

        static void Walk(IConfiguration node, List<string> lines)
        {
            var children = node.GetChildren().ToList();
            for (int i = 1; i < children.Count; i++)
            {
                Assert.True(ConfigurationKeyComparer.Instance.Compare(children[i - 1].Key, children[i].Key) <= 0, $"{children[i - 1].Path} before {children[i].Path}");
            }

            foreach (var child in children.OrderBy(c => c.Key, ConfigurationKeyComparer.Instance).ThenBy(c => c.Key.ToUpperInvariant(), StringComparer.Ordinal))
            {
                lines.Add($"{child.Path.ToUpperInvariant()}={child.Value ?? "(null)"}");
                Walk(child, lines);
            }
        }
    }

    private sealed class Bound
    {
        public string? Name { get; set; }

        public List<string> Items { get; set; } = [];

        public Dictionary<string, Item> Map { get; set; } = [];
    }

    private sealed class Item
    {
        public int Count { get; set; }
    }
}
