using RaftOrleans.Bench.Failover;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.Bench.Stall;

/// <summary>
/// <c>raftkv-bench stall</c>: process pauses of a running RaftOrleans cluster (silos found by their
/// pid files), part (a) leader pauses under a write loop and part (b) random pause/resume cycles
/// under a mixed workload; prints one table with every figure and whether its target was met.
/// </summary>
public static class StallBenchmark
{
    /// <summary>Runs the parts in <see cref="StallSettings.Parts"/>; returns the rows and the rendered table.</summary>
    public static async Task<(IReadOnlyList<StallRow> Rows, string Table)> RunAsync(StallSettings settings, MemberProcesses processes, TextWriter output, CancellationToken cancellationToken)
    {
        var pids = new SiloPids(processes, settings.GatewayPorts.Count);
        pids.Record();
        output.WriteLine($"silos: {string.Join(", ", pids.Names.Select(n => $"{n}=pid {pids.Pid(n)}"))}");
        await using var clients = await GatewayClients.ConnectAsync(settings.GatewayPorts, settings.ClusterId, settings.ServiceId, settings.ResponseTimeout, TimeSpan.FromSeconds(60));
        clients.StartHealthChecks(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2));
        var rows = new List<StallRow>();
        if (settings.Parts.Contains('a', StringComparison.Ordinal))
        {
            output.WriteLine($"(a) {settings.Trials} leader pauses of {settings.LeaderPause.TotalSeconds:0} s under a write loop");
            rows.AddRange(await new LeaderPauseTrials(clients, pids, settings, output).RunAsync(cancellationToken));
        }
        if (settings.Parts.Contains('b', StringComparison.Ordinal))
        {
            output.WriteLine($"(b) {settings.Cycles} random pause/resume cycles under a mixed workload ({settings.Clients} clients, {settings.Keys} keys, seed {settings.Seed})");
            rows.AddRange(await new RandomPauseCampaign(clients, pids, settings, output).RunAsync(cancellationToken));
        }
        return (rows, StallTable.Render("raftkv-bench stall", rows));
    }
}
