using RaftOrleans.Nemesis.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Nemesis.Tests;

/// <summary>
/// The nemesis campaigns. CI runs the defaults (a bounded set); environment variables run longer
/// campaigns or replay one seed (docs/nemesis.md). A failing run stops the campaign and prints its
/// seed, the replay command, the planned and executed faults and the evidence.
/// </summary>
public sealed class NemesisCampaignTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Mixed_faults_campaign()
    {
        var settings = NemesisSettings.FromEnvironment();
        var summary = new CampaignSummary("mixed");
        foreach (var seed in settings.CampaignSeeds)
        {
            var report = await NemesisRun.ExecuteAsync(RunPlan.Mixed(seed, settings), output.WriteLine);
            summary.Add(report);
            output.WriteLine(report.Summary);
            if (!report.Passed)
            {
                summary.AppendTo(settings.SummaryFile);
                Assert.Fail(report.ToString());
            }
        }
        summary.AppendTo(settings.SummaryFile);
        output.WriteLine(summary.ToString());
    }

    [Fact]
    public async Task Every_fault_alone()
    {
        var settings = NemesisSettings.FromEnvironment();
        var summary = new CampaignSummary("alone");
        var report = await NemesisRun.ExecuteAsync(RunPlan.Alone(settings.Seed ?? settings.FirstSeed, settings), output.WriteLine);
        summary.Add(report);
        summary.AppendTo(settings.SummaryFile);
        output.WriteLine(report.Summary);
        Assert.True(report.Passed, report.ToString());
    }
}
