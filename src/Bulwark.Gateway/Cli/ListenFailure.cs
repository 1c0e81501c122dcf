using System.Net.Sockets;
using Bulwark.Gateway.Hosting;
using Microsoft.AspNetCore.Connections;

namespace Bulwark.Gateway.Cli;

/// <summary>Turns Kestrel's failure to listen into the one line <c>bulwark serve</c> prints, instead of a stack trace.</summary>
internal static class ListenFailure
{
    /// <summary>The line for <paramref name="error"/>, or <see langword="null"/> when it is not a failure to listen.</summary>
    public static string? Describe(Exception error, ListenUrls listen)
    {
        string where = $"the addresses came from {listen.Source}; choose others with --urls, {ListenUrls.EnvironmentVariable} or Bulwark:Urls";
        if (error is IOException { InnerException: AddressInUseException } || error is AddressInUseException
            || (error is IOException && error.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
        {
            return $"cannot listen on {Address(error.Message) ?? string.Join(';', listen.Urls)}: the address is already in use (is another gateway running?); {where}.";
        }

        if (error is IOException or SocketException)
        {
            return $"cannot listen on {string.Join(';', listen.Urls)}: {FirstLine(error.Message)} ({where}).";
        }

        if (error is InvalidOperationException && error.Message.StartsWith("Unable to configure HTTPS endpoint", StringComparison.Ordinal))
        {
            return $"cannot listen on {string.Join(';', listen.Urls)}: {FirstLine(error.Message)}";
        }

        return null;
    }

    /// <summary>The address in Kestrel's "Failed to bind to address http://127.0.0.1:8080: address already in use.".</summary>
    private static string? Address(string message)
    {
        const string prefix = "Failed to bind to address ";
        int start = message.IndexOf(prefix, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += prefix.Length;
        int end = message.IndexOf(": ", start, StringComparison.Ordinal);
        return end > start ? message[start..end] : null;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('\r', '.');
}
