using System.Collections.Concurrent;
using System.Threading.Channels;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>A grain that says where it runs and ticks a reminder, for the cluster tests.</summary>
public interface ISqliteProbeGrain : IGrainWithStringKey
{
    /// <summary>The name of the silo the activation runs on.</summary>
    Task<string> GetSiloName();

    /// <summary>Registers the reminder "tick" with the given due time and period.</summary>
    Task StartTicking(TimeSpan period);

    /// <summary>Unregisters the reminder "tick".</summary>
    Task StopTicking();
}

/// <inheritdoc cref="ISqliteProbeGrain" />
public sealed class SqliteProbeGrain(ILocalSiloDetails silo) : Grain, ISqliteProbeGrain, IRemindable
{
    public Task<string> GetSiloName() => Task.FromResult(silo.Name);

    public async Task StartTicking(TimeSpan period) => await this.RegisterOrUpdateReminder("tick", period, period);

    public async Task StopTicking()
    {
        var reminder = await this.GetReminder("tick");
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.Of(this.GetPrimaryKeyString()).Writer.TryWrite(silo.Name);
        return Task.CompletedTask;
    }
}

/// <summary>Reminder ticks received by probe grains, per grain key (silos run in the test process).</summary>
internal static class ReminderTicks
{
    private static readonly ConcurrentDictionary<string, Channel<string>> Ticks = new();

    public static Channel<string> Of(string grainKey) => Ticks.GetOrAdd(grainKey, _ => Channel.CreateUnbounded<string>());
}
