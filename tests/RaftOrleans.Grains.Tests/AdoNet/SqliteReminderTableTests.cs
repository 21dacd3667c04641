using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using RaftOrleans.Grains.AdoNet;
using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>
/// The reminder-table contract of Orleans' ADO.NET reminders provider on our SQLite queries: ETags,
/// and ring-range reads with signed 32-bit hashes.
/// </summary>
[Collection(SqliteAdoNetCollection.Name)]
public sealed class SqliteReminderTableTests : IAsyncLifetime
{
    private static readonly DateTime Start = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

    private readonly TempDatabaseDirectory _directory = new();
    private readonly ServiceProvider _services;
    private readonly IReminderTable _table;

    public SqliteReminderTableTests()
    {
        // The provider's table class is internal: resolve it the way a silo does.
        var services = new ServiceCollection();
        services.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = ("cluster", "service"));
        services.UseAdoNetReminderService(options => options.Configure(reminders =>
        {
            reminders.Invariant = AdoNetInvariantNames.Sqlite;
            reminders.ConnectionString = SqliteConnectionStrings.ForDatabase(DatabasePath);
        }));
        _services = services.BuildServiceProvider();
        _table = _services.GetRequiredService<IReminderTable>();
    }

    private string DatabasePath => _directory.PathOf("cluster.db");

    public async Task InitializeAsync()
    {
        await SqliteSchema.EnsureCreatedAsync(DatabasePath, SqliteSchemaParts.Reminders);
        await _table.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Upsert_ReturnsANewETagEachTime_AndReadRowRoundTrips()
    {
        var grain = GrainId.Create("replica", "default/1");

        var first = await _table.UpsertRow(Reminder(grain, "wake", TimeSpan.FromMinutes(1)));
        var second = await _table.UpsertRow(Reminder(grain, "wake", TimeSpan.FromDays(30)));

        Assert.Equal(("0", "1"), (first, second));
        var stored = await _table.ReadRow(grain, "wake");
        Assert.NotNull(stored);
        Assert.Equal((grain, "wake", Start, TimeSpan.FromDays(30), "1"),
            (stored.GrainId, stored.ReminderName, stored.StartAt, stored.Period, stored.ETag));
    }

    [Fact]
    public async Task RemoveRow_NeedsTheCurrentETag()
    {
        var grain = GrainId.Create("replica", "default/2");
        await _table.UpsertRow(Reminder(grain, "wake", TimeSpan.FromMinutes(1)));
        var etag = await _table.UpsertRow(Reminder(grain, "wake", TimeSpan.FromMinutes(2)));

        Assert.False(await _table.RemoveRow(grain, "wake", "0"));
        Assert.True(await _table.RemoveRow(grain, "wake", etag!));
        Assert.False(await _table.RemoveRow(grain, "wake", etag!));
        Assert.Null(await _table.ReadRow(grain, "wake"));
    }

    [Fact]
    public async Task ReadRows_OfAGrain_ReturnsOnlyItsReminders()
    {
        var grain = GrainId.Create("replica", "default/3");
        var other = GrainId.Create("replica", "default/4");
        await _table.UpsertRow(Reminder(grain, "a", TimeSpan.FromMinutes(1)));
        await _table.UpsertRow(Reminder(grain, "b", TimeSpan.FromMinutes(1)));
        await _table.UpsertRow(Reminder(other, "a", TimeSpan.FromMinutes(1)));

        var rows = await _table.ReadRows(grain);

        Assert.Equal(["a", "b"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(grain, r.GrainId));
    }

    [Fact]
    public async Task ReadRows_OfARingRange_ReturnsExactlyTheGrainsInIt_WhereverTheRangeLies()
    {
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("replica", $"group-{i}/1")).ToList();
        foreach (var grain in grains)
        {
            await _table.UpsertRow(Reminder(grain, "wake", TimeSpan.FromMinutes(1)));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        // Ends at grain hashes test the exclusive begin and inclusive end; the others sit where the
        // signed order wraps (0x7FFFFFFF/0x80000000) and where the unsigned order wraps (0/uint.MaxValue).
        uint[] points = [0, 0x7FFFFFFF, 0x80000000, uint.MaxValue, hashes[3], hashes[17], hashes[24], hashes[38]];
        foreach (var begin in points)
        {
            foreach (var end in points)
            {
                var expected = grains.Where(g => InRing(g.GetUniformHashCode(), begin, end)).Order().ToList();

                var rows = await _table.ReadRows(begin, end);

                Assert.True(expected.SequenceEqual(rows.Reminders.Select(r => r.GrainId).Order()),
                    $"range ({begin:X8}, {end:X8}]: expected {expected.Count} grains, got {rows.Reminders.Count}");
            }
        }
    }

    /// <summary>Orleans' ring range (begin, end]; begin = end is the whole ring.</summary>
    private static bool InRing(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static ReminderEntry Reminder(GrainId grain, string name, TimeSpan period) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = Start,
        Period = period,
    };
}
