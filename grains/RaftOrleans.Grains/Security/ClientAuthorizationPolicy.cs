namespace RaftOrleans.Grains.Security;

/// <summary>Decides whether a client identity may make a call, from <see cref="RaftSecurityOptions.Clients"/>.</summary>
public sealed class ClientAuthorizationPolicy(IReadOnlyDictionary<string, ClientGrant> grants)
{
    /// <summary>Returns null when <paramref name="identity"/> may make <paramref name="request"/>, else the reason it may not.</summary>
    public string? Check(string identity, AccessRequest request)
    {
        if (!grants.TryGetValue(identity, out ClientGrant? grant))
        {
            return $"client '{identity}' has no grant on this cluster (Security:Clients)";
        }
        if (grant.Access == ClientAccess.Admin) return null;
        switch (request.Kind)
        {
            case AccessKind.ReadStatus:
                return null;
            case AccessKind.ReadKey:
                return InPrefixes(grant, request.Key!) ? null : OutsidePrefixes(identity, grant, request);
            case AccessKind.WriteKey:
                if (grant.Access != ClientAccess.ReadWrite) return $"client '{identity}' is read-only: {request.Method} is a write";
                return InPrefixes(grant, request.Key!) ? null : OutsidePrefixes(identity, grant, request);
            default:
                return $"client '{identity}' is {grant.Access}: {request.Method} needs Admin";
        }
    }

    private static bool InPrefixes(ClientGrant grant, string key)
        => grant.Prefixes.Count == 0 || grant.Prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    private static string OutsidePrefixes(string identity, ClientGrant grant, AccessRequest request)
        => $"client '{identity}' may not {(request.Kind == AccessKind.WriteKey ? "write" : "read")} key '{request.Key}': outside its prefixes ({string.Join(", ", grant.Prefixes.Select(p => $"'{p}'"))})";
}
