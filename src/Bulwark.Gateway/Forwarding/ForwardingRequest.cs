using System.Buffers;
using Bulwark.Gateway.Configuration;
using Bulwark.Classification;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Translation;
using Bulwark.Gateway.Usage;

namespace Bulwark.Gateway.Forwarding;

/// <summary>Everything one client request carries through its attempts.</summary>
internal sealed class ForwardingRequest
{
    public ForwardingRequest(HttpContext context, GatewayRoute route, string correlationId, ReplayCondition replay, bool bodyBuffered, bool bodyStreamed)
    {
        Context = context;
        Route = route;
        CorrelationId = correlationId;
        Replay = replay;
        BodyBuffered = bodyBuffered;
        BodyStreamed = bodyStreamed;
        PathAndQuery = RawTarget.PathAndQuery(context);
    }

    public HttpContext Context { get; }

    public GatewayRoute Route { get; }

    public string CorrelationId { get; }

    /// <summary>Gets after which failures the request may be sent again: any (idempotent), those proving it was not processed (a write), or those before it was sent (a streamed body).</summary>
    public ReplayCondition Replay { get; }

    /// <summary>Gets a value indicating whether the body was buffered and can be re-sent from the start.</summary>
    public bool BodyBuffered { get; }

    /// <summary>Gets a value indicating whether the body is too large to buffer and streams once.</summary>
    public bool BodyStreamed { get; }

    /// <summary>Gets the spool every attempt reads the body from, when the body was too large to buffer and is kept for retries there.</summary>
    public RequestSpool? Spool { get; init; }

    /// <summary>Gets a value indicating whether the body is too large to be read whole in memory (streamed once, or spooled).</summary>
    public bool BodyTooLargeToRead => BodyStreamed || Spool is not null;

    /// <summary>Gets the client's path and query as sent (dot-segments resolved), or <see langword="null"/> to let the forwarder build them.</summary>
    public string? PathAndQuery { get; }

    /// <summary>Gets or sets the number of attempts sent so far.</summary>
    public int Attempts { get; set; }

    /// <summary>Gets or sets a value indicating whether a streamed body has been (even partly) read by an attempt.</summary>
    public bool BodyConsumed { get; set; }

    /// <summary>Gets or sets the usage reader around the response body of the attempt that answered, on routes with an <c>Api</c> kind.</summary>
    public UsageCapture? Usage { get; set; }

    /// <summary>Gets, per provider of the route (by index), until when it last asked to be left alone (its Retry-After), if it did.</summary>
    public DateTimeOffset?[]? RetryAfterUntil { get; private set; }

    /// <summary>Gets the body's top-level <c>model</c>, once read (<see cref="ReadBodyFieldsAsync"/>); <see langword="null"/> when none was read.</summary>
    public JsonModelField? Model => _fields?.Model;

    /// <summary>Gets the end user the body names (OpenAI's <c>user</c>), once read; <see langword="null"/> when none was read.</summary>
    public string? BodyUser => _fields?.User;

    /// <summary>Gets the JSON body's fields, once read; <see langword="null"/> when the body was not read (none, not JSON, too large, streamed).</summary>
    public RequestBodyFields? Fields => _fields;

    /// <summary>Gets the bound on the prompt's tokens computed when the fields were read with one; <see langword="null"/> otherwise.</summary>
    public long? PromptTokens { get; private set; }

    /// <summary>Gets or sets the <c>X-Bulwark-Budget</c> header of the answer: the request's standing on its budgets, if any counts it.</summary>
    public string? BudgetNote { get; set; }

    /// <summary>Gets or sets the budgets' reservation for this request, if it holds one.</summary>
    public Budgets.BudgetReservation? Reservation { get; set; }

    private byte[]? _bodyBytes;
    private RequestBodyFields? _fields;

