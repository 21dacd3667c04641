using RaftOrleans.Bench.Soak;
using Xunit;

namespace RaftOrleans.Bench.Tests;

public sealed class MemberFootprintTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("raftkv-bench-soak-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void VmRSS_is_read_in_bytes_from_a_fake_proc_status_file()
    {
        Directory.CreateDirectory(Path.Combine(_root, "4242"));
        File.WriteAllText(Path.Combine(_root, "4242", "status"), "Name:\traftkv-silo\nState:\tS (sleeping)\nVmPeak:\t  999999 kB\nVmRSS:\t  289012 kB\nRssAnon:\t  100 kB\n");
        Assert.Equal(289012L * 1024, ProcessMemory.RssBytes(4242, _root));
        Assert.True(ProcessMemory.IsRunning(4242, _root));
    }

    [Fact]
    public void A_zombie_or_missing_process_has_no_RSS_and_is_not_running()
    {
        Directory.CreateDirectory(Path.Combine(_root, "77"));
        File.WriteAllText(Path.Combine(_root, "77", "status"), "Name:\tetcd\nState:\tZ (zombie)\nThreads:\t1\n");
        Assert.Null(ProcessMemory.RssBytes(77, _root));
        Assert.False(ProcessMemory.IsRunning(77, _root));
        Assert.Null(ProcessMemory.RssBytes(78, _root));
        Assert.False(ProcessMemory.IsRunning(78, _root));
    }

    [Theory]
    [InlineData("VmRSS:\t12 MB\n")]
    [InlineData("VmRSS:\tlots kB\n")]
    [InlineData("VmRSS:\n")]
    public void A_malformed_VmRSS_line_reads_as_unknown(string text) => Assert.Null(ProcessMemory.ParseVmRss(text));

    [Fact]
    public void This_process_has_a_plausible_RSS()
    {
        var rss = ProcessMemory.RssBytes(Environment.ProcessId);
        Assert.NotNull(rss);
        Assert.InRange(rss!.Value, 1L << 20, 64L << 30);
    }

    [Fact]
    public void Disk_bytes_sum_every_file_below_the_directory_and_skip_symbolic_links()
    {
        var member = Directory.CreateDirectory(Path.Combine(_root, "silo1")).FullName;
        File.WriteAllBytes(Path.Combine(member, "raft.db"), new byte[4096]);
        File.WriteAllBytes(Path.Combine(member, "raft.db-wal"), new byte[1000]);
        var nested = Directory.CreateDirectory(Path.Combine(member, "member", "snap")).FullName;
        File.WriteAllBytes(Path.Combine(nested, "db"), new byte[12345]);
        File.WriteAllBytes(Path.Combine(_root, "outside.bin"), new byte[777]);
        File.CreateSymbolicLink(Path.Combine(member, "link-to-outside"), Path.Combine(_root, "outside.bin"));
        Assert.Equal(4096 + 1000 + 12345, DirectorySize.Bytes(member));
    }

    [Fact]
    public void A_missing_directory_has_zero_bytes() => Assert.Equal(0, DirectorySize.Bytes(Path.Combine(_root, "never-created")));
}
