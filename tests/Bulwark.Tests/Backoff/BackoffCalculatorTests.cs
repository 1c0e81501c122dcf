using System.Numerics;
using Bulwark.Backoff;
using CsCheck;

namespace Bulwark.Tests.Backoff;

public class BackoffCalculatorTests
{
    private const long MaxTicks = 1_000_000_000_000; // ~27.7 hours

    private static readonly Gen<BackoffType> GenBackoff = Gen.Int[0, 3].Select(i => (BackoffType)i);
    private static readonly Gen<JitterMode> GenJitter = Gen.Int[0, 3].Select(i => (JitterMode)i);
    private static readonly Gen<long> GenTicks = Gen.Long[0, MaxTicks];
    private static readonly Gen<double> GenUnit = Gen.Double[0, 0.999999];

    private static readonly Gen<Case> GenCase =
        from backoff in GenBackoff
        from jitter in GenJitter
        from attempt in Gen.Int
        from baseTicks in GenTicks
        from maxTicks in GenTicks
        from factor in Gen.Double[1, 10]
        from previousTicks in Gen.Long[-MaxTicks, MaxTicks]
        from random in GenUnit
        select new Case(backoff, jitter, attempt, baseTicks, maxTicks, factor, previousTicks, random);

    [Fact]
    public void GetDelay_AnyInput_NeverNegativeNorAboveMaxDelay()
    {
        GenCase.Sample(c =>
        {
            var delay = c.Calculator().GetDelay(c.Attempt, TimeSpan.FromTicks(c.PreviousTicks));
            Assert.InRange(delay.Ticks, 0, c.MaxTicks);
        });
    }

    [Fact]
    public void GetDelay_HugeAttempts_ClampsToMaxDelayWithoutOverflow()
    {
        Gen.Select(GenBackoff, Gen.Int[1_000, int.MaxValue]).Sample((backoff, attempt) =>
        {
            var calculator = new BackoffCalculator(backoff, JitterMode.None, TimeSpan.FromTicks(1), TimeSpan.MaxValue, 10.0);
            var expected = backoff == BackoffType.Constant ? 1 : backoff == BackoffType.Linear ? attempt + 1L : TimeSpan.MaxValue.Ticks;
            Assert.Equal(expected, calculator.GetDelay(attempt).Ticks);
        });

        var big = new BackoffCalculator(BackoffType.Exponential, JitterMode.Equal, TimeSpan.MaxValue, TimeSpan.MaxValue, 10.0, () => 0.999999);
        Assert.InRange(big.GetDelay(int.MaxValue), TimeSpan.FromTicks(TimeSpan.MaxValue.Ticks / 2), TimeSpan.MaxValue);
    }

    [Fact]
    public void GetDelay_Constant_AlwaysBaseUntilCap()
    {
        Gen.Select(Gen.Int[0, 10_000], GenTicks, GenTicks).Sample((attempt, baseTicks, maxTicks) =>
        {
            var calculator = new BackoffCalculator(BackoffType.Constant, JitterMode.None, TimeSpan.FromTicks(baseTicks), TimeSpan.FromTicks(maxTicks));
            Assert.Equal(Math.Min(baseTicks, maxTicks), calculator.GetDelay(attempt).Ticks);
        });
    }

    [Fact]
    public void GetDelay_Linear_GrowsByBaseEachAttemptUntilCap()
    {
        Gen.Select(Gen.Int[0, 10_000], Gen.Long[0, 1_000_000_000], GenTicks).Sample((attempt, baseTicks, maxTicks) =>
        {
            var calculator = new BackoffCalculator(BackoffType.Linear, JitterMode.None, TimeSpan.FromTicks(baseTicks), TimeSpan.FromTicks(maxTicks));
            Assert.Equal(Math.Min(baseTicks * (attempt + 1L), maxTicks), calculator.GetDelay(attempt).Ticks);
        });
    }

