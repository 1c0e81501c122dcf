using Bulwark.AspNetCore.Telemetry;
using CsCheck;

namespace Bulwark.AspNetCore.Tests.Telemetry;

public class BoundedTagValuesTests
{
    /// <summary>Whatever names arrive, at most the capacity of them are tagged as themselves, the first ones always, the rest as the overflow value.</summary>
    [Fact]
    public void AnyNames_AtMostCapacityDistinctTags_TheFirstKept()
    {
        Gen.String[Gen.Char.AlphaNumeric, 1, 3].Array[0, 300].Sample(names =>
        {
            var values = new BoundedTagValues(capacity: 20);
            var tags = names.Select(values.Tag).ToList();

            var first = names.Distinct().Take(20).ToHashSet();
            Assert.All(names.Zip(tags), p => Assert.Equal(first.Contains(p.First) ? p.First : BulwarkMetrics.OtherModelTagValue, p.Second));
            Assert.True(tags.Where(static t => t != BulwarkMetrics.OtherModelTagValue).Distinct().Count() <= 20);
        });
    }
}
