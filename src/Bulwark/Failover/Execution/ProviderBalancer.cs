namespace Bulwark.Failover.Execution;

/// <summary>
/// Orders a chain's providers for one execution (<see cref="FailoverBalance"/>) and keeps what the strategies read:
/// calls in flight per provider and, for the bandit, each provider's decayed successes, failures and durations.
/// Thread-safe. <see cref="Create"/> returns <see langword="null"/> for <see cref="FailoverBalance.Ordered"/>, which
/// needs none of it.
/// </summary>
internal sealed class ProviderBalancer
{
    private readonly FailoverBalance _balance;
    private readonly int _count;
    private readonly int[] _inFlight;
    private readonly Random _random;
    private readonly bool _lockRandom;
    private readonly double _successWeight;
    private readonly double _latencyWeight;
    private readonly double _latencyGoalSeconds;
    private readonly double _costWeight;
    private readonly double _decay;
    private readonly Arm[] _arms;
    private int _next = -1;

    private ProviderBalancer(FailoverBalance balance, int count, FailoverBanditOptions bandit, Random? random)
    {
        _balance = balance;
        _count = count;
        _inFlight = new int[count];
        _random = random ?? Random.Shared;
        _lockRandom = random is not null;
        _successWeight = bandit.SuccessWeight;
        _latencyWeight = bandit.LatencyWeight;
        _latencyGoalSeconds = bandit.LatencyGoal.TotalSeconds;
        _costWeight = bandit.CostWeight;
        _decay = bandit.Decay;
        _arms = new Arm[balance == FailoverBalance.Bandit ? count : 0];
        for (var i = 0; i < _arms.Length; i++)
        {
            _arms[i] = new Arm();
        }
    }

    public FailoverBalance Balance => _balance;

    public double SuccessWeight => _successWeight;

    public double LatencyWeight => _latencyWeight;

    public TimeSpan LatencyGoal => TimeSpan.FromSeconds(_latencyGoalSeconds);

    public double CostWeight => _costWeight;

    /// <summary>Whether outcomes are recorded (<see cref="Observe"/>): only the bandit reads them.</summary>
    public bool Observes => _balance == FailoverBalance.Bandit;

    public static ProviderBalancer? Create(FailoverBalance balance, int count, FailoverBanditOptions? bandit, Random? random)
    {
        if (!Enum.IsDefined(balance))
        {
            throw new ArgumentOutOfRangeException("options.Balance", balance, "Unknown balance.");
        }

        if (balance == FailoverBalance.Ordered)
        {
            return null;
        }

        if (bandit is null)
        {
            throw new ArgumentException("FailoverOptions.Bandit is required.", "options");
        }

        if (balance == FailoverBalance.Bandit)
        {
            Validate(bandit);
        }

        return new ProviderBalancer(balance, count, bandit, random);
    }

    private static void Validate(FailoverBanditOptions bandit)
    {
        ThrowIfOutOfRange(bandit.SuccessWeight, "options.Bandit.SuccessWeight");
        ThrowIfOutOfRange(bandit.LatencyWeight, "options.Bandit.LatencyWeight");
        ThrowIfOutOfRange(bandit.CostWeight, "options.Bandit.CostWeight");
        if (bandit.SuccessWeight == 0 && bandit.LatencyWeight == 0 && bandit.CostWeight == 0)
        {
            throw new ArgumentOutOfRangeException("options.Bandit", "SuccessWeight, LatencyWeight and CostWeight cannot all be 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(bandit.LatencyGoal, FailoverBalanceConstants.MinLatencyGoal, "options.Bandit.LatencyGoal");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bandit.LatencyGoal, FailoverBalanceConstants.MaxLatencyGoal, "options.Bandit.LatencyGoal");
        if (!(bandit.Decay > 0 && bandit.Decay <= 1))
        {
            throw new ArgumentOutOfRangeException("options.Bandit.Decay", bandit.Decay, "Allowed: greater than 0 to 1.");
        }
    }

    private static void ThrowIfOutOfRange(double weight, string name)
    {
        if (!(weight >= 0 && weight <= FailoverBalanceConstants.MaxWeight))
        {
            throw new ArgumentOutOfRangeException(name, weight, "Allowed: 0 to 100.");
        }
    }

    /// <summary>Gets the calls in flight through provider <paramref name="index"/>.</summary>
    public int InFlight(int index) => Volatile.Read(ref _inFlight[index]);

    public void Enter(int index) => Interlocked.Increment(ref _inFlight[index]);

    public void Exit(int index) => Interlocked.Decrement(ref _inFlight[index]);

    /// <summary>Records a provider's final outcome in this execution and how long it took, for the bandit.</summary>
    public void Observe(int index, bool success, TimeSpan elapsed)
    {
        if (_arms.Length == 0)
        {
            return;
        }

        var arm = _arms[index];
        lock (arm)
        {
            arm.Successes = (arm.Successes * _decay) + (success ? 1 : 0);
            arm.Failures = (arm.Failures * _decay) + (success ? 0 : 1);
            arm.DurationSum = (arm.DurationSum * _decay) + Math.Max(0, elapsed.TotalSeconds);
            arm.DurationWeight = (arm.DurationWeight * _decay) + 1;
        }
    }

    /// <summary>Records what one request served by provider <paramref name="index"/> cost, for the bandit's cost term.</summary>
    public void ObserveCost(int index, double cost)
    {
        if (_arms.Length == 0)
        {
            return;
        }

        var arm = _arms[index];
        lock (arm)
        {
            arm.CostSum = (arm.CostSum * _decay) + cost;
            arm.CostWeight = (arm.CostWeight * _decay) + 1;
        }
    }

    /// <summary>Writes a permutation of <c>0 .. n-1</c> into <paramref name="order"/>: the providers in the order to try them.</summary>
    public void Order(Span<int> order)
    {
        switch (_balance)
        {
            case FailoverBalance.RoundRobin:
                var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)_count);
                for (var k = 0; k < _count; k++)
                {
                    order[k] = (start + k) % _count;
                }

                break;
            case FailoverBalance.LeastBusy:
                OrderByInFlight(order);
                break;
            case FailoverBalance.PowerOfTwo:
                OrderPowerOfTwo(order);
                break;
            default:
                OrderBandit(order);
                break;
        }
    }

