using Bulwark.Deliveries;

namespace Bulwark.Tests.Deliveries;

public class DeliveryOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new DeliveryOptionsValidator().Validate(null, new DeliveryOptions()).Succeeded);

    [Fact]
    public void Validate_EveryErrorIsReportedAtOnce()
    {
        var options = new DeliveryOptions
        {
            MaxAttempts = 0,
            TimeToLive = TimeSpan.Zero,
            AttemptTimeout = TimeSpan.FromMinutes(5),
            LeaseDuration = TimeSpan.FromMinutes(2),
            MaxConcurrentDeliveries = 300,
        };

        var result = new DeliveryOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Bulwark:Deliveries:MaxAttempts must be in [1, 1000].",
                "Bulwark:Deliveries:TimeToLive must be in [00:00:01, 30.00:00:00]; it is 00:00:00.",
                "Bulwark:Deliveries:MaxConcurrentDeliveries must be in [1, 256].",
                "Bulwark:Deliveries:LeaseDuration (00:02:00) must be longer than AttemptTimeout (00:05:00), or a slow attempt would be taken for stuck work and delivered twice.",
            ],
            result.Failures);
    }
}