    [Fact]
    public void GetDelay_ExponentialIntegerFactor_IsBaseTimesFactorPowerUntilCap()
    {
        Gen.Select(Gen.Int[0, 200], Gen.Long[0, 10_000_000], GenTicks, Gen.Int[1, 10]).Sample((attempt, baseTicks, maxTicks, factor) =>
        {
            var calculator = new BackoffCalculator(BackoffType.Exponential, JitterMode.None, TimeSpan.FromTicks(baseTicks), TimeSpan.FromTicks(maxTicks), factor);
            var exact = baseTicks * BigInteger.Pow(factor, attempt);
            var expected = exact >= maxTicks ? maxTicks : (long)exact;

            // Below the cap (at most 10^12 < 2^53) integer powers and products are exact in double.
            Assert.Equal(expected, calculator.GetDelay(attempt).Ticks);
        });
    }

    [Fact]
    public void GetDelay_ExponentialAnyFactor_EachStepMultipliesByFactorUntilCap()
    {
        Gen.Select(Gen.Int[0, 60], Gen.Long[1, 10_000_000], Gen.Double[1, 10]).Sample((attempt, baseTicks, factor) =>
        {
            var calculator = new BackoffCalculator(BackoffType.Exponential, JitterMode.None, TimeSpan.FromTicks(baseTicks), TimeSpan.FromTicks(MaxTicks), factor);
            var current = calculator.GetDelay(attempt).Ticks;
            var next = calculator.GetDelay(attempt + 1).Ticks;
            if (current == MaxTicks)
            {
                Assert.Equal(MaxTicks, next);
            }
            else
            {
                var expected = Math.Min(MaxTicks, current * factor);
                Assert.InRange(next, expected - (factor * 2) - 1, expected + factor + 1);
            }
        });
    }

