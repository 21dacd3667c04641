using System.Security.Cryptography.X509Certificates;

namespace RaftOrleans.Security;

/// <summary>Signs this client's <see cref="ClientCredential"/> and signs a new one every <see cref="ClientTlsSettings.CredentialRefresh"/>.</summary>
internal sealed class CredentialSource(X509Certificate2 certificate, string serviceId, TimeSpan refresh, TimeProvider time)
{
    private (byte[] Bytes, DateTimeOffset IssuedAt)? _current;

    /// <summary>The credential to send now.</summary>
    public byte[] Current
    {
        get
        {
            DateTimeOffset now = time.GetUtcNow();
            var current = _current;
            if (current is { } c && now - c.IssuedAt < refresh && now >= c.IssuedAt) return c.Bytes;
            byte[] bytes = ClientCredential.Create(certificate, serviceId, now);
            _current = (bytes, now);
            return bytes;
        }
    }
}

/// <summary>Attaches the client's credential to every call it makes.</summary>
internal sealed class CredentialCallFilter(CredentialSource source) : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Set(ClientCredential.RequestContextKey, source.Current);
        return context.Invoke();
    }
}
