using Bulwark.AspNetCore.Admin;

namespace Bulwark.AspNetCore.Tests.Admin;

public class ConfigurationSummaryMaskTests
{
    [Theory]
    [InlineData("Bulwark:Providers:p:Headers:Authorization:Value", "Bearer sk-live-123")]
    [InlineData("Bulwark:Providers:p:Headers:X-Custom:Value", "plain")]
    [InlineData("Bulwark:Providers:p:Headers:X-Api-Key:FromEnvironment", "OPENAI_API_KEY")]
    [InlineData("Bulwark:Admin:Token", "0123456789abcdef0123")]
    public void Mask_HidesProviderHeadersAndSecrets(string key, string value) =>
        Assert.Equal(BulwarkAdminConstants.Masked, ConfigurationSummary.Mask(key, value));

    [Fact]
    public void Mask_KeepsOrdinarySettings() =>
        Assert.Equal("http://127.0.0.1:9001", ConfigurationSummary.Mask("Bulwark:Providers:p:BaseUrl", "http://127.0.0.1:9001"));
}
