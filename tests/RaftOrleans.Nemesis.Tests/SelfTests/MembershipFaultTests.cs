using System.Diagnostics;
using System.Globalization;
using RaftOrleans.Grains;
using RaftOrleans.Nemesis.Tests.Checks;
using RaftOrleans.Nemesis.Tests.Faults;
using RaftOrleans.Nemesis.Tests.Harness;
using RaftOrleans.Testing.Cluster;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Nemesis.Tests.SelfTests;

/// <summary>
/// Each membership fault does exactly what it says on a real cluster (3 replicas and a spare silo), one at a time:
/// while it is in effect the committed configuration shows it, and once healed the first configuration is back (a
/// wiped replica under a new incarnation), the members converge and every silo's durable log agrees.
/// </summary>
public sealed class MembershipFaultTests(ITestOutputHelper output)
{
    // Long enough for the in-effect checks to run before the heal starts.
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Each_membership_fault_changes_the_configuration_as_it_says_and_its_heal_restores_it()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions
        {
            SpareSilos = 1, RequestTimeout = NemesisRun.RequestTimeout, ClientResponseTimeout = NemesisRun.ClientDeadline,
        });
        var clock = Stopwatch.StartNew();
        var log = new FaultLog(clock);
        try
        {
            await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(60));
            await PutAsync(cluster, 0, 20);

            // reconfigure(follower): the follower is out while in effect, a voter again once healed.
            var leader = (await cluster.WaitForLeaderAsync()).Replica;
            await RunAsync(cluster, log, new FaultSpec(FaultKind.Reconfigure, FaultTarget.Follower), async _ =>
            {
                var members = await CommittedAsync(cluster);
                Assert.Equal(2, members.Count);
                Assert.Contains(members, m => m.Replica == leader);
            });
            await AssertFirstConfigurationAsync(cluster);

            // reconfigure(leader): the leader removes itself, someone else leads; healed, it is a voter again.
            var oldLeader = (await cluster.WaitForLeaderAsync()).Replica;
            await RunAsync(cluster, log, new FaultSpec(FaultKind.Reconfigure, FaultTarget.Leader), async _ =>
            {
                var members = await CommittedAsync(cluster);
                Assert.DoesNotContain(members, m => m.Replica == oldLeader);
                var status = (await cluster.ReplicaStatusesAsync([oldLeader], TimeSpan.FromSeconds(2)))[0];
                Assert.NotEqual("Leader", status.Role);
            });
            await AssertFirstConfigurationAsync(cluster);

            // grow(spare): four voters while in effect, three again once healed.
            await RunAsync(cluster, log, new FaultSpec(FaultKind.Grow, FaultTarget.Spare), async _ =>
            {
                var members = await CommittedAsync(cluster);
                Assert.Equal([1, 2, 3, 4], members.Select(m => m.Replica).Order());
                Assert.All(members, m => Assert.True(m.IsVoter));
            });
            await AssertFirstConfigurationAsync(cluster);

            // wipe(follower): the blank replica is ignored (commit 0) while in effect; healed, it is a voter under a
            // new incarnation and holds every entry again.
            var before = await CommittedAsync(cluster);
            var wiped = 0;
            await RunAsync(cluster, log, new FaultSpec(FaultKind.Wipe, FaultTarget.Follower), async nemesis =>
            {
                await PutAsync(cluster, 20, 25);
                var (r, lost) = Assert.Single(nemesis.Wiped);
                wiped = r;
                Assert.Equal(before.Single(m => m.Replica == wiped).Incarnation, lost);
                var blank = (await cluster.ReplicaStatusesAsync([wiped], TimeSpan.FromSeconds(2)))[0];
                Assert.Null(MembershipChecks.CountedWhileBlank(blank, before.Single(m => m.Replica == wiped).Incarnation));
            });
            var after = await AssertFirstConfigurationAsync(cluster);
            Assert.Null(MembershipChecks.NewIncarnationProblem(after.Single(m => m.Replica == wiped), before.Single(m => m.Replica == wiped).Incarnation));
            Assert.True(log.MembershipChanges >= 3 + 3 + 3 + 3, $"membership changes committed: {log.MembershipChanges}\n{log}");

            var (stuck, members) = await Convergence.WaitAsync(cluster, TimeSpan.FromSeconds(60));
            Assert.True(stuck is null, stuck);
            Assert.Equal([1, 2, 3], members.Select(m => m.Replica).Order());
            Assert.Empty(await Convergence.CompareStatesAsync(cluster, [1, 2, 3], Enumerable.Range(0, 25).Select(Key)));
            var (problems, _) = await Convergence.CompareLogsAsync(cluster);
            Assert.Empty(problems);
            Assert.Empty(cluster.Ledger.Conflicts);
            for (var i = 0; i < 25; i++) Assert.Equal("v" + i, (await cluster.Store.GetAsync(Key(i))).Value);
        }
        finally
        {
            output.WriteLine(log.ToString());
        }
    }

    /// <summary>Runs one fault through the nemesis; <paramref name="inEffect"/> runs once it took effect, before it heals.</summary>
    private static async Task RunAsync(RaftTestCluster cluster, FaultLog log, FaultSpec spec, Func<ScheduledNemesis, Task> inEffect)
    {
        // The schedule's one fault starts at 0 on the nemesis's own clock, so now.
        var nemesis = new ScheduledNemesis(cluster, FaultSchedule.Sequence(7, Phase, spec), log, Stopwatch.StartNew());
        var took = log.Injected.GetValueOrDefault(spec.ToString());
        var run = nemesis.RunAsync(CancellationToken.None);
        var wait = Stopwatch.StartNew();
        while (log.Injected.GetValueOrDefault(spec.ToString()) == took)
        {
            Assert.False(run.IsCompleted, $"{spec} never took effect:\n{log}");
            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(60), $"{spec} did not take effect within 60 s:\n{log}\n{await cluster.DescribeAsync()}");
            await Task.Delay(50); // polling a condition with a deadline
        }
        await inEffect(nemesis);
        await run.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(nemesis.Errors.Count == 0, string.Join("\n", nemesis.Errors) + "\n" + log);
        Assert.Empty(nemesis.Wiped);
    }

    private static async Task<IReadOnlyList<MemberInfo>> AssertFirstConfigurationAsync(RaftTestCluster cluster)
    {
        var members = await CommittedAsync(cluster);
        Assert.True(MembershipChecks.FirstConfigurationProblem(members, 3, new Dictionary<int, long>()) is null,
            MembershipChecks.FirstConfigurationProblem(members, 3, new Dictionary<int, long>()));
        return members;
    }

    private static async Task<IReadOnlyList<MemberInfo>> CommittedAsync(RaftTestCluster cluster)
    {
        IReadOnlyList<MemberInfo> members = [];
        await cluster.WaitUntilAsync(async () =>
        {
            var (current, from) = await cluster.Store.MembersAsync();
            members = current;
            return from is { Role: "Leader", ConfigurationCommitted: true };
        }, TimeSpan.FromSeconds(30), "a leader with a committed configuration");
        return members;
    }

    private static string Key(int i) => "key-" + i.ToString(CultureInfo.InvariantCulture);

    private static async Task PutAsync(RaftTestCluster cluster, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var r = await cluster.Store.PutAsync(Key(i), "v" + i);
            Assert.True(r.IsOk, $"put {Key(i)}: {r.Status} {r.Message}");
        }
    }
}
