using System.Buffers;
using System.Text.Json;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Usage;

/// <summary>The <c>model</c> a client asked for and the end <c>user</c> it named (OpenAI's field): top-level properties of its buffered JSON request body.</summary>
internal static class RequestModel
{
    /// <summary>Reads the model and user from <paramref name="body"/> (seekable, buffered), leaving it at its start; <see langword="null"/>s when absent or the body is over the bound.</summary>
    public static async ValueTask<(string? Model, string? User)> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        if (!body.CanSeek || body.Length is 0 or > UsageConstants.MaxParsedBytes)
        {
            return (null, null);
        }

        int length = (int)body.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.Position = 0;
            int read = 0;
            while (read < length)
            {
                int n = await body.ReadAsync(buffer.AsMemory(read, length - read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return Find(buffer.AsSpan(0, read));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return (null, null);
        }
        finally
        {
            body.Position = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The top-level strings <c>model</c> and <c>user</c> of a JSON object, or <see langword="null"/>s.</summary>
    public static (string? Model, string? User) Find(ReadOnlySpan<byte> json)
    {
        string? model = null, user = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isModel = reader.ValueTextEquals("model"u8);
                bool isUser = reader.ValueTextEquals("user"u8);
                reader.Read();
                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    model = reader.GetString();
                }
                else if (isUser && reader.TokenType == JsonTokenType.String)
                {
                    user = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
        }

        return (model, user);
    }
}
