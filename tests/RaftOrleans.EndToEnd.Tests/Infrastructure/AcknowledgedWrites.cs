using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The writes a fault test sends through one <c>raftkv</c> shell, and the check that every acknowledged one reads back:
/// the "nothing acknowledged is lost" half of every failover test. A write that is not acknowledged must be
/// "unavailable" (anything else fails the test); its key is then not expected, since it may or may not have applied.
/// </summary>
internal sealed class AcknowledgedWrites(ShellSession shell, Action<string> log, TimeSpan commandTimeout)
{
    private readonly Dictionary<string, string> _acknowledged = [];

    /// <summary>Writes acknowledged so far.</summary>
    public int Count => _acknowledged.Count;

    /// <summary>Sets <paramref name="key"/>; true when acknowledged.</summary>
    public async Task<bool> TryWriteAsync(string key)
    {
        string value = $"value-of-{key}";
        var clock = Stopwatch.StartNew();
        JsonElement result = await shell.SendAsync($"set {key} {value}", commandTimeout);
        LogIfSlow($"set {key}", clock.Elapsed, result);
        if (!result.GetProperty("ok").GetBoolean())
        {
            Assert.Equal("unavailable", result.GetProperty("error").GetString());
            log($"set {key} not acknowledged: {result}");
            return false;
        }
        _acknowledged[key] = value;
        return true;
    }

    /// <summary>Reads every acknowledged key back and checks its value (describing the cluster on failure).</summary>
    public async Task AssertAllReadableAsync(ProcessCluster cluster)
    {
        foreach ((string key, string value) in _acknowledged)
        {
            var clock = Stopwatch.StartNew();
            JsonElement read = await shell.SendAsync($"get {key}", commandTimeout);
            LogIfSlow($"get {key}", clock.Elapsed, read);
            await cluster.AssertAsync(read.GetProperty("ok").GetBoolean(), $"acknowledged key {key} not readable: {read}");
            Assert.Equal(value, read.GetProperty("value").GetString());
        }
    }

    private void LogIfSlow(string command, TimeSpan elapsed, JsonElement result)
    {
        if (elapsed > TimeSpan.FromSeconds(1)) log($"slow: '{command}' took {elapsed.TotalMilliseconds:0} ms: {result}");
    }
}
