using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Replica;
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
internal sealed class KeyValueGrain : Grain, IKeyValueGrain
{
    private readonly RaftKeyValueOptions _options;
    private readonly ILogger<KeyValueGrain> _logger;
    private readonly RaftMetrics _metrics;
    private readonly GatewaySession _session = GatewaySession.CreateRandom();
    private KvLimits _limits = null!;
    private string _group = "";
    private bool _known;
    private int _leaderHint;

    public KeyValueGrain(IOptions<RaftKeyValueOptions> options, ILogger<KeyValueGrain> logger, RaftMetrics metrics)
    {
        _options = options.Value;
        _logger = logger;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _group = this.GetPrimaryKeyString();
        _known = _options.Groups.Contains(_group, StringComparer.Ordinal);
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
        var tasks = Enumerable.Range(1, _options.ReplicaCount).Select(async i =>
        {
            try
            {
                return await Replica(i).GetStatus().WaitAsync(_options.AttemptTimeout);
            }
            catch (Exception ex)
            {
                return new ReplicaStatus { Replica = i, Silo = _options.SiloNameFor(i), Role = "Unreachable", Error = ex.GetBaseException().Message };
            }
        });
        return new GroupStatus { Group = _group, Replicas = await Task.WhenAll(tasks) };
    }

    private KvResponse? CheckGroup()
        => _known ? null : KvResponse.BadInput($"unknown group '{_group}'; configured groups: {string.Join(", ", _options.Groups)}");

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

    /// <summary>Sends <paramref name="call"/> to the leader, following redirects and retrying until the deadline.</summary>
    private async Task<KvResponse> RouteAsync(Func<IRaftReplicaGrain, Task<ReplicaReply>> call, string what)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = _options.RequestTimeout;
        var target = _leaderHint != 0 ? _leaderHint : Random.Shared.Next(1, _options.ReplicaCount + 1);
        var backoff = TimeSpan.FromMilliseconds(10);
        var attempts = 0;
        string reason = "no attempt";
        while (true)
        {
            var remaining = deadline - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero) break;
            attempts++;
            if (attempts > 1) _metrics.GatewayRetries.Add(1);
            var redirected = false;
            try
            {
                var attemptTimeout = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
                var reply = await call(Replica(target)).WaitAsync(attemptTimeout);
                if (!reply.NotLeader && reply.Response is not null)
                {
                    _leaderHint = target;
                    return reply.Response;
                }
                reason = $"replica {target}: {reply.Reason ?? "not leader"}";
                if (reply.LeaderHint != 0 && reply.LeaderHint != target)
                {
                    target = reply.LeaderHint;
                    redirected = true;
                }
            }
            catch (TimeoutException)
            {
                reason = $"replica {target} did not answer within {_options.AttemptTimeout.TotalMilliseconds:0} ms";
            }
            catch (Exception ex)
            {
                reason = $"replica {target}: {ex.GetBaseException().Message}";
            }

            if (!redirected)
            {
                _leaderHint = 0;
                target = target % _options.ReplicaCount + 1;
                var wait = TimeSpan.FromMilliseconds(backoff.TotalMilliseconds * (0.5 + Random.Shared.NextDouble()));
                var left = deadline - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero) break;
                await Task.Delay(wait < left ? wait : left);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 200));
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        _metrics.GatewayUnavailable.Add(1);
        Log.GatewayUnavailable(_logger, _group, attempts, elapsed, reason);
        return KvResponse.Unavailable($"no leader of group '{_group}' answered the {what} within {deadline.TotalSeconds:0.#} s ({attempts} attempts; last: {reason}). A write may or may not have taken effect.");
    }
}
