using System.Diagnostics;
using Orleans.Storage;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Grains.Tests.AdoNet;

[Collection(SqliteAdoNetCollection.Name)]
public sealed class SqliteGrainStorageTests(SqliteStorageSiloFixture silo, ITestOutputHelper output)
    : IClassFixture<SqliteStorageSiloFixture>
{
    private readonly GrainId _grain = GrainId.Create("raft-replica", $"default/{Guid.NewGuid():N}");

    private static GrainState<ProbeState> State(string text, long number) =>
        new(new ProbeState { Text = text, Number = number });

    private long RowsOf(GrainId grain) => SqliteInspector.Count(silo.StoragePath,
        $"SELECT count(*) FROM OrleansStorage WHERE GrainIdExtensionString = '{grain.Key}'");

    [Fact]
    public async Task Write_ThenRead_RoundTripsStateAndETag()
    {
        var written = State("hard state", 42);

        await silo.Storage.WriteStateAsync("raft/hard", _grain, written);
        var read = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/hard", _grain, read);

        Assert.Equal("1", written.ETag);
        Assert.True(written.RecordExists);
        Assert.Equal(("hard state", 42L, "1", true), (read.State!.Text, read.State!.Number, read.ETag, read.RecordExists));

        read.State!.Number = 43;
        await silo.Storage.WriteStateAsync("raft/hard", _grain, read);
        var reread = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/hard", _grain, reread);
        Assert.Equal((43L, "2"), (reread.State!.Number, reread.ETag));
    }

    [Fact]
    public async Task Read_OfAStateNeverWritten_IsDefaultWithoutETag()
    {
        var read = State("left over", 9);

        await silo.Storage.ReadStateAsync("raft/never", _grain, read);

        Assert.Equal(("", 0L, null, false), (read.State!.Text, read.State!.Number, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task EachStateName_IsItsOwnRow()
    {
        string[] names = ["raft/log/7", "raft/log/8", "raft/hard"];
        for (var i = 0; i < names.Length; i++)
        {
            await silo.Storage.WriteStateAsync(names[i], _grain, State(names[i], i));
        }

        Assert.Equal(3, RowsOf(_grain));
        for (var i = 0; i < names.Length; i++)
        {
            var read = new GrainState<ProbeState>();
            await silo.Storage.ReadStateAsync(names[i], _grain, read);
            Assert.Equal((names[i], (long)i, "1"), (read.State!.Text, read.State!.Number, read.ETag));
        }
    }

    [Fact]
    public async Task KeysWithAndWithoutExtension_AreDifferentRows()
    {
        var number = Random.Shared.NextInt64(1, long.MaxValue);
        var plain = GrainId.Create(GrainType.Create("probe"), GrainIdKeyExtensions.CreateIntegerKey(number));
        var extended = GrainId.Create(GrainType.Create("probe"), GrainIdKeyExtensions.CreateIntegerKey(number, "x"));

        await silo.Storage.WriteStateAsync("raft/hard", plain, State("plain", 1));
        await silo.Storage.WriteStateAsync("raft/hard", extended, State("extended", 2));

        var readPlain = new GrainState<ProbeState>();
        var readExtended = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/hard", plain, readPlain);
        await silo.Storage.ReadStateAsync("raft/hard", extended, readExtended);
        Assert.Equal(("plain", "1"), (readPlain.State!.Text, readPlain.ETag));
        Assert.Equal(("extended", "1"), (readExtended.State!.Text, readExtended.ETag));
        Assert.Equal(2, SqliteInspector.Count(silo.StoragePath, $"SELECT count(*) FROM OrleansStorage WHERE GrainIdN1 = {number}"));
    }

    [Fact]
    public async Task Write_WithAStaleETag_ThrowsAndKeepsTheNewerState()
    {
        await silo.Storage.WriteStateAsync("raft/hard", _grain, State("v1", 1));
        var first = new GrainState<ProbeState>();
        var second = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/hard", _grain, first);
        await silo.Storage.ReadStateAsync("raft/hard", _grain, second);

        first.State!.Text = "from first";
        await silo.Storage.WriteStateAsync("raft/hard", _grain, first);
        second.State!.Text = "from second";
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync("raft/hard", _grain, second));

        var read = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/hard", _grain, read);
        Assert.Equal(("from first", "2"), (read.State!.Text, read.ETag));
        Assert.Equal("1", second.ETag);
    }

    [Fact]
    public async Task Write_WithoutETag_OverAnExistingRow_Throws()
    {
        await silo.Storage.WriteStateAsync("raft/hard", _grain, State("existing", 1));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => silo.Storage.WriteStateAsync("raft/hard", _grain, State("second activation", 2)));

        var read = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/hard", _grain, read);
        Assert.Equal(("existing", "1"), (read.State!.Text, read.ETag));
    }

    [Fact]
    public async Task Write_WithAnETag_WhenNoRowExists_Throws()
    {
        var state = State("ghost", 1);
        state.ETag = "3";

        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync("raft/hard", _grain, state));

        Assert.Equal(0, RowsOf(_grain));
    }

    [Fact]
    public async Task Clear_KeepsTheRowWithoutPayload_AndMovesTheETag()
    {
        var state = State("to clear", 5);
        await silo.Storage.WriteStateAsync("raft/snapshot", _grain, state);
        var stale = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/snapshot", _grain, stale);

        await silo.Storage.ClearStateAsync("raft/snapshot", _grain, state);

        Assert.Equal(("2", false, ""), (state.ETag, state.RecordExists, state.State!.Text));
        var read = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/snapshot", _grain, read);
        Assert.Equal(("2", false, ""), (read.ETag, read.RecordExists, read.State!.Text));
        Assert.Equal(1, RowsOf(_grain));

        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync("raft/snapshot", _grain, stale));
        read.State!.Text = "after clear";
        await silo.Storage.WriteStateAsync("raft/snapshot", _grain, read);
        Assert.Equal("3", read.ETag);
    }

    [Fact]
    public async Task Clear_WithAStaleETag_Throws()
    {
        var stale = State("v1", 1);
        await silo.Storage.WriteStateAsync("raft/hard", _grain, stale);
        var current = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/hard", _grain, current);
        await silo.Storage.WriteStateAsync("raft/hard", _grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.ClearStateAsync("raft/hard", _grain, stale));

        var read = new GrainState<ProbeState>();
        await silo.Storage.ReadStateAsync("raft/hard", _grain, read);
        Assert.Equal(("v1", "2", true), (read.State!.Text, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task Clear_WithDeleteStateOnClear_RemovesTheRow()
    {
        var state = State("to delete", 1);
        await silo.DeletingStorage.WriteStateAsync("raft/hard", _grain, state);

        await silo.DeletingStorage.ClearStateAsync("raft/hard", _grain, state);

        Assert.Equal((null, false), (state.ETag, state.RecordExists));
        Assert.Equal(0, SqliteInspector.Count(silo.DeletingStoragePath,
            $"SELECT count(*) FROM OrleansStorage WHERE GrainIdExtensionString = '{_grain.Key}'"));
        state.State!.Text = "recreated";
        await silo.DeletingStorage.WriteStateAsync("raft/hard", _grain, state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task WriteRoundTrip_IsMeasured()
    {
        const int Writes = 300;
        var payload = new byte[1024];
        Random.Shared.NextBytes(payload);
        var state = new GrainState<ProbeState>(new ProbeState { Payload = payload });
        var sequential = new List<double>(Writes);
        for (var i = 0; i < Writes; i++)
        {
            state.State!.Number = i;
            var stopwatch = Stopwatch.StartNew();
            await silo.Storage.WriteStateAsync("raft/bench", _grain, state);
            sequential.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        Assert.Equal(Writes.ToString(), state.ETag);
        output.WriteLine($"sequential 1 KiB writes: p50 {Percentile.Of(sequential, 50):F2} ms, p99 {Percentile.Of(sequential, 99):F2} ms, max {sequential.Max():F2} ms ({Writes} writes)");

        const int Writers = 4;
        const int WritesEach = 100;
        var concurrent = new List<double>[Writers];
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            concurrent[writer] = new List<double>(WritesEach);
            var own = new GrainState<ProbeState>(new ProbeState { Payload = payload });
            for (var i = 0; i < WritesEach; i++)
            {
                var stopwatch = Stopwatch.StartNew();
                await silo.Storage.WriteStateAsync($"raft/bench/{writer}", _grain, own);
                concurrent[writer].Add(stopwatch.Elapsed.TotalMilliseconds);
            }

            Assert.Equal(WritesEach.ToString(), own.ETag);
        })));

        var all = concurrent.SelectMany(times => times).ToList();
        output.WriteLine($"{Writers} concurrent writers on one file: p50 {Percentile.Of(all, 50):F2} ms, p99 {Percentile.Of(all, 99):F2} ms, max {all.Max():F2} ms ({all.Count} writes)");
    }
}
