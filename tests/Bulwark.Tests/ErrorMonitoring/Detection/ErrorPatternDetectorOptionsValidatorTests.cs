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
    public void Validate_AnomalyRecoveryAndDegradation_Defaults_AndEveryValueOutOfRangeWithItsPath()
    {
        var defaults = new ErrorPatternDetectorOptions();
        Assert.Equal((true, 0.3, 0.02, 4.0, 30, 100L, 0.01), (defaults.Anomaly.Enabled, defaults.Anomaly.SmoothingFactor, defaults.Anomaly.BaselineSmoothingFactor, defaults.Anomaly.ControlLimitSigmas, defaults.Anomaly.WarmupSamples, defaults.Anomaly.MinimumRequests, defaults.Anomaly.MinimumErrorRate));
        Assert.Equal((true, 0.2, 20L), (defaults.RecoveryFailure.Enabled, defaults.RecoveryFailure.FailureRatio, defaults.RecoveryFailure.MinimumAttempts));
        Assert.Equal((true, 3, 25L), (defaults.SystemDegradation.Enabled, defaults.SystemDegradation.Fingerprints, defaults.SystemDegradation.MinimumOccurrences));

        var options = new ErrorPatternDetectorOptions();
        options.Anomaly.SmoothingFactor = 0;
        options.Anomaly.BaselineSmoothingFactor = double.NaN;
        options.Anomaly.ControlLimitSigmas = 11;
        options.Anomaly.WarmupSamples = 0;
        options.Anomaly.MinimumRequests = 0;
        options.Anomaly.MinimumErrorRate = -0.1;
        options.RecoveryFailure.FailureRatio = 0;
        options.RecoveryFailure.MinimumAttempts = 0;
        options.SystemDegradation.Fingerprints = 1;
        options.SystemDegradation.MinimumOccurrences = 0;

        var result = new ErrorPatternDetectorOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Bulwark:Errors:Detection:Anomaly:SmoothingFactor must be in (0, 1]; it is 0.",
                "Bulwark:Errors:Detection:Anomaly:BaselineSmoothingFactor must be in (0, 1]; it is NaN.",
                "Bulwark:Errors:Detection:Anomaly:ControlLimitSigmas must be in (0, 10]; it is 11.",
                "Bulwark:Errors:Detection:Anomaly:WarmupSamples must be in [1, 100000]; it is 0.",
                "Bulwark:Errors:Detection:Anomaly:MinimumRequests must be in [1, 1000000000]; it is 0.",
                "Bulwark:Errors:Detection:Anomaly:MinimumErrorRate must be in [0, 1]; it is -0.1.",
                "Bulwark:Errors:Detection:RecoveryFailure:FailureRatio must be in (0, 1]; it is 0.",
                "Bulwark:Errors:Detection:RecoveryFailure:MinimumAttempts must be in [1, 1000000000]; it is 0.",
                "Bulwark:Errors:Detection:SystemDegradation:Fingerprints must be in [2, 10000]; it is 1.",
                "Bulwark:Errors:Detection:SystemDegradation:MinimumOccurrences must be in [1, 1000000000]; it is 0.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_BaselineFasterThanSmoothing_OrASectionNull_IsRefused()
    {
        var options = new ErrorPatternDetectorOptions { RecoveryFailure = null! };
        options.Anomaly.SmoothingFactor = 0.1;
        options.Anomaly.BaselineSmoothingFactor = 0.2;

        var result = new ErrorPatternDetectorOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Bulwark:Errors:Detection:Anomaly:BaselineSmoothingFactor (0.2) must not exceed Bulwark:Errors:Detection:Anomaly:SmoothingFactor (0.1).",
                "Bulwark:Errors:Detection:RecoveryFailure must not be null.",
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
