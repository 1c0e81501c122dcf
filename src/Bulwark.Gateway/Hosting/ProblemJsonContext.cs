using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// Generated JSON metadata for the framework's problem types, first in the HTTP JSON options' resolver chain: the problems
/// ASP.NET Core writes for the gateway (<c>TypedResults.Problem</c> on the operator page, and any the framework writes
/// itself) then serialize without reflection. The native executable keeps System.Text.Json's reflection on, and over
/// the trimmed <see cref="ProblemDetails"/> it found no properties and wrote <c>{}</c>.
/// </summary>
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class ProblemJsonContext : JsonSerializerContext;
