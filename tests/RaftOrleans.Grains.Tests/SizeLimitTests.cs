using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Grains.Tests;

/// <summary>
/// Configured size limits hold end to end on test silos: raised limits let larger keys and values through
/// admission AND apply (the state machine applies with the fixed ceiling, not the defaults, so nothing admitted is
/// then committed as BadInput), and what exceeds the configured limit is refused before it reaches the log.
/// </summary>
public sealed class SizeLimitTests
{
    [Fact]
    public async Task Raised_limits_admit_and_apply_larger_keys_and_values_and_the_configured_limit_still_refuses()
    {
        await using var cluster = await RaftTestCluster.StartAsync(new RaftTestClusterOptions
        {
            ConfigureRaft = raft =>
            {
                raft.MaxKeyBytes = 4096;
                raft.MaxValueBytes = 2 << 20;
            },
        });
        await cluster.WaitForLeaderAsync();
        string key = new('k', 3000);
        string value = new('v', (3 << 19) + 7);

        var put = await cluster.Store.PutAsync(key, value);
        Assert.True(put.IsOk, $"put of a 3000-byte key and a 1.5 MiB value: {put.Status} {put.Message}");
        var got = await cluster.Store.GetAsync(key);
        Assert.True(got.IsOk && got.Value == value && got.Revision == put.Revision, $"get: {got.Status} {got.Message} revision {got.Revision}");

        var tooLong = await cluster.Store.PutAsync(new string('k', 4097), "x");
        Assert.Equal(KvStatusCode.BadInput, tooLong.Status);
        Assert.Equal("key is 4097 bytes; the limit is 4096", tooLong.Message);
        var tooLarge = await cluster.Store.PutAsync("small", new string('v', (2 << 20) + 1));
        Assert.Equal(KvStatusCode.BadInput, tooLarge.Status);
        Assert.Equal("value is 2097153 bytes; the limit is 2097152", tooLarge.Message);
    }
}
