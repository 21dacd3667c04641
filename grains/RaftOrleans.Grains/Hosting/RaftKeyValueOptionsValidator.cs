using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Hosting;

/// <summary>Rejects invalid <see cref="RaftKeyValueOptions"/> at silo start with a message naming the setting.</summary>
public sealed class RaftKeyValueOptionsValidator(IOptions<RaftKeyValueOptions> options) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var error = Validate(options.Value);
        if (error is not null)
        {
            throw new OrleansConfigurationException($"Invalid {RaftKeyValueOptions.SectionName} options: {error}");
        }
    }

    /// <summary>Returns the first problem with <paramref name="o"/>, or null.</summary>
    public static string? Validate(RaftKeyValueOptions o)
    {
        if (o.Groups.Count == 0) return "Groups must name at least one group.";
        foreach (var g in o.Groups)
        {
            if (string.IsNullOrWhiteSpace(g) || g.Contains('/')) return $"group name '{g}' must be non-empty and contain no '/'.";
        }
        if (o.Groups.Distinct(StringComparer.Ordinal).Count() != o.Groups.Count) return "Groups must be distinct.";
        if (o.ReplicaCount < 1 || o.ReplicaCount > 9) return $"ReplicaCount must be 1..9, was {o.ReplicaCount}.";
        if (string.IsNullOrWhiteSpace(o.SiloNamePrefix)) return "SiloNamePrefix must not be empty.";
        if (o.TickInterval < TimeSpan.FromMilliseconds(5)) return $"TickInterval must be at least 5 ms, was {o.TickInterval}.";
        if (o.HeartbeatTicks < 1) return "HeartbeatTicks must be at least 1.";
        if (o.ElectionTicks <= o.HeartbeatTicks * 2) return "ElectionTicks must be more than twice HeartbeatTicks.";
        if (string.IsNullOrWhiteSpace(o.StorageProviderName)) return "StorageProviderName must not be empty.";
        if (o.MaxKeyBytes < 1) return "MaxKeyBytes must be positive.";
        if (o.MaxValueBytes < 0) return "MaxValueBytes must not be negative.";
        // Above the ceiling, admission would accept commands that every replica then applies as BadInput.
        if (o.MaxKeyBytes > KvLimits.Ceiling.MaxKeyBytes) return $"MaxKeyBytes must be at most {KvLimits.Ceiling.MaxKeyBytes} (the limit every replica applies), was {o.MaxKeyBytes}.";
        if (o.MaxValueBytes > KvLimits.Ceiling.MaxValueBytes) return $"MaxValueBytes must be at most {KvLimits.Ceiling.MaxValueBytes} (the limit every replica applies), was {o.MaxValueBytes}.";
        if (o.RequestTimeout <= TimeSpan.Zero || o.AttemptTimeout <= TimeSpan.Zero) return "RequestTimeout and AttemptTimeout must be positive.";
        if (o.LogChunkEntries < 1) return "LogChunkEntries must be positive.";
        if (o.SnapshotEveryEntries < 1) return "SnapshotEveryEntries must be positive.";
        if (o.HistoryEvents is < 0 or > 10_000_000) return $"HistoryEvents must be between 0 and 10,000,000 (recent changes kept for revision reads and watches), was {o.HistoryEvents}.";
        if (o.TrailingEntries < 0) return $"TrailingEntries must not be negative, was {o.TrailingEntries}.";
        if (o.SnapshotPartBytes < 1024 || o.SnapshotPartBytes > 4 << 20) return $"SnapshotPartBytes must be between 1 KiB and 4 MiB, was {o.SnapshotPartBytes}.";
        if (o.WakeReminderPeriod < TimeSpan.FromSeconds(1)) return "WakeReminderPeriod must be at least 1 s.";
        if (o.SelfHealingGracePeriod < TimeSpan.FromSeconds(1)) return $"SelfHealingGracePeriod must be at least 1 s, was {o.SelfHealingGracePeriod}.";
        return null;
    }
}
