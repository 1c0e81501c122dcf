using System.ComponentModel.DataAnnotations;

namespace Bulwark.Configuration;

/// <summary>
/// A static fallback response, used by HTTP pipelines (the <c>AddBulwarkHandler</c> HttpClient handler and the gateway)
/// when every attempt failed. Code that runs a pipeline over its own result type passes a fallback function to
/// <see cref="Pipelines.BulwarkPipeline.ExecuteAsync{TResult}(Func{CancellationToken, ValueTask{TResult}}, Func{Polly.Outcome{TResult}, ValueTask{TResult}}, CancellationToken)"/> instead.
/// </summary>
public class BulwarkFallbackOptions
{
    /// <summary>Gets or sets the status code of the fallback response.</summary>
    /// <value>Defaults to 503. Range 200 to 599.</value>
    [Range(200, 599)]
    public int StatusCode { get; set; } = 503;

    /// <summary>Gets or sets the fallback response's content type.</summary>
    /// <value>Defaults to <c>application/json</c>.</value>
    [Required]
    public string ContentType { get; set; } = "application/json";

    /// <summary>Gets or sets the fallback response's body.</summary>
    /// <value>Defaults to an empty body.</value>
    public string Body { get; set; } = string.Empty;
}
