using RaftOrleans.Grains;
using RaftOrleans.KeyValue;
using RaftOrleans.Testing.Cluster;
using Xunit;

namespace RaftOrleans.Nemesis.Tests;

/// <summary>One cluster for the bad-input tests that do not break it.</summary>
public sealed class BadInputCluster : IAsyncLifetime
{
    /// <summary>The cluster, started once for the class.</summary>
    public RaftTestCluster Cluster { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Cluster = await RaftTestCluster.StartAsync();
        await Cluster.WaitForLeaderAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Bad input, tried on purpose through the real client API and straight at the leader replica:
/// each gets a clear error naming the problem, and nothing reaches the log or changes a key.
/// </summary>
public sealed class BadInputTests(BadInputCluster fixture) : IClassFixture<BadInputCluster>
{
    private const string LoneHigh = "\ud800";
    private const string LoneLow = "\udc00";

    private RaftTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Invalid_keys_and_values_get_a_clear_error_and_change_nothing()
    {
        var store = Cluster.Store;
        Assert.Equal(KvStatusCode.Ok, (await store.PutAsync("kept", "v1")).Status);
        var leader = await Cluster.WaitForLeaderAsync();
        var lastIndex = (await Cluster.Replica(leader.Replica).GetStatus()).LastIndex;

        var tooLong = new string('k', 1025);
        var tooLongInUtf8 = new string('€', 342); // 342 chars but 1026 UTF-8 bytes
        var huge = new string('k', 100_000);
        var hugeValue = new string('v', (1 << 20) + 1);
        var hugeValueInUtf8 = new string('€', 350_000); // under the limit in chars, over it in bytes
        var cases = new (string What, Func<Task<KvResponse>> Call, string Expected)[]
        {
            ("put, empty key", () => store.PutAsync("", "v"), "key must not be empty"),
            ("get, empty key", () => store.GetAsync(""), "key must not be empty"),
            ("delete, empty key", () => store.DeleteAsync(""), "key must not be empty"),
            ("cas, empty key", () => store.CompareAndSwapAsync("", CasCondition.NotExists(), "v"), "key must not be empty"),
            ("put, 1025-byte key", () => store.PutAsync(tooLong, "v"), "key is 1025 bytes; the limit is 1024"),
            ("put, 1026-UTF-8-byte key of 342 chars", () => store.PutAsync(tooLongInUtf8, "v"), "key is 1026 bytes; the limit is 1024"),
            ("get, 100000-byte key", () => store.GetAsync(huge), "key is 100000 bytes; the limit is 1024"),
            ("put, lone high surrogate key", () => store.PutAsync("a" + LoneHigh, "v"), "key contains an invalid UTF-16 surrogate at position 1"),
            ("get, lone low surrogate key", () => store.GetAsync(LoneLow + "b"), "key contains an invalid UTF-16 surrogate at position 0"),
            ("delete, reversed surrogate pair key", () => store.DeleteAsync(LoneLow + LoneHigh), "key contains an invalid UTF-16 surrogate at position 0"),
            ("put, value over 1 MiB", () => store.PutAsync("kept", hugeValue), "value is 1048577 bytes; the limit is 1048576"),
            ("put, value over 1 MiB in UTF-8", () => store.PutAsync("kept", hugeValueInUtf8), "value is 1050000 bytes; the limit is 1048576"),
            ("put, lone surrogate value", () => store.PutAsync("kept", "x" + LoneHigh), "value contains an invalid UTF-16 surrogate at position 1"),
            ("cas, lone surrogate new value", () => store.CompareAndSwapAsync("kept", CasCondition.ValueEquals("v1"), LoneLow), "value contains an invalid UTF-16 surrogate at position 0"),
            ("cas, lone surrogate expected value", () => store.CompareAndSwapAsync("kept", CasCondition.ValueEquals(LoneHigh), "v2"), "expected value contains an invalid UTF-16 surrogate at position 0"),
        };
        foreach (var (what, call, expected) in cases)
        {
            var response = await call();
            Assert.True(response.Status == KvStatusCode.BadInput && response.Message == expected,
                $"{what}: expected BadInput \"{expected}\", got {response.Status} \"{response.Message}\"");
        }

        Assert.Equal(lastIndex, (await Cluster.Replica(leader.Replica).GetStatus()).LastIndex);
        Assert.Equal("v1", (await store.GetAsync("kept")).Value);
    }

    /// <summary>
    /// Found by this harness: Orleans sends strings as UTF-8 and replaces a lone surrogate with
    /// U+FFFD on the way, so a put of "a\uD800" answered Ok and overwrote the key "a\uFFFD". The
    /// client store now rejects such strings before they are sent.
    /// </summary>
    [Fact]
    public async Task A_lone_surrogate_key_cannot_alias_another_key()
    {
        var store = Cluster.Store;
        Assert.Equal(KvStatusCode.Ok, (await store.PutAsync("alias\uFFFD", "the real key")).Status);
        foreach (var lone in new[] { "alias" + LoneHigh, "alias" + LoneLow, "alias\udbff" })
        {
            var put = await store.PutAsync(lone, "impostor");
            Assert.Equal((KvStatusCode.BadInput, "key contains an invalid UTF-16 surrogate at position 5"), (put.Status, put.Message));
            var cas = await store.CompareAndSwapAsync(lone, CasCondition.ValueEquals("the real key"), "impostor");
            Assert.Equal(KvStatusCode.BadInput, cas.Status);
            var delete = await store.DeleteAsync(lone);
            Assert.Equal(KvStatusCode.BadInput, delete.Status);
        }
        Assert.Equal("the real key", (await store.GetAsync("alias\uFFFD")).Value);
    }

    [Fact]
    public async Task Keys_and_values_at_the_limits_round_trip_exactly()
    {
        var store = Cluster.Store;
        var cases = new (string Key, string Value)[]
        {
            (new string('k', 1024), "exactly 1024 key bytes"),
            (new string('€', 341) + "k", "1024 key bytes in 3-byte chars"),
            ("🔑 key with a surrogate pair", "🗝 value with one too"),
            ("largest value", new string('v', 1 << 20)),
            (" ", ""), // a key of one space and an empty value are both valid
        };
        foreach (var (key, value) in cases)
        {
            var put = await store.PutAsync(key, value);
            Assert.True(put.Status == KvStatusCode.Ok, $"put {key.Length}-char key: {put.Status} {put.Message}");
            var get = await store.GetAsync(key);
            Assert.True(get.Status == KvStatusCode.Ok && get.Value == value, $"get {key.Length}-char key: {get.Status}, value of {get.Value?.Length} chars");
        }
    }

    [Fact]
    public async Task Commands_that_are_not_valid_UTF8_or_not_commands_are_rejected_by_the_leader()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var replica = Cluster.Replica(leader.Replica);
        var lastIndex = (await replica.GetStatus()).LastIndex;
        var valid = KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = "ab", Value = "v" });
        // Layout: version, op, flags, key length, key bytes, value length, value bytes.
        Assert.Equal(new byte[] { 1, (byte)KvOp.Put, 1, 2, (byte)'a', (byte)'b', 1, (byte)'v' }, valid);