    private void OrderByInFlight(Span<int> order)
    {
        // Insertion sort on a snapshot, stable: ties keep configured order. Chains are short.
        Span<int> busy = _count <= 64 ? stackalloc int[_count] : new int[_count];
        for (var i = 0; i < _count; i++)
        {
            busy[i] = InFlight(i);
            var j = i;
            while (j > 0 && busy[order[j - 1]] > busy[i])
            {
                order[j] = order[j - 1];
                j--;
            }

            order[j] = i;
        }
    }

    private void OrderPowerOfTwo(Span<int> order)
    {
        var first = 0;
        if (_count > 1)
        {
            int a, b;
            if (_lockRandom)
            {
                lock (_random)
                {
                    (a, b) = TwoOf(_random, _count);
                }
            }
            else
            {
                (a, b) = TwoOf(_random, _count);
            }

            first = InFlight(b) < InFlight(a) ? b : a;
        }

        order[0] = first;
        var k = 1;
        for (var i = 0; i < _count; i++)
        {
            if (i != first)
            {
                order[k++] = i;
            }
        }
    }

    private static (int A, int B) TwoOf(Random random, int count)
    {
        var a = random.Next(count);
        var b = random.Next(count - 1);
        return (a, b >= a ? b + 1 : b);
    }

    private void OrderBandit(Span<int> order)
    {
        Span<double> scores = _count <= 64 ? stackalloc double[_count] : new double[_count];
        if (_lockRandom)
        {
            lock (_random)
            {
                Score(scores);
            }
        }
        else
        {
            Score(scores);
        }

        // Highest score first; ties keep configured order.
        for (var i = 0; i < _count; i++)
        {
            var j = i;
            while (j > 0 && scores[order[j - 1]] < scores[i])
            {
                order[j] = order[j - 1];
                j--;
            }

            order[j] = i;
        }
    }

    private void Score(Span<double> scores)
    {
        // Cost term: the cheapest known mean cost over each provider's own; first pass finds the cheapest.
        Span<double> costs = _count <= 64 ? stackalloc double[_count] : new double[_count];
        var cheapest = double.PositiveInfinity;
        for (var i = 0; i < _count; i++)
        {
            var arm = _arms[i];
            lock (arm)
            {
                costs[i] = arm.CostWeight > 0 ? arm.CostSum / arm.CostWeight : 0;
            }

            if (costs[i] > 0 && costs[i] < cheapest)
            {
                cheapest = costs[i];
            }
        }

        for (var i = 0; i < _count; i++)
        {
            var arm = _arms[i];
            double successes, failures, durationSum, durationWeight;
            lock (arm)
            {
                (successes, failures, durationSum, durationWeight) = (arm.Successes, arm.Failures, arm.DurationSum, arm.DurationWeight);
            }

            if (successes + failures == 0)
            {
                // Never tried: it goes first, once (ties keep configured order). Its unknown cost scores as the
                // cheapest, but its success prior would rank it below providers that have succeeded, and a cheaper
                // provider would never be found.
                scores[i] = double.PositiveInfinity;
                continue;
            }

            var theta = BetaSampler.Sample(_random, 1 + successes, 1 + failures);
            var latency = durationWeight > 0 && durationSum > 0
                ? Math.Min(1, _latencyGoalSeconds / (durationSum / durationWeight))
                : 1;
            var cost = costs[i] > 0 ? cheapest / costs[i] : 1;
            scores[i] = (_successWeight * theta) + (_latencyWeight * latency) + (_costWeight * cost);
        }
    }

    private sealed class Arm
    {
        public double Successes;
        public double Failures;
        public double DurationSum;
        public double DurationWeight;
        public double CostSum;
        public double CostWeight;
    }
}