    /// <summary>
    /// Reads the buffered JSON body's <c>model</c> and <c>user</c>, on an AI route or when a provider of the route maps
    /// model names: what decides which providers serve the request and what each is sent, and what its usage is
    /// recorded under.
    /// </summary>
    /// <param name="promptBound">When budgets count the request: bounds its prompt's tokens (<see cref="PromptTokens"/>) from the bytes read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async ValueTask ReadBodyFieldsAsync(Budgets.PromptBound? promptBound, CancellationToken cancellationToken)
    {
        if (!BodyBuffered || !IsJson(Context.Request.ContentType)
            || (Route.Api == RouteApi.Http && !Route.MapsModels))
        {
            return;
        }

        // A route that maps models reads any buffered body (the route's buffer limit bounds it); usage alone reads the
        // bodies an AI request usually has.
        var body = Context.Request.Body;
        if (body.Length == 0 || (!Route.RewritesBodies && body.Length > UsageConstants.MaxParsedBytes))
        {
            return;
        }

        // Kept only where a provider is sent a rewritten copy; read for usage alone, the bytes go back to the pool.
        int length = (int)body.Length;
        var bytes = Route.RewritesBodies ? new byte[length] : ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.Position = 0;
            await body.ReadExactlyAsync(bytes.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            _fields = RequestBodyFields.Find(bytes.AsSpan(0, length));
            _bodyBytes = Route.RewritesBodies ? bytes : null;
            PromptTokens = promptBound?.Invoke(bytes.AsSpan(0, length), _fields.Model?.Name);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client went away, or the buffer could not be read: the chain reports what follows from it.
        }
        finally
        {
            body.Position = 0;
            if (!Route.RewritesBodies)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="body"/> in place of the client's JSON body (its output cap added): what every attempt reads
    /// and providers are sent, their own model name or translation made from it.
    /// </summary>
    public void ReplaceBody(byte[] body)
    {
        var request = Context.Request;
        request.Body = new MemoryStream(body, 0, body.Length, writable: false, publiclyVisible: true);
        if (request.ContentLength is not null)
        {
            request.ContentLength = body.Length;
        }

        _fields = RequestBodyFields.Find(body);
        _bodyBytes = Route.RewritesBodies ? body : null;
        (_translations, _mappedFor, _mappedBody) = (null, null, null);
    }

    /// <summary>Whether a body of <paramref name="contentType"/> may be JSON: a JSON media type, or none said.</summary>
    private static bool IsJson(string? contentType) => contentType is null || contentType.Contains("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the provider at <paramref name="providerIndex"/> cannot serve this request, or <see langword="null"/> when it can.</summary>
    public string? SkipReason(int providerIndex)
    {
        if (Route.Providers[providerIndex].Models is { } map)
        {
            if (BodyTooLargeToRead && IsJson(Context.Request.ContentType))
            {
                return "the request body was too large to read the model this provider maps";
            }

            if (Model is { } model && !map.TryMap(model.Name, out _))
            {
                return $"no model mapping for '{(model.Name.Length <= 100 ? model.Name : model.Name[..100] + "…")}'";
            }
        }

        return Route.TranslatesToAnthropic[providerIndex] ? TranslationFor(providerIndex).Refusal : null;
    }

    /// <summary>
    /// The request as the Anthropic provider at <paramref name="providerIndex"/> of an OpenAI route is sent it (its
    /// Messages API body, with the provider's model name), or why it cannot be; made once per provider.
    /// </summary>
    public AnthropicRequestTranslation TranslationFor(int providerIndex)
    {
        _translations ??= new AnthropicRequestTranslation?[Route.Providers.Count];
        return _translations[providerIndex] ??= Translate(Route.Providers[providerIndex]);
    }

    private AnthropicRequestTranslation Translate(GatewayProvider provider)
    {
        if (!HttpMethods.IsPost(Context.Request.Method) || Context.Request.Path.Value?.EndsWith(ChatCompletionsPath, StringComparison.Ordinal) != true)
        {
            return AnthropicRequestTranslation.Refused("this provider speaks Anthropic's API, to which only chat completions (POST …/chat/completions) are translated");
        }

        if (BodyTooLargeToRead)
        {
            return AnthropicRequestTranslation.Refused("the request body was too large to translate for Anthropic's API");
        }

        if (_bodyBytes is not { } body || !IsJson(Context.Request.ContentType))
        {
            return AnthropicRequestTranslation.Refused("the request body is not a JSON chat completion");
        }

        string? model = Model is { } asked && provider.Models is { } map && map.TryMap(asked.Name, out var mapped) ? mapped : null;
        return AnthropicRequest.Translate(body, model, provider.DefaultMaxTokens);
    }

    /// <summary>The path ending translated to Anthropic's: <c>/chat/completions</c> becomes <c>/messages</c>.</summary>
    public const string ChatCompletionsPath = "/chat/completions";

    /// <summary>The path and query sent to the provider at <paramref name="providerIndex"/>, when it differs from the client's (a translated chat completion goes to <c>…/messages</c>).</summary>
    public string? PathAndQueryFor(int providerIndex)
    {
        if (!Route.TranslatesToAnthropic[providerIndex])
        {
            return PathAndQuery;
        }

        string target = PathAndQuery ?? (Context.Request.PathBase + Context.Request.Path + Context.Request.QueryString).ToString();
        int query = target.IndexOf('?', StringComparison.Ordinal);
        string path = query < 0 ? target : target[..query];
        return path.EndsWith(ChatCompletionsPath, StringComparison.Ordinal)
            ? string.Concat(path.AsSpan(0, path.Length - ChatCompletionsPath.Length), "/messages", query < 0 ? string.Empty : target[query..])
            : target;
    }

    /// <summary>Gets or sets the translator around the response body of the attempt that answered, when its provider's Anthropic answer goes back as OpenAI's.</summary>
    public AnthropicResponseStream? Translation { get; set; }

    /// <summary>Takes the translator of an attempt off the response body (its answer failed, or has been sent), and returns it.</summary>
    public AnthropicResponseStream? DropTranslation()
    {
        if (Translation is not { } translation)
        {
            return null;
        }

        Context.Response.Body = translation.Inner;
        Translation = null;
        translation.Dispose();
        return translation;
    }

    private AnthropicRequestTranslation?[]? _translations;

    /// <summary>The body to send the provider at <paramref name="providerIndex"/> when it differs from the client's: its model name in place of the one asked for, or its translation.</summary>
    public byte[]? BodyFor(int providerIndex)
    {
        if (Route.TranslatesToAnthropic[providerIndex])
        {
            return TranslationFor(providerIndex).Body;
        }

        var provider = Route.Providers[providerIndex];
        if (provider.Models is not { } map || Model is not { } model || _bodyBytes is not { } body || !map.TryMap(model.Name, out var mapped) || mapped == model.Name)
        {
            return null;
        }

        // A provider's retries send the same copy; built again only for another provider.
        if (!ReferenceEquals(_mappedFor, provider))
        {
            (_mappedFor, _mappedBody) = (provider, model.ReplaceIn(body, mapped));
        }

        return _mappedBody;
    }

    private GatewayProvider? _mappedFor;
    private byte[]? _mappedBody;

    /// <summary>Notes a provider's Retry-After; the latest answer of a provider is what it means now.</summary>
    public void NoteRetryAfter(int providerIndex, DateTimeOffset until)
    {
        // Allocated only when a provider says Retry-After: nothing on the usual path.
        RetryAfterUntil ??= new DateTimeOffset?[Route.Providers.Count];
        RetryAfterUntil[providerIndex] = until;
    }
}
