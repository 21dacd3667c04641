using RaftOrleans.ProcessNemesis.Tests.Faults;
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

    /// <summary>The default runs (three consecutive seeds) cover every fault kind, and durations stay within their ranges.</summary>
    [Fact]
    public void Three_consecutive_seeds_cover_every_kind_within_bounds()
    {
        var faults = Enumerable.Range(1, 3).SelectMany(seed => ProcessFaultSchedule.Generate(seed, TimeSpan.FromSeconds(25)).Faults).ToList();
        Assert.Equal(Enum.GetValues<ProcessFaultKind>().OrderBy(k => k), faults.Select(f => f.Kind).Distinct().OrderBy(k => k));
        foreach (var fault in faults)
        {
            var (min, max) = fault.Kind switch
            {
                ProcessFaultKind.KillRestart => ProcessFaultSchedule.DownSeconds,
                ProcessFaultKind.StallLeader => ProcessFaultSchedule.StallSeconds,
                ProcessFaultKind.Mix when !fault.MixPausesLeader => ProcessFaultSchedule.StallSeconds,
                _ => ProcessFaultSchedule.PauseSeconds,
            };
            Assert.InRange(fault.Duration.TotalSeconds, min, max);
            Assert.InRange(fault.Gap.TotalSeconds, ProcessFaultSchedule.GapSeconds.Min, ProcessFaultSchedule.GapSeconds.Max);
            if (fault.Kind == ProcessFaultKind.Mix) Assert.InRange(fault.Second.TotalSeconds, ProcessFaultSchedule.PauseSeconds.Min, Math.Max(ProcessFaultSchedule.PauseSeconds.Min, fault.Duration.TotalSeconds));
        }
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
