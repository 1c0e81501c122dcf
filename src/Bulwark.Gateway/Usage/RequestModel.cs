using System.Buffers;
using System.Text.Json;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Usage;

/// <summary>The <c>model</c> a client asked for: the top-level property of its buffered JSON request body.</summary>
internal static class RequestModel
{
    /// <summary>Reads the model from <paramref name="body"/> (seekable, buffered), leaving it at its start; <see langword="null"/> when there is none or the body is over the bound.</summary>
    public static async ValueTask<string?> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        if (!body.CanSeek || body.Length is 0 or > UsageConstants.MaxParsedBytes)
        {
            return null;
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
            return null;
        }
        finally
        {
            body.Position = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The top-level string <c>model</c> of a JSON object, or <see langword="null"/>.</summary>
    public static string? Find(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (isModel)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
