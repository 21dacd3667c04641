using System.Diagnostics;
using System.Globalization;
using RaftOrleans.Bench.Failover;
using RaftOrleans.Bench.Results;
using RaftOrleans.Grains;
using RaftOrleans.Testing.History;
using RaftOrleans.Testing.Linearizability;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.Bench.Stall;

/// <summary>
/// Part (a): pause the leader's silo (SIGSTOP) while a write loop runs, resume it (SIGCONT), and
/// measure the time to the first successful write after the pause began; check that the resumed
/// silo is the same process, serves a linearizable read through its own gateway that is not stale,
/// rejoins as a follower, and that the term does not move again when it returns. A read is stale
/// when it returns a value that was acknowledged before a newer acknowledged write (a value from an
/// unacknowledged write may legitimately land late); the whole probe history, reads included, also
/// goes through the linearizability checker.
/// </summary>
public sealed class LeaderPauseTrials(GatewayClients clients, SiloPids pids, StallSettings settings, TextWriter output)
{
    /// <summary>Runs the trials and returns the table rows.</summary>
    public async Task<IReadOnlyList<StallRow>> RunAsync(CancellationToken cancellationToken)
    {
        var recoveries = new List<double>();
        int unrecovered = 0, sameProcess = 0, followers = 0, stableTerms = 0, freshReads = 0, lateReads = 0, staleReads = 0, unansweredReads = 0;
        var probe = new WriteProbe(clients, writers: 4, settings.ResponseTimeout);
        probe.Start();
        try
        {
            for (var trial = 1; trial <= settings.Trials; trial++)
            {
                await StallHealth.WaitHealthyAsync(clients, pids.Names.Count, settings.HealthDeadline, cancellationToken);
                var before = await clients.Next().StatusAsync().WaitAsync(settings.ResponseTimeout, cancellationToken);
                var leader = before.Replicas.Where(r => r.Role == "Leader").OrderByDescending(r => r.Term).First();
                var name = leader.Silo;
                var index = pids.Names.ToList().IndexOf(name);
                var pid = pids.Pid(name);

                var pausedAt = Stopwatch.GetTimestamp();
                PosixProcess.Pause(pid);
                // The pause itself: the fault lasts this long.
                await Task.Delay(settings.LeaderPause, cancellationToken);
                var recovery = probe.FirstWriteAfter(pausedAt);
                var termWhilePaused = await TermOfLiveReplicasAsync(index, cancellationToken);
                var lastAcked = probe.LastAcknowledged(0);
                PosixProcess.Resume(pid);

                // The read right after SIGCONT, through the resumed silo's own gateway.
                var handle = probe.History.Invoke(1_000_000 + trial, HistoryOpKind.Get, WriteProbe.Key(0));
                var read = await TryReadAsync(clients.Store(index), WriteProbe.Key(0), cancellationToken);
                if (read?.Status == KvStatusCode.Ok) probe.History.Complete(handle, HistoryOutcome.Ok, read.Value);
                else if (read?.Status == KvStatusCode.NotFound) probe.History.Complete(handle, HistoryOutcome.NotFound);
                else probe.History.MarkIndeterminate(handle);
                var readText = read is null ? "no answer" : read.Status == KvStatusCode.Ok ? $"\"{read.Value}\"" : read.Status.ToString();
                var readSequence = read?.Status == KvStatusCode.Ok ? long.Parse(read.Value!, CultureInfo.InvariantCulture) : -1;
                if (read?.Status != KvStatusCode.Ok) unansweredReads++;
                else if (readSequence >= lastAcked) freshReads++;
                else if (!probe.WasAcknowledged(0, readSequence))
                {
                    lateReads++;
                    readText += " (an unacknowledged write applied late: not stale)";
                }
                else staleReads++;

                // The window in which a disruptive return would show: the term must not move.
                await Task.Delay(settings.SettleWindow, cancellationToken);
                var after = await StallHealth.TryStatusAsync(clients, settings.ResponseTimeout);
                var returned = after?.Replicas.FirstOrDefault(r => r.Silo == name);
                var termAfter = after?.Replicas.Max(r => r.Term);
                var same = pids.SameProcess(name);
                var follower = returned?.Role == "Follower";
                var stable = termWhilePaused is not null && termAfter == termWhilePaused;
                if (recovery is { } r) recoveries.Add(r.TotalMilliseconds); else unrecovered++;
                if (same) sameProcess++;
                if (follower) followers++;
                if (stable) stableTerms++;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  trial {trial}: paused leader {name} (pid {pid}, term {leader.Term}) {settings.LeaderPause.TotalSeconds:0} s; first write after {(recovery is { } rr ? $"{rr.TotalMilliseconds:0} ms" : "NONE")}; "
                    + $"term while paused {termWhilePaused?.ToString(CultureInfo.InvariantCulture) ?? "?"}, after return {termAfter?.ToString(CultureInfo.InvariantCulture) ?? "?"}; "
                    + $"{name} is {(same ? "the same process" : "NOT the same process")}, {returned?.Role ?? "unreported"}; read through it: {readText} (latest acknowledged \"{lastAcked}\")"));
            }
        }
        finally
        {
            await probe.StopAsync();
        }
        var check = LinearizabilityChecker.Check(probe.History.Snapshot());
        var violations = check.Keys.Count(k => k.Verdict == LinearizabilityVerdict.NotLinearizable);
        output.WriteLine($"  checker (probe writes and the reads after SIGCONT): {check.Explanation.Split('\n')[0].TrimEnd()}");
        if (!check.Ok) output.WriteLine(check.Explanation);
        var median = Statistics.Median(recoveries);
        var trials = settings.Trials;
        return
        [
            new StallRow($"(a) median time to first successful write after a {settings.LeaderPause.TotalSeconds:0} s leader pause ({trials} trials)",
                median is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:0} ms (max {recoveries.Max():0} ms){(unrecovered > 0 ? $", {unrecovered} without any" : "")}") : "no write succeeded",
                "≤ 1000 ms", median <= 1000 && unrecovered == 0),
            new StallRow("(a) paused silo resumes in the same process", $"{sameProcess}/{trials}", $"{trials}/{trials}", sameProcess == trials),
            new StallRow("(a) paused silo rejoins as a follower", $"{followers}/{trials}", $"{trials}/{trials}", followers == trials),
            new StallRow("(a) read through the resumed silo right after SIGCONT is not stale",
                $"{staleReads} stale; {freshReads} latest value, {lateReads} a later-applied unacknowledged write, {unansweredReads} unanswered",
                $"0 stale, {trials} answered", staleReads == 0 && unansweredReads == 0),
            new StallRow("(a) probe history with those reads is linearizable",
                $"{violations} violations ({check.OperationsChecked} operations)", "0", check.Ok),
            new StallRow("(a) term does not move when the paused silo returns", $"{stableTerms}/{trials}", $"{trials}/{trials}", stableTerms == trials),
        ];
    }

    private async Task<long?> TermOfLiveReplicasAsync(int pausedIndex, CancellationToken cancellationToken)
    {
        for (var i = 0; i < clients.Count; i++)
        {
            if (i == pausedIndex) continue;
            try
            {
                var status = await clients.Store(i).StatusAsync().WaitAsync(settings.ResponseTimeout, cancellationToken);
                var live = status.Replicas.Where(r => r.Error is null && r.Replica != pausedIndex + 1).ToList();
                if (live.Count > 0) return live.Max(r => r.Term);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Try the next gateway.
            }
        }
        return null;
    }

    private async Task<KvResponse?> TryReadAsync(RaftKeyValueStore store, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetAsync(key).WaitAsync(settings.ResponseTimeout * 2, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
