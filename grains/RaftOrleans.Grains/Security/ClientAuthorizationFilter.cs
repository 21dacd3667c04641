using Microsoft.Extensions.Logging;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Security;

namespace RaftOrleans.Grains.Security;

/// <summary>
/// Enforces client authorization on the silo, for every grain call that comes from a client through a
/// gateway: the only grain interface a client may call is <see cref="IKeyValueGrain"/>; each call must carry a
/// valid <see cref="ClientCredential"/>, and the identity it proves must be granted what the method needs
/// (<see cref="KeyValueGrainAccess"/>, <see cref="ClientAuthorizationPolicy"/>). Anything else is refused with
/// <see cref="AccessDeniedException"/> before the grain runs. Calls between grains inside the cluster pass.
/// </summary>
/// <remarks>
/// The credential is removed from the request context once checked, so it never travels on with the
/// gateway's calls to the replicas. Orleans' own system targets (type manifest, directory, membership
/// gossip) pass: the client runtime needs them and they change no data.
/// </remarks>
public sealed class ClientAuthorizationFilter(
    ClientCredentialVerifier verifier,
    ClientAuthorizationPolicy policy,
    ILogger<ClientAuthorizationFilter> logger) : IIncomingGrainCallFilter
{
    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (!IsExternalClient(context.SourceId) || context.TargetId.IsSystemTarget())
        {
            return context.Invoke();
        }
        object? credential = RequestContext.Get(ClientCredential.RequestContextKey);
        RequestContext.Remove(ClientCredential.RequestContextKey);
        string method = context.MethodName;
        if (context.InterfaceMethod.DeclaringType != typeof(IKeyValueGrain))
        {
            return Deny(context, identity: null, $"clients may call only {nameof(IKeyValueGrain)}, not {context.InterfaceName}.{method}");
        }
        string? identity = verifier.Verify(credential, out string problem);
        if (identity is null)
        {
            return Deny(context, identity: null, problem);
        }
        AccessRequest request = KeyValueGrainAccess.Classify(method, context.Request);
        if (policy.Check(identity, request) is { } refusal)
        {
            return Deny(context, identity, refusal);
        }
        return context.Invoke();
    }

    /// <summary>
    /// True for a call from a client connected through a gateway. A silo's own hosted client (startup tasks,
    /// health checks, code outside grains on a silo: <c>sys.client/hosted-{silo}</c>) is inside the cluster.
    /// </summary>
    internal static bool IsExternalClient(GrainId? source)
        => source is not { } id || (id.IsClient() && !id.Key.ToString()!.StartsWith(HostedClientPrefix, StringComparison.Ordinal));

    private const string HostedClientPrefix = "hosted-";

    private Task Deny(IIncomingGrainCallContext context, string? identity, string reason)
    {
        Log.AccessDenied(logger, identity ?? "(unauthenticated)", context.SourceId?.ToString() ?? "(unknown)", context.InterfaceName, context.MethodName, reason);
        throw new AccessDeniedException($"permission denied: {reason}");
    }
}
