namespace Bulwark.Gateway.Configuration;

/// <summary>The common "out of range" rule for whole-number settings.</summary>
internal static class RangeRule
{
    public static void Check(List<string> errors, string path, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{path}: {value} is out of range; allowed {min} to {max}.");
        }
    }
}
