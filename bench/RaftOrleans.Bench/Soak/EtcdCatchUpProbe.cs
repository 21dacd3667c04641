using dotnet_etcd;
using Etcdserverpb;
using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Soak;

/// <summary>
/// Catch-up through each member's Maintenance.Status (what <c>etcdctl endpoint status</c> shows): the
/// leader's raft index (its committed index) and the returning member's applied index.
/// </summary>
public sealed class EtcdCatchUpProbe : ICatchUpProbe, IDisposable
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, EtcdClient> _byEndpoint;
    private readonly Dictionary<string, string> _endpointOfMember = new(StringComparer.Ordinal);

    /// <summary>Probes the members behind <paramref name="endpoints"/> (one client each).</summary>
    public EtcdCatchUpProbe(IReadOnlyList<string> endpoints)
        => _byEndpoint = endpoints.ToDictionary(e => e.TrimEnd('/'), e => EtcdClients.Create([e]), StringComparer.Ordinal);

    /// <summary>Learns which endpoint serves which member name from the member list; call while every member is up.</summary>
    public async Task MapMembersAsync(CancellationToken cancellationToken)
    {
        foreach (var client in _byEndpoint.Values)
        {
            try
            {
                var list = await client.MemberListAsync(new MemberListRequest(), deadline: DateTime.UtcNow + StatusTimeout, cancellationToken: cancellationToken);
                foreach (var m in list.Members)
                {
                    var url = m.ClientURLs.Select(u => u.TrimEnd('/')).FirstOrDefault(_byEndpoint.ContainsKey);
                    if (url is not null) _endpointOfMember[m.Name] = url;
                }
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Try the next member.
            }
        }
        throw new InvalidOperationException("no etcd member answered the member list");
    }

    /// <inheritdoc />
    public async Task<long?> LeaderCommitAsync(CancellationToken cancellationToken)
    {
        var statuses = await Task.WhenAll(_byEndpoint.Values.Select(c => StatusAsync(c, cancellationToken)));
        return statuses.Where(s => s is not null && s.Leader != 0 && s.Header.MemberId == s.Leader).Select(s => (long?)(long)s!.RaftIndex).Max();
    }

    /// <inheritdoc />
    public async Task<(long? FollowerApplied, bool Answered, string Status)> FollowerAppliedAsync(string member, CancellationToken cancellationToken)
    {
        if (!_endpointOfMember.TryGetValue(member, out var endpoint)) return (null, false, $"{member} not in the member list");
        var s = await StatusAsync(_byEndpoint[endpoint], cancellationToken);
        if (s is null) return (null, false, $"{member}: no status answer");
        var text = $"{member}: leader {s.Leader:x} term {s.RaftTerm} raft index {s.RaftIndex} applied {s.RaftAppliedIndex}";
        return (s.Leader != 0 && s.Leader != s.Header.MemberId ? (long)s.RaftAppliedIndex : null, true, text);
    }

    private static async Task<StatusResponse?> StatusAsync(EtcdClient client, CancellationToken cancellationToken)
    {
        try
        {
            return await client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + StatusTimeout, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var c in _byEndpoint.Values) c.Dispose();
    }
}
