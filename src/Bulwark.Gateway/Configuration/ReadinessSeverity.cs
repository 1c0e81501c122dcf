namespace Bulwark.Gateway.Configuration;

/// <summary>How much a production-readiness finding matters.</summary>
internal enum ReadinessSeverity
{
    /// <summary>Unsafe in production: <c>check-config --production</c> fails.</summary>
    Error,

    /// <summary>Probably a mistake, or a risk an operator should accept knowingly.</summary>
    Warning,

    /// <summary>Worth knowing; often deliberate.</summary>
    Info,
}
