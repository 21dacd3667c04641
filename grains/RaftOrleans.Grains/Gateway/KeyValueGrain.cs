using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Placement;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Grains.Topology;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Gateway;

/// <summary>
/// The gateway to one group (grain key = group name). Stateless and reentrant, so every silo serves
/// many concurrent requests. Each request goes to the cached leader; a "not leader" answer redirects
/// to the leader it names, a timeout or a down replica moves on to the next replica, with a bounded
/// backoff, until <see cref="RaftKeyValueOptions.RequestTimeout"/>. Writes keep their session
/// sequence across retries so they apply once.
/// </summary>
[StatelessWorker]
[Reentrant]
[GrainType(ReplicaAddressCache.GatewayGrainTypeName)]
internal sealed partial class KeyValueGrain : Grain, IKeyValueGrain
{
    private readonly RaftKeyValueOptions _options;
    private readonly IReplicaTopology _topology;
    private readonly IClusterMembershipService _membership;
    private readonly ILogger<KeyValueGrain> _logger;
    private readonly RaftMetrics _metrics;
    private readonly GatewaySession _session = GatewaySession.CreateRandom();
    private KvLimits _limits = null!;
    private string _group = "";
    private KeyValuePair<string, object?>[] _metricTags = [];
    private bool _known;
    private int _leaderHint;
    private IReadOnlyList<ReplicaMember> _members = [];

    private PeerSilos _silos = null!;
    private readonly SilentReplicas _silentReplicas;

