using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Hosting;

/// <summary>Where <c>bulwark serve</c> listens: <c>--urls</c>, then <c>ASPNETCORE_URLS</c>, then <c>Bulwark:Urls</c>, then the default.</summary>
public class ListenUrlsTests
{
    private static readonly IConfiguration FileWithUrls = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Bulwark:Urls"] = "http://127.0.0.1:7003" })
        .Build();

    private static readonly IConfiguration FileWithout = new ConfigurationBuilder().Build();

    [Fact]
    public void Resolve_CommandLine_WinsOverTheEnvironmentAndTheFile()
    {
        var urls = ListenUrls.Resolve(["http://127.0.0.1:7001"], Environment("http://0.0.0.0:7002"), FileWithUrls);

        Assert.Equal(["http://127.0.0.1:7001"], urls.Urls);
        Assert.Equal("--urls", urls.Source);
    }

    [Fact]
    public void Resolve_AspNetCoreUrls_WinsOverTheFile_EachAddressOfTheList()
    {
        var urls = ListenUrls.Resolve([], Environment("http://0.0.0.0:7002; http://[::]:7004"), FileWithUrls);

        Assert.Equal(["http://0.0.0.0:7002", "http://[::]:7004"], urls.Urls);
        Assert.Equal("ASPNETCORE_URLS", urls.Source);
    }

    [Fact]
    public void Resolve_NeitherCommandLineNorEnvironment_TheFilesUrls()
    {
        var urls = ListenUrls.Resolve([], Environment(null), FileWithUrls);

        Assert.Equal(["http://127.0.0.1:7003"], urls.Urls);
        Assert.Equal("Bulwark:Urls", urls.Source);
    }

    [Fact]
    public void Resolve_NothingSaysWhere_LoopbackPort8080()
    {
        var urls = ListenUrls.Resolve([], Environment("  "), FileWithout);

        Assert.Equal(["http://127.0.0.1:8080"], urls.Urls);
        Assert.Equal("default", urls.Source);
    }

    [Fact]
    public void Resolve_AspNetCoreUrlsNotAnAddress_IsRefusedNamingTheVariable()
    {
        var error = Assert.Throws<OptionsValidationException>(() => ListenUrls.Resolve([], Environment("localhost:8080"), FileWithout));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("ASPNETCORE_URLS: 'localhost:8080' is not a listen address, such as http://127.0.0.1:8080 (or http://0.0.0.0:8080 for every interface): ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080;https://0.0.0.0:8443", null)]
    [InlineData("http://+:8080", null)]
    [InlineData("ftp://0.0.0.0:21", "Bulwark:Urls: 'ftp://0.0.0.0:21' is not an http or https address, such as http://127.0.0.1:8080 (or http://0.0.0.0:8080 for every interface).")]
    [InlineData(";", "Bulwark:Urls: no address is given; leave the key out for the default (http://127.0.0.1:8080).")]
    public void BulwarkUrls_InTheFile_IsValidatedWithTheRestOfTheConfiguration(string value, string? expected)
    {
        var (loaded, errors) = OptionWalkTests.ProbeLoad("Bulwark:Urls", value);

        if (expected is null)
        {
            Assert.Null(errors);
            Assert.Equal(value, loaded!.Options.Urls);
        }
        else
        {
            Assert.Equal([expected], errors);
        }
    }

    private static Func<string, string?> Environment(string? aspNetCoreUrls) =>
        name => name == ListenUrls.EnvironmentVariable ? aspNetCoreUrls : null;
}