    [Fact]
    public void GetDelay_Fibonacci_Is_1_1_2_3_5_8_TimesBase()
    {
        var calculator = new BackoffCalculator(BackoffType.Fibonacci, JitterMode.None, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

        var delays = Enumerable.Range(0, 8).Select(n => calculator.GetDelay(n).TotalMilliseconds).ToArray();

        Assert.Equal([100, 100, 200, 300, 500, 800, 1000, 1000], delays);
    }

    [Fact]
    public void GetDelay_Fibonacci_MatchesSequenceUntilCap()
    {
        Gen.Select(Gen.Int[0, 300], Gen.Long[0, 10_000_000], GenTicks).Sample((attempt, baseTicks, maxTicks) =>
        {
            var calculator = new BackoffCalculator(BackoffType.Fibonacci, JitterMode.None, TimeSpan.FromTicks(baseTicks), TimeSpan.FromTicks(maxTicks));
            BigInteger a = 1, b = 1;
            for (var i = 0; i < attempt; i++)
            {
                (a, b) = (b, a + b);
            }

            var exact = baseTicks * a;
            var expected = exact >= maxTicks ? maxTicks : (long)exact;
            Assert.Equal(expected, calculator.GetDelay(attempt).Ticks);
        });
    }

    [Fact]
    public void GetDelay_FullJitter_WithinZeroAndCappedTemp()
    {
        GenCase.Sample(c =>
        {
            var calculator = c.Calculator(JitterMode.Full);
            var temp = calculator.GetUnjitteredDelay(c.Attempt).Ticks;
            Assert.InRange(calculator.GetDelay(c.Attempt).Ticks, 0, temp);
        });
    }

    [Fact]
    public void GetDelay_EqualJitter_WithinHalfAndFullTemp()
    {
        GenCase.Sample(c =>
        {
            var calculator = c.Calculator(JitterMode.Equal);
            var temp = calculator.GetUnjitteredDelay(c.Attempt).Ticks;
            Assert.InRange(calculator.GetDelay(c.Attempt).Ticks, (temp / 2) - 1, temp);
        });
    }

    [Fact]
    public void GetDelay_DecorrelatedJitter_WithinBaseAndThreeTimesPrevious()
    {
        GenCase.Sample(c =>
        {
            var calculator = c.Calculator(JitterMode.Decorrelated);
            var previous = c.PreviousTicks > 0 ? c.PreviousTicks : c.BaseTicks;
            var upper = Math.Min(c.MaxTicks, Math.Max(c.BaseTicks, previous * 3));
            var lower = Math.Min(c.BaseTicks, c.MaxTicks);
            Assert.InRange(calculator.GetDelay(c.Attempt, TimeSpan.FromTicks(c.PreviousTicks)).Ticks, lower, upper);
        });
    }

    [Fact]
    public void GetDelay_KnownRandomValues_FollowAwsFormulas()
    {
        var baseDelay = TimeSpan.FromMilliseconds(100);
        var cap = TimeSpan.FromSeconds(10);

        // temp for attempt 3 is 800 ms.
        Assert.Equal(400, new BackoffCalculator(BackoffType.Exponential, JitterMode.Full, baseDelay, cap, 2, () => 0.5).GetDelay(3).TotalMilliseconds);
        Assert.Equal(600, new BackoffCalculator(BackoffType.Exponential, JitterMode.Equal, baseDelay, cap, 2, () => 0.5).GetDelay(3).TotalMilliseconds);
        Assert.Equal(0, new BackoffCalculator(BackoffType.Exponential, JitterMode.Full, baseDelay, cap, 2, () => 0).GetDelay(3).TotalMilliseconds);

        // random(base, prev * 3) with prev = 1 s and r = 0.5: 100 + 0.5 * 2900.
        Assert.Equal(1550, new BackoffCalculator(BackoffType.Exponential, JitterMode.Decorrelated, baseDelay, cap, 2, () => 0.5).GetDelay(5, TimeSpan.FromSeconds(1)).TotalMilliseconds);

        // No previous delay: starts from base, so r = 1 gives 3 * base.
        Assert.Equal(300, new BackoffCalculator(BackoffType.Exponential, JitterMode.Decorrelated, baseDelay, cap, 2, () => 1).GetDelay(0).TotalMilliseconds);
    }

    [Fact]
    public void GetDelay_SameSeed_SameSequence()
    {
        static TimeSpan[] Run(int seed)
        {
            var calculator = new BackoffCalculator(BackoffType.Exponential, JitterMode.Full, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), 2, new Random(seed).NextDouble);
            return [.. Enumerable.Range(0, 10).Select(n => calculator.GetDelay(n))];
        }

        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Run(42), Run(43));
    }

    [Fact]
    public void GetDelay_RandomSourceOutOfRange_StillWithinBounds()
    {
        foreach (var value in new[] { -1.0, 2.0, double.NaN, double.PositiveInfinity })
        {
            var calculator = new BackoffCalculator(BackoffType.Constant, JitterMode.Full, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 2, () => value);
            Assert.InRange(calculator.GetDelay(0), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Ctor_InvalidArguments_Throws()
    {
        var second = TimeSpan.FromSeconds(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffCalculator((BackoffType)42, JitterMode.None, second, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffCalculator(BackoffType.Constant, (JitterMode)42, second, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffCalculator(BackoffType.Constant, JitterMode.None, -second, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffCalculator(BackoffType.Constant, JitterMode.None, second, -second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffCalculator(BackoffType.Constant, JitterMode.None, second, second, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffCalculator(BackoffType.Constant, JitterMode.None, second, second, 10.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffCalculator(BackoffType.Constant, JitterMode.None, second, second, double.NaN));
    }

    private sealed record Case(BackoffType Backoff, JitterMode Jitter, int Attempt, long BaseTicks, long MaxTicks, double Factor, long PreviousTicks, double Random)
    {
        public BackoffCalculator Calculator(JitterMode? jitter = null)
        {
            var random = Random;
            return new BackoffCalculator(Backoff, jitter ?? Jitter, TimeSpan.FromTicks(BaseTicks), TimeSpan.FromTicks(MaxTicks), Factor, () => random);
        }
    }
}
