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
                return Covered(identity, grant, request);
            case AccessKind.WriteKey:
                if (grant.Access != ClientAccess.ReadWrite) return $"client '{identity}' is read-only: {request.Method} is a write";
                return Covered(identity, grant, request);
            case AccessKind.UseLease:
                return grant.Access == ClientAccess.ReadWrite ? null : $"client '{identity}' is read-only: {request.Method} changes a lease";
            case AccessKind.RevokeLease:
                if (grant.Access != ClientAccess.ReadWrite) return $"client '{identity}' is read-only: {request.Method} changes a lease";
                return grant.Prefixes.Count == 0 ? null
                    : $"client '{identity}' may not revoke a lease: a revoke deletes the lease's keys wherever they are, and the client is limited to its prefixes ({string.Join(", ", grant.Prefixes.Select(p => $"'{p}'"))})";
            default:
                return $"client '{identity}' is {grant.Access}: {request.Method} needs Admin";
        }
    }

    private static bool InPrefixes(ClientGrant grant, string key)
        => grant.Prefixes.Count == 0 || grant.Prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    private static string? Covered(string identity, ClientGrant grant, AccessRequest request)
    {
        if (request.Ranges is null) return InPrefixes(grant, request.Key!) ? null : OutsidePrefixes(identity, grant, request);
        if (grant.Prefixes.Count == 0) return null;
        foreach (RangeRequest range in request.Ranges)
        {
            if (!grant.Prefixes.Any(p => Within(range, p)))
                return $"client '{identity}' may not {(request.Kind == AccessKind.WriteKey ? "write" : "read")} {Describe(range)}: outside its prefixes ({string.Join(", ", grant.Prefixes.Select(p => $"'{p}'"))})";
        }
        return null;
    }

    /// <summary>True when every key <paramref name="range"/> can name starts with <paramref name="prefix"/>.</summary>
    internal static bool Within(RangeRequest range, string prefix)
    {
        if (!(range.Key ?? "").StartsWith(prefix, StringComparison.Ordinal)) return false;
        if (range.Prefix || range.RangeEnd is null) return true;
        // An interval from inside the prefix must also end inside it: at the prefix's end at the latest.
        if (range.RangeEnd == RangeRequest.ToEnd) return false;
        return prefix.Length == 0 || KeyValue.KeyOrder.Instance.Compare(range.RangeEnd, RangeRequest.PrefixEnd(prefix)) <= 0;
    }

    private static string Describe(RangeRequest range)
        => range.Prefix ? $"the keys under '{range.Key}'" : range.RangeEnd is null ? $"key '{range.Key}'" : $"the keys from '{range.Key}' to '{range.RangeEnd}'";

    private static string OutsidePrefixes(string identity, ClientGrant grant, AccessRequest request)
        => $"client '{identity}' may not {(request.Kind == AccessKind.WriteKey ? "write" : "read")} key '{request.Key}': outside its prefixes ({string.Join(", ", grant.Prefixes.Select(p => $"'{p}'"))})";
}
