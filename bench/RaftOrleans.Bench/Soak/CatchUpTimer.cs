using System.Diagnostics;

namespace RaftOrleans.Bench.Soak;

/// <summary>
/// Times a follower's return: reads the leader's commit index, runs the member's start command, then
/// polls every <see cref="Poll"/> until the member reports itself a follower of a known leader with an
/// applied index at or past that commit index.
/// </summary>
public sealed class CatchUpTimer(ICatchUpProbe probe, MemberSet members, TimeSpan deadline)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary><c>kill -9</c> of <paramref name="member"/>, an immediate restart, and the time until it has caught up.</summary>
    public async Task<CatchUpResult> RestartAsync(string kind, string member, long afterPuts, CancellationToken cancellationToken)
    {
        var before = await AppliedOrNullAsync(member, cancellationToken);
        var killedAt = Stopwatch.GetTimestamp();
        await members.KillAsync(member, cancellationToken);
        return await StartAsync(kind, member, afterPuts, killedAt, before, cancellationToken);
    }

    /// <summary>The member's applied index now (null when it does not answer as a follower): its state before it goes down.</summary>
    public async Task<long?> AppliedOrNullAsync(string member, CancellationToken cancellationToken)
    {
        try
        {
            return (await probe.FollowerAppliedAsync(member, cancellationToken)).FollowerApplied;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Starts <paramref name="member"/> (down since <paramref name="killedAt"/>) and times its catch-up.</summary>
    public async Task<CatchUpResult> StartAsync(string kind, string member, long afterPuts, long killedAt, long? indexBefore, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long? target = null;
        string last = "no status yet";
        while (target is null)
        {
            try
            {
                target = await probe.LeaderCommitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                last = $"leader commit: {e.GetType().Name}: {e.GetBaseException().Message}";
            }
            if (target is null)
            {
                if (clock.Elapsed > deadline) throw new TimeoutException($"no leader commit index within {deadline.TotalSeconds:0} s: {last}");
                await Task.Delay(Poll, cancellationToken);
            }
        }

        var down = Stopwatch.GetElapsedTime(killedAt);
        var started = Stopwatch.GetTimestamp();
        await members.StartAsync(member, cancellationToken);
        double? caughtUpMs = null;
        double? answeredMs = null;
        while (Stopwatch.GetElapsedTime(started) < deadline)
        {
            try
            {
                var (applied, answered, status) = await probe.FollowerAppliedAsync(member, cancellationToken);
                last = status;
                if (answered) answeredMs ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (applied >= target)
                {
                    caughtUpMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    break;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                last = $"status: {e.GetType().Name}: {e.GetBaseException().Message}";
            }
            await Task.Delay(Poll, cancellationToken);
        }
        Console.Error.WriteLine($"[soak] {kind}: {member} down {down.TotalSeconds:0.0} s, target index {target}: "
            + (caughtUpMs is { } ms ? $"first answer after {answeredMs:0} ms, caught up {ms:0} ms after its start" : $"NOT caught up within {deadline.TotalSeconds:0} s") + $" ({last})");
        return new CatchUpResult
        {
            Kind = kind,
            Member = member,
            AfterPuts = afterPuts,
            TargetIndex = target.Value,
            MemberIndexBefore = indexBefore,
            DownSeconds = down.TotalSeconds,
            CaughtUpMs = caughtUpMs,
            FirstAnswerMs = answeredMs,
            LastStatus = last,
        };
    }
}
