using System.ComponentModel.DataAnnotations;
using System.Text;
using Bulwark.Bulkhead;
using Microsoft.Extensions.Configuration;
using Polly;

namespace Bulwark.Tests.Bulkhead;

public class BulwarkBulkheadStrategyOptionsTests
{
    [Fact]
    public void Ctor_Defaults_MatchDocumentedValues()
    {
        var options = new BulwarkBulkheadStrategyOptions();

        Assert.Equal("Bulkhead", options.Name);
        Assert.Equal(100, options.MaxConcurrency);
        Assert.Equal(100, options.QueueLimit);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MaxWait);
        Assert.Null(options.OnRejected);
        Assert.Null(options.Handle);
    }

    [Fact]
    public void Bind_JsonSection_SetsAllLimits()
    {
        const string Json = """{ "Bulkhead": { "MaxConcurrency": 200, "QueueLimit": 150, "MaxWait": "00:00:02" } }""";
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json))).Build();

        var options = configuration.GetSection("Bulkhead").Get<BulwarkBulkheadStrategyOptions>()!;

        Assert.Equal(200, options.MaxConcurrency);
        Assert.Equal(150, options.QueueLimit);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxWait);
    }

    [Theory]
    [InlineData(0, 0, "00:00:01", "MaxConcurrency")]
    [InlineData(100_001, 0, "00:00:01", "MaxConcurrency")]
    [InlineData(1, -1, "00:00:01", "QueueLimit")]
    [InlineData(1, 100_001, "00:00:01", "QueueLimit")]
    [InlineData(1, 0, "-00:00:01", "MaxWait")]
    [InlineData(1, 0, "1.00:00:01", "MaxWait")]
    public void AddBulwarkBulkhead_OutOfRange_ThrowsValidationNamingTheProperty(int maxConcurrency, int queueLimit, string maxWait, string property)
    {
        var options = new BulwarkBulkheadStrategyOptions
        {
            MaxConcurrency = maxConcurrency,
            QueueLimit = queueLimit,
            MaxWait = TimeSpan.Parse(maxWait, System.Globalization.CultureInfo.InvariantCulture),
        };

        var exception = Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddBulwarkBulkhead(options));

        Assert.Contains(property, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0, "00:00:00")]
    [InlineData(100_000, 100_000, "1.00:00:00")]
    public void AddBulwarkBulkhead_BoundaryValues_Accepted(int maxConcurrency, int queueLimit, string maxWait)
    {
        var options = new BulwarkBulkheadStrategyOptions
        {
            MaxConcurrency = maxConcurrency,
            QueueLimit = queueLimit,
            MaxWait = TimeSpan.Parse(maxWait, System.Globalization.CultureInfo.InvariantCulture),
        };

        var pipeline = new ResiliencePipelineBuilder().AddBulwarkBulkhead(options).Build();

        Assert.Equal(1, pipeline.Execute(() => 1));
    }

    [Fact]
    public void AddBulwarkBulkhead_ConvenienceOverload_UsesGivenLimits()
    {
        var handle = new BulkheadHandle();
        var builder = new ResiliencePipelineBuilder<int>().AddBulwarkBulkhead(3, 4);
        var options = new BulwarkBulkheadStrategyOptions { MaxConcurrency = 3, QueueLimit = 4, Handle = handle };

        new ResiliencePipelineBuilder<int>().AddBulwarkBulkhead(options).Build();

        Assert.NotNull(builder.Build());
        Assert.Equal(3, handle.MaxConcurrency);
        Assert.Equal(4, handle.QueueLimit);
    }

    [Fact]
    public void AddBulwarkBulkhead_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new ResiliencePipelineBuilder().AddBulwarkBulkhead(null!));
        Assert.Throws<ArgumentNullException>(() => ((ResiliencePipelineBuilder)null!).AddBulwarkBulkhead(1, 1));
    }
}
