using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using FreePorts = Bulwark.Tests.Shared.FreePorts;

namespace Bulwark.Gateway.Tests.Alerts.Channels;

/// <summary>
/// A real SMTP server in-process (the SmtpServer package) on 127.0.0.1 and a free port: STARTTLS with a self-signed
/// certificate made here, AUTH required (only after STARTTLS), each message parsed with MimeKit and kept. Its answer to
/// DATA is a delegate the test can set (a 4xx or 5xx reply).
/// </summary>
internal sealed class SmtpReceiver : IAsyncDisposable
{
    public const string User = "alerts";
    public const string Password = "smtp-pass-123";

    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    private SmtpReceiver(int port, X509Certificate2? certificate)
    {
        Port = port;
        Certificate = certificate;
    }

    public int Port { get; }

    /// <summary>Gets the server's certificate, which the client pins; <see langword="null"/> for a plain server.</summary>
    public X509Certificate2? Certificate { get; }

    public List<MimeMessage> Messages { get; } = [];

    public List<(string User, string Password)> Logins { get; } = [];

    /// <summary>Gets or sets the reply to the n-th message's DATA (1-based); defaults to 250.</summary>
    public Func<int, SmtpResponse> Reply { get; set; } = static _ => SmtpResponse.Ok;

    public int Attempts;

    public static SmtpReceiver Start(bool tls = true)
    {
        var receiver = new SmtpReceiver(FreePorts.Next(), tls ? SelfSigned() : null);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, receiver.Port)).IsSecure(false);
                if (receiver.Certificate is { } certificate)
                {
                    endpoint.Certificate(certificate).AuthenticationRequired(true).AllowUnsecureAuthentication(false);
                }
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(receiver));
        services.Add(new DelegatingUserAuthenticator((user, password) =>
        {
            lock (receiver.Logins)
            {
                receiver.Logins.Add((user, password));
            }

            return user == User && password == Password;
        }));
        var server = new SmtpServer.SmtpServer(options, services);
        receiver._running = server.StartAsync(receiver._stop.Token);
        return receiver;
    }

    public MimeMessage[] Snapshot()
    {
        lock (Messages)
        {
            return [.. Messages];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        Certificate?.Dispose();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Through PKCS#12, so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private sealed class Store(SmtpReceiver receiver) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            int n = Interlocked.Increment(ref receiver.Attempts);
            var reply = receiver.Reply(n);
            if (reply.ReplyCode != SmtpReplyCode.Ok)
            {
                return reply;
            }

            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            lock (receiver.Messages)
            {
                receiver.Messages.Add(message);
            }

            return reply;
        }
    }
}