        var cases = new (string What, byte[] Command, string Expected)[]
        {
            ("key bytes that are not UTF-8", [1, (byte)KvOp.Put, 1, 2, 0xC3, 0x28, 1, (byte)'v'], "malformed command: key is truncated or not valid UTF-8"),
            ("a UTF-8-encoded lone surrogate", [1, (byte)KvOp.Put, 1, 3, 0xED, 0xA0, 0x80, 1, (byte)'v'], "malformed command: key is truncated or not valid UTF-8"),
            ("value bytes that are not UTF-8", [1, (byte)KvOp.Put, 1, 2, (byte)'a', (byte)'b', 1, 0xFF], "malformed command: value is truncated or not valid UTF-8"),
            ("an empty command", [], "malformed command: command is empty"),
            ("an unknown format version", [9, .. valid[1..]], "malformed command: unknown command format version 9"),
            ("an unknown operation", [1, 77, .. valid[2..]], "malformed command: unknown operation 77"),
            ("a truncated command", valid[..5], "malformed command: key is truncated or not valid UTF-8"),
        };
        foreach (var (what, command, expected) in cases)
        {
            var reply = await replica.Propose(command);
            Assert.True(!reply.NotLeader && reply.Response?.Status == KvStatusCode.BadInput && reply.Response.Message == expected,
                $"{what}: expected BadInput \"{expected}\", got {(reply.NotLeader ? "not leader" : $"{reply.Response?.Status} \"{reply.Response?.Message}\"")}");
        }
        Assert.Equal(lastIndex, (await replica.GetStatus()).LastIndex);
        Assert.Equal(KvStatusCode.NotFound, (await Cluster.Store.GetAsync("ab")).Status);
    }
}
