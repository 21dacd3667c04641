using RaftOrleans.ProcessNemesis.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.ProcessNemesis.Tests;

/// <summary>
/// The process nemesis over three real silo processes (docs/nemesis.md, "Process nemesis"). The
/// default run is bounded for the test suite; <see cref="ProcessNemesisSettings"/> names the
/// environment variables that run campaigns.
/// </summary>
public sealed class ProcessNemesisTests(ITestOutputHelper output)
{
    /// <summary>
    /// Seeded runs of pauses (random silo and leader, 1-15 s), kill -9 and restart, leader storage
    /// stalls, mixes, membership changes under pauses (a follower or the leader removed and re-added,
    /// growing onto the spare and back) and wiped data directories, under concurrent clients: every
    /// history linearizable, no acknowledged write lost, no silo dead on its own, membership changed. A failure prints the seed, the schedule, what the nemesis did,
    /// and every replica's status and silo's output.
    /// </summary>
    [Fact]
    public async Task Process_faults_keep_the_store_linearizable_and_every_silo_alive()
    {
        var settings = ProcessNemesisSettings.FromEnvironment();
        var reports = new List<ProcessNemesisReport>();
        for (var run = 0; run < settings.Runs; run++)
        {
            var seed = settings.FirstSeed + run;
            var report = await ProcessNemesisRun.ExecuteAsync(seed, settings, line => output.WriteLine(line));
            reports.Add(report);
            output.WriteLine(report.Summary);
            if (report.Failures.Count > 0)
            {
                output.WriteLine($"replay alone: RAFTKV_PROCESS_NEMESIS_RUNS=1 RAFTKV_PROCESS_NEMESIS_SEED={seed} RAFTKV_PROCESS_NEMESIS_SECONDS={settings.Duration.TotalSeconds:0}");
                output.WriteLine("cluster at the end:\n" + report.Cluster);
            }
        }
        output.WriteLine($"campaign: {reports.Count} runs, {reports.Sum(r => r.Operations)} operations, {reports.Sum(r => r.AcknowledgedWrites)} acknowledged writes, "
            + $"{reports.Sum(r => r.Violations)} linearizability violations, {reports.Sum(r => r.LostWrites)} lost writes, {reports.Sum(r => r.SiloDeaths)} silo deaths, "
            + $"{reports.Sum(r => r.MembershipChanges)} membership changes, {reports.Sum(r => r.Wipes)} wipes, "
            + $"{reports.Count(r => r.Failures.Count > 0)} failed runs");
        var failed = reports.Where(r => r.Failures.Count > 0).ToList();
        Assert.True(failed.Count == 0, string.Join("\n\n", failed.Select(r => $"{r.Summary}\n  {string.Join("\n  ", r.Failures)}\n{r.Schedule}what the nemesis did:\n{r.Log}cluster at the end:\n{r.Cluster}")));
    }
}
