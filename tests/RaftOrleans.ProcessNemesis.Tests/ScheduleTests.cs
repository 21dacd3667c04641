using RaftOrleans.ProcessNemesis.Tests.Faults;
using RaftOrleans.ProcessNemesis.Tests.Harness;
using RaftOrleans.Testing.Workload.Processes;
using Xunit;

namespace RaftOrleans.ProcessNemesis.Tests;

/// <summary>Self-tests of the process nemesis's parts that need no cluster: the seeded schedule and the process-state probe.</summary>
public sealed class ScheduleTests
{
    /// <summary>A seed replays: the same seed gives the same schedule.</summary>
    [Fact]
    public void The_same_seed_gives_the_same_schedule()
    {
        var duration = TimeSpan.FromSeconds(60);
        Assert.Equal(ProcessFaultSchedule.Generate(7, duration).ToString(), ProcessFaultSchedule.Generate(7, duration).ToString());
        Assert.NotEqual(ProcessFaultSchedule.Generate(7, duration).ToString(), ProcessFaultSchedule.Generate(8, duration).ToString());
    }

    /// <summary>
    /// The default runs (seeds 1-3) and any three consecutive seeds cover every fault kind and every
    /// reconfiguration, every run opens with a membership change made while another silo is paused or killed (both
    /// among any three consecutive seeds), and
    /// durations stay within their ranges.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(100)]
    public void Three_consecutive_seeds_cover_every_kind_and_variant_within_bounds(int first)
    {
        var schedules = Enumerable.Range(first, 3).Select(seed => ProcessFaultSchedule.Generate(seed, TimeSpan.FromSeconds(ProcessNemesisSettings.DefaultSeconds))).ToList();
        var faults = schedules.SelectMany(s => s.Faults).ToList();
        Assert.Equal(Enum.GetValues<ProcessFaultKind>().OrderBy(k => k), faults.Select(f => f.Kind).Distinct().OrderBy(k => k));
        Assert.Equal(Enum.GetValues<ReconfigureVariant>().OrderBy(v => v),
            faults.Where(f => f.Kind == ProcessFaultKind.Reconfigure).Select(f => f.Variant).Distinct().OrderBy(v => v));
        Assert.Equal([BystanderFault.Pause, BystanderFault.Kill], schedules.Select(s => s.Faults[0].Bystander).Distinct().Order());
        foreach (var schedule in schedules)
        {
            Assert.True(schedule.Faults.Count >= ProcessFaultSchedule.Opening, schedule.ToString());
            Assert.Equal(ProcessFaultKind.Reconfigure, schedule.Faults[0].Kind);
            Assert.NotEqual(BystanderFault.None, schedule.Faults[0].Bystander);
        }
        foreach (var fault in faults)
        {
            var (min, max) = fault.Kind switch
            {
                ProcessFaultKind.KillRestart => ProcessFaultSchedule.DownSeconds,
                ProcessFaultKind.StallLeader => ProcessFaultSchedule.StallSeconds,
                ProcessFaultKind.Mix when !fault.MixPausesLeader => ProcessFaultSchedule.StallSeconds,
                ProcessFaultKind.Reconfigure => ProcessFaultSchedule.HoldSeconds,
                ProcessFaultKind.WipeRestart => ProcessFaultSchedule.WatchSeconds,
                _ => ProcessFaultSchedule.PauseSeconds,
            };
            Assert.InRange(fault.Duration.TotalSeconds, min, max);
            Assert.InRange(fault.Gap.TotalSeconds, ProcessFaultSchedule.GapSeconds.Min, ProcessFaultSchedule.GapSeconds.Max);
            if (fault.Kind == ProcessFaultKind.Mix) Assert.InRange(fault.Second.TotalSeconds, ProcessFaultSchedule.PauseSeconds.Min, Math.Max(ProcessFaultSchedule.PauseSeconds.Min, fault.Duration.TotalSeconds));
            if (fault.Kind == ProcessFaultKind.Reconfigure && fault.Bystander != BystanderFault.None) Assert.InRange(fault.Second.TotalSeconds, ProcessFaultSchedule.BystanderSeconds.Min, ProcessFaultSchedule.BystanderSeconds.Max);
            Assert.False(fault.Kind != ProcessFaultKind.Reconfigure && fault.Bystander != BystanderFault.None, $"{fault} hits a bystander of a change it does not make");
        }
    }

    /// <summary>Later faults draw membership kinds too (not only the opening): over a campaign's worth of seeds
    /// and a long run, both membership kinds and all three variants appear after the opening.</summary>
    [Fact]
    public void Membership_faults_also_appear_at_random_after_the_opening()
    {
        var later = Enumerable.Range(1, 20).SelectMany(seed => ProcessFaultSchedule.Generate(seed, TimeSpan.FromSeconds(120)).Faults.Skip(ProcessFaultSchedule.Opening)).ToList();
        Assert.Contains(later, f => f.Kind == ProcessFaultKind.WipeRestart);
        Assert.Equal(Enum.GetValues<ReconfigureVariant>().Length, later.Where(f => f.Kind == ProcessFaultKind.Reconfigure).Select(f => f.Variant).Distinct().Count());
        Assert.Equal(Enum.GetValues<BystanderFault>().Length, later.Where(f => f.Kind == ProcessFaultKind.Reconfigure).Select(f => f.Bystander).Distinct().Count());
    }

    /// <summary>The state probe sees this process running and a process id that does not exist as gone.</summary>
    [Fact]
    public void The_state_probe_tells_running_from_gone()
    {
        Assert.True(PosixProcess.IsRunning(Environment.ProcessId));
        Assert.False(PosixProcess.IsPaused(Environment.ProcessId));
        Assert.Null(PosixProcess.State(int.MaxValue));
        Assert.False(PosixProcess.IsRunning(int.MaxValue));
    }
}
