using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.CircuitBreaker;

/// <summary>Describes one state change of a circuit breaker, passed to its <c>OnOpened</c>, <c>OnHalfOpened</c> and <c>OnClosed</c> callbacks.</summary>
public readonly struct CircuitTransitionArguments
{
    /// <summary>Initializes a new instance of the <see cref="CircuitTransitionArguments"/> struct.</summary>
    /// <param name="context">The context of the call that caused the transition; a pooled context for manual or restored transitions.</param>
    /// <param name="transition">The transition.</param>
    public CircuitTransitionArguments(ResilienceContext context, CircuitTransition transition)
    {
        Context = context;
        Transition = transition;
    }

    /// <summary>Gets the context of the call that caused the transition.</summary>
    public ResilienceContext Context { get; }

    /// <summary>Gets the transition.</summary>
    public CircuitTransition Transition { get; }

    /// <summary>Gets the state before the transition.</summary>
    public CircuitState From => Transition.From;

    /// <summary>Gets the state after the transition.</summary>
    public CircuitState To => Transition.To;

    /// <summary>Gets why the transition happened.</summary>
    public CircuitTransitionReason Reason => Transition.Reason;

    /// <inheritdoc/>
    public override string ToString() => Transition.ToString();
}
