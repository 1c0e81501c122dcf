using Bulwark.ErrorMonitoring.Detection;
using Microsoft.Extensions.Options;

namespace Bulwark.Tests.ErrorMonitoring.Detection;

public class ErrorPatternDetectorOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var options = new ErrorPatternDetectorOptions();

        Assert.True(new ErrorPatternDetectorOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.FromMinutes(1), options.EvaluationInterval);
        Assert.Equal((true, TimeSpan.FromMinutes(5)), (options.NewError.Enabled, options.NewError.WarmUp));
        Assert.Equal((true, 50L), (options.RepeatedError.Enabled, options.RepeatedError.Threshold));
        Assert.Equal((true, 0.05, 0.20, 100L), (options.ErrorRate.Enabled, options.ErrorRate.HighRate, options.ErrorRate.CriticalRate, options.ErrorRate.MinimumRequests));
    }

    [Fact]
    public void Validate_EveryValueOutOfRange_ReportsEachWithItsPath()
    {
        var options = new ErrorPatternDetectorOptions { EvaluationInterval = TimeSpan.FromSeconds(1) };
        options.NewError.WarmUp = TimeSpan.FromSeconds(-1);
        options.RepeatedError.Threshold = 0;
        options.ErrorRate.HighRate = double.NaN;
        options.ErrorRate.CriticalRate = 1.5;
        options.ErrorRate.MinimumRequests = 0;

        var result = new ErrorPatternDetectorOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Bulwark:Errors:Detection:EvaluationInterval must be in [00:00:05, 01:00:00]; it is 00:00:01.",
                "Bulwark:Errors:Detection:NewError:WarmUp must be in [00:00:00, 1.00:00:00]; it is -00:00:01.",
                "Bulwark:Errors:Detection:RepeatedError:Threshold must be in [1, 1000000000]; it is 0.",
                "Bulwark:Errors:Detection:ErrorRate:HighRate must be in (0, 1]; it is NaN.",
                "Bulwark:Errors:Detection:ErrorRate:CriticalRate must be in (0, 1]; it is 1.5.",
                "Bulwark:Errors:Detection:ErrorRate:MinimumRequests must be in [1, 1000000000]; it is 0.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_HighAboveCritical_IsRefused()
    {
        var options = new ErrorPatternDetectorOptions();
        options.ErrorRate.HighRate = 0.3;
        options.ErrorRate.CriticalRate = 0.2;

        var result = new ErrorPatternDetectorOptionsValidator().Validate(null, options);

        Assert.Equal(["Bulwark:Errors:Detection:ErrorRate:HighRate (0.3) must not exceed Bulwark:Errors:Detection:ErrorRate:CriticalRate (0.2)."], result.Failures);
    }

    [Fact]
    public void Validate_UpperBounds_AreAccepted_AndOneBeyondRefused()
    {
        var options = new ErrorPatternDetectorOptions { EvaluationInterval = TimeSpan.FromHours(1) };
        options.NewError.WarmUp = TimeSpan.FromHours(24);
        options.RepeatedError.Threshold = 1_000_000_000;
        options.ErrorRate.HighRate = 1;
        options.ErrorRate.CriticalRate = 1;
        options.ErrorRate.MinimumRequests = 1_000_000_000;
        Assert.True(new ErrorPatternDetectorOptionsValidator().Validate(null, options).Succeeded);

        options.EvaluationInterval += TimeSpan.FromTicks(1);
        options.RepeatedError.Threshold++;
        Assert.Equal(2, new ErrorPatternDetectorOptionsValidator().Validate(null, options).Failures!.Count());
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var options = new ErrorPatternDetectorOptions();
        options.RepeatedError.Threshold = -5;

        var error = Assert.Throws<OptionsValidationException>(() => new ErrorPatternDetector(Options.Create(options)));

        Assert.Contains("RepeatedError:Threshold", error.Message, StringComparison.Ordinal);
    }
}
