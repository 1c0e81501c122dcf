namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>A route's <c>Uploads</c>: the multipart abort is for storage APIs, never on a route with an <c>Api</c> kind.</summary>
internal sealed class RouteUploadsValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        if (route.Uploads is { AbortMultipartOnFailure: true } && route.Api != RouteApi.Http)
        {
            errors.Add($"{path}:Uploads:AbortMultipartOnFailure: not allowed on a route with Api '{route.Api}'; S3 multipart uploads go through an Http route.");
        }
    }
}
