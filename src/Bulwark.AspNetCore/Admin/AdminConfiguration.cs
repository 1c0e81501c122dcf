using Microsoft.Extensions.Configuration;

namespace Bulwark.AspNetCore.Admin;

/// <summary>The configuration given to <c>AddBulwarkAdmin</c>, summarized (masked) by the system status.</summary>
internal sealed record AdminConfiguration(IConfiguration Configuration);