    public KeyValueGrain(IOptions<RaftKeyValueOptions> options, IReplicaTopology topology, ILogger<KeyValueGrain> logger, RaftMetrics metrics, IClusterMembershipService membership, SilentReplicas silentReplicas)
    {
        _silentReplicas = silentReplicas;
        _topology = topology;
        _membership = membership;
        _options = options.Value;
        _logger = logger;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _group = this.GetPrimaryKeyString();
        _metricTags = RaftMetrics.TagsOf(_group);
        _known = _topology.HasGroup(_group);
        _members = _topology.Members(_group);
        _silos = new PeerSilos(_membership, _topology, _group);
        _limits = new KvLimits { MaxKeyBytes = _options.MaxKeyBytes, MaxValueBytes = _options.MaxValueBytes };
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<KvResponse> Put(string key, string value)
        => WriteAsync(new KvCommand { Op = KvOp.Put, Key = key, Value = value });

    /// <inheritdoc />
    public Task<KvResponse> Delete(string key)
        => WriteAsync(new KvCommand { Op = KvOp.Delete, Key = key });

    /// <inheritdoc />
    public Task<KvResponse> CompareAndSwap(string key, CasCondition condition, string newValue)
    {
        if (condition is null) return Task.FromResult(KvResponse.BadInput("compare-and-swap needs a condition"));
        var kinds = (condition.ExpectedValue is not null ? 1 : 0) + (condition.ExpectedRevision is not null ? 1 : 0) + (condition.MustNotExist ? 1 : 0);
        if (kinds != 1) return Task.FromResult(KvResponse.BadInput("compare-and-swap needs exactly one condition: expected value, expected revision, or must-not-exist"));
        return WriteAsync(new KvCommand
        {
            Op = KvOp.Cas, Key = key, Value = newValue,
            ExpectedValue = condition.ExpectedValue, ExpectedRevision = condition.ExpectedRevision, MustNotExist = condition.MustNotExist,
        });
    }

    /// <inheritdoc />
    public async Task<KvResponse> Get(string key, bool stale = false)
    {
        if (CheckGroup() is { } bad) return bad;
        if (_limits.ValidateKey(key) is { } invalid) return KvResponse.BadInput(invalid);
        if (stale)
        {
            return await RouteAsync(async replica => new ReplicaReply { Response = await replica.ReadStale(key) }, "stale get");
        }
        return await RouteAsync(replica => replica.Read(key), "get");
    }

    /// <inheritdoc />
    public async Task<GroupStatus> Status()
    {
        if (!_known) return new GroupStatus { Group = _group };
        _members = _topology.Members(_group);
        var tasks = _members.Select(async m =>
        {
            try
            {
                return await Replica(m.ReplicaId).GetStatus().WaitAsync(_options.AttemptTimeout);
            }
            catch (Exception ex)
            {
                return new ReplicaStatus { Replica = m.ReplicaId, Silo = m.Silo, Role = "Unreachable", Error = ex.GetBaseException().Message };
            }
        });
        var statuses = await Task.WhenAll(tasks);
        ObserveNewest(statuses);
        return new GroupStatus { Group = _group, Replicas = statuses };
    }

    private KvResponse? CheckGroup()
        => _known ? null : KvResponse.BadInput($"unknown group '{_group}'; configured groups: {string.Join(", ", _topology.Groups)}");

    private async Task<KvResponse> WriteAsync(KvCommand command)
    {
        if (CheckGroup() is { } bad) return bad;
        if (_limits.Validate(command) is { } invalid) return KvResponse.BadInput(invalid);
        var sequence = _session.Begin();
        try
        {
            var bytes = KvCommandCodec.Encode(command with { ClientId = _session.ClientId, Sequence = sequence, AckedBelow = _session.AckedBelow });
            return await RouteAsync(replica => replica.Propose(bytes), command.Op.ToString().ToLowerInvariant());
        }
        finally
        {
            _session.End(sequence);
        }
    }

    private IRaftReplicaGrain Replica(int index) => GrainFactory.GetGrain<IRaftReplicaGrain>(new ReplicaKey(_group, index).ToString());

    /// <summary>
    /// Sends <paramref name="call"/> to the leader, following redirects and retrying until the deadline.
    /// An attempt that is slow is not abandoned: it stays in the race with later attempts, so a busy
    /// but live leader's answer is still taken (retries of a write carry the same session sequence,
    /// so whichever copy commits, the command applies once).
    /// </summary>
    /// <param name="call">The attempt against one replica.</param>
    /// <param name="what">The request, for the unavailable message.</param>
    /// <param name="attemptTimeout">How long one attempt may take before another replica is tried too (default
    /// <see cref="RaftKeyValueOptions.AttemptTimeout"/>); membership changes pass the whole deadline, since the
    /// leader answers them only once they commit.</param>
    private async Task<KvResponse> RouteAsync(Func<IRaftReplicaGrain, Task<ReplicaReply>> call, string what, TimeSpan? attemptTimeout = null)
    {
        using var trace = RaftTracing.Source.StartActivity("raftkv.gateway " + what);
        trace?.SetTag(RaftMetrics.GroupTag, _group);
        var response = await RouteAsync(call, what, attemptTimeout, trace);
        if (trace is not null)
        {
            trace.SetTag("raftkv.status", response.Status.ToString());
            if (response.Status == KvStatusCode.Unavailable) trace.SetStatus(ActivityStatusCode.Error, response.Message);
        }
        return response;
    }

    private async Task<KvResponse> RouteAsync(Func<IRaftReplicaGrain, Task<ReplicaReply>> call, string what, TimeSpan? attemptTimeout, Activity? trace)
    {
        _members = _topology.Members(_group);
        var attemptLimit = attemptTimeout ?? _options.AttemptTimeout;
        var started = Stopwatch.GetTimestamp();
        var deadline = _options.RequestTimeout;
        var backoff = TimeSpan.FromMilliseconds(10);
        var attempts = 0;
        var reason = "no attempt";
        var inFlight = new List<(Task<(ReplicaReply Reply, bool Failed)> Task, int Target)>();
        // Replicas that did not answer recently, in this request or an earlier one on this silo. A
        // killed leader's silo does not answer until Orleans declares it dead, while followers that
        // have not timed out yet still name it as leader: going there again would cost another
        // attempt timeout each time (see SilentReplicas).
        var silent = _silentReplicas.Of(_group, _members.Select(m => m.ReplicaId));
        var silentHere = new HashSet<int>(); // the ones that did not answer this request
        var target = _leaderHint != 0 && _silos.IsUp(_leaderHint) && !silent.Contains(_leaderHint)
            ? _leaderHint
            : NextUpFrom(Random.Shared.Next(_members.Count), silent);
        while (true)
        {
            var remaining = deadline - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero) break;
            // A request outlives the silent window: a replica silent only from an earlier request is tried again
            // once its window has passed, not avoided for the whole request. Otherwise, with the leader marked
            // silent and two live followers naming it, a request alternates between the followers until its
            // deadline (DiskLossTests, CI: a replica silent while it campaigned won the election just after).
            silent.RemoveWhere(r => !silentHere.Contains(r) && !_silentReplicas.IsSilent(_group, r));
            attempts++;
            if (attempts > 1) _metrics.GatewayRetries.Add(1, _metricTags);
            trace?.AddEvent(new ActivityEvent("attempt", tags: new ActivityTagsCollection { [RaftMetrics.ReplicaTag] = target, ["raftkv.attempt"] = attempts }));
            inFlight.Add((Invoke(call, target), target));

            // Wait for any attempt to finish, or for this attempt's timeout.
            var attemptDeadline = Stopwatch.GetElapsedTime(started) + (remaining < attemptLimit ? remaining : attemptLimit);
            var next = 0;
            while (next == 0)
            {
                var left = attemptDeadline - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    reason = $"replica {target} did not answer within {attemptLimit.TotalMilliseconds:0} ms";
                    silent.Add(target);
                    silentHere.Add(target);
                    _silentReplicas.MarkSilent(_group, target);
                    next = -1;
                    break;
                }
                var finished = await Task.WhenAny(inFlight.Select(a => (Task)a.Task).Append(Task.Delay(left)));
                var index = inFlight.FindIndex(a => a.Task == finished);
                if (index < 0) continue; // the delay: re-check the attempt deadline
                var (task, from) = inFlight[index];
                inFlight.RemoveAt(index);
                var (reply, failed) = task.Result;
                if (reply.ConfigurationIndex > CommittedIndex) _ = RefreshMembersAsync(from);
                if (failed)
                {
                    // The call itself failed (silo unreachable, replica unplaceable): avoid it too.
                    silent.Add(from);
                    silentHere.Add(from);
                    _silentReplicas.MarkSilent(_group, from);
                }
                else
                {
                    silent.Remove(from);
                    silentHere.Remove(from);
                    _silentReplicas.Heard(_group, from);
                }
                if (!reply.NotLeader && reply.Response is not null)
                {
                    trace?.SetTag(RaftMetrics.ReplicaTag, from).SetTag("raftkv.attempts", attempts);
                    _leaderHint = from;
                    return reply.Response;
                }
                reason = $"replica {from}: {reply.Reason ?? "not leader"}";
                if (from != target) continue; // a stale attempt failed; keep waiting for the current one
                next = ShouldFollow(reply.LeaderHint, target, silent, silentHere) ? reply.LeaderHint : -1;
            }

            if (next > 0)
            {
                target = next; // redirect straight to the named leader
                continue;
            }

            _leaderHint = 0;
            target = NextUp(target, silent);
            var wait = TimeSpan.FromMilliseconds(backoff.TotalMilliseconds * (0.5 + Random.Shared.NextDouble()));
            var rest = deadline - Stopwatch.GetElapsedTime(started);
            if (rest <= TimeSpan.Zero) break;
            await Task.Delay(wait < rest ? wait : rest);
            // Capped low: while no leader is known the replicas answer at once, so a short pause
            // costs little, and the first attempt after an election is what the client waits for.
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 50));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        _metrics.GatewayUnavailable.Add(1, _metricTags);
        Log.GatewayUnavailable(_logger, _group, attempts, elapsed, reason);
        return KvResponse.Unavailable($"no leader of group '{_group}' answered the {what} within {deadline.TotalSeconds:0.#} s ({attempts} attempts; last: {reason}). A write may or may not have taken effect.");
    }

    /// <summary>
    /// Whether to redirect to the leader a follower named. Never to one that did not answer this request.
    /// One that did not answer an earlier request is skipped while another replica can be tried (followers
    /// name a crashed leader until they elect a new one), but followed when the only alternative is
    /// asking the same follower again: it may be a live leader that was only slow once.
    /// </summary>
    private bool ShouldFollow(int hint, int target, HashSet<int> silent, HashSet<int> silentHere)
    {
        if (hint == 0 || hint == target || silentHere.Contains(hint)) return false;
        return !silent.Contains(hint) || NextUp(target, silent) == target;
    }

    /// <summary>The first member after replica <paramref name="replica"/> (cyclically, in member order; from the
    /// first member when it is none) whose silo is up and that is not in <paramref name="skip"/>; then one
    /// that is only up; the next one if none is.</summary>
    private int NextUp(int replica, HashSet<int>? skip = null)
        => NextUpFrom(IndexOfMember(replica) + 1, skip);

    /// <summary><see cref="NextUp"/> counted from the member at <paramref name="position"/> (itself included).</summary>
    private int NextUpFrom(int position, HashSet<int>? skip)
    {
        var count = _members.Count;
        for (var pass = skip is { Count: > 0 } ? 0 : 1; pass < 2; pass++)
        {
            for (var step = 0; step < count; step++)
            {
                var candidate = _members[(position + step) % count].ReplicaId;
                if (_silos.IsUp(candidate) && (pass == 1 || !skip!.Contains(candidate))) return candidate;
            }
        }
        return _members[position % count].ReplicaId;
    }

    /// <summary>The position of <paramref name="replica"/> among the members; -1 when it is not one (as 0, "no replica yet", never is).</summary>
    private int IndexOfMember(int replica)
    {
        for (var i = 0; i < _members.Count; i++)
        {
            if (_members[i].ReplicaId == replica) return i;
        }
        return -1;
    }

    /// <summary>One attempt; a failed call (silo down, replica unplaceable) becomes a "not leader" reply
    /// marked <c>Failed</c>.</summary>
    private async Task<(ReplicaReply Reply, bool Failed)> Invoke(Func<IRaftReplicaGrain, Task<ReplicaReply>> call, int target)
    {
        try
        {
            return (await call(Replica(target)), false);
        }
        catch (Exception ex)
        {
            return (new ReplicaReply { NotLeader = true, Reason = ex.GetBaseException().Message }, true);
        }
    }
}
