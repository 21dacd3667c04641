using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace RaftOrleans.Packaging.Tests;

/// <summary>
/// A user's first hour with the packages: a copy of samples/ConfigAndLock built from the feed alone, its
/// silo started (AddRaftKeyValue on the embedded SQLite back end) and its application run against it, then
/// the raftkv tool installed from the feed reading what the application wrote, and raftkv-silo installed.
/// </summary>
[Collection(FeedCollection.Name)]
public sealed class SampleTests(PackageFeed feed, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private readonly string _work = Directory.CreateTempSubdirectory("raftkv-packaging-").FullName;

    [Fact]
    public async Task TheSampleBuiltFromThePackagesRunsAndTheToolsInstallFromTheFeed()
    {
        var cache = Path.Combine(_work, "nuget-packages");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = cache };
        var config = WriteNuGetConfig();
        var app = Path.Combine(_work, "ConfigAndLock");
        CopyWithoutBuildOutput(Path.Combine(Tool.RepositoryRoot, "samples", "ConfigAndLock"), app);

        foreach (var project in new[] { "ConfigAndLock.Silo", "ConfigAndLock.Client" })
        {
            var build = await Tool.RunAsync("dotnet",
                ["build", Path.Combine(app, project, $"{project}.csproj"), "-c", "Release", "-nologo", "--disable-build-servers",
                 "--configfile", config, "-p:UseRaftOrleansPackages=true", $"-p:RaftOrleansVersion={feed.Version}"],
                _work, BuildTimeout, environment);
            output.WriteLine($"{build.Command}: exit {build.ExitCode}");
            Assert.True(build.ExitCode == 0, build.ToString());
            AssertBuiltFromTheFeedOnly(Path.Combine(app, project, "obj", "project.assets.json"), cache);
        }

        // The silo, on the embedded SQLite default, and the application against it.
        var siloPort = Tool.FreePort();
        var gatewayPort = Tool.FreePort();
        using (var silo = new BackgroundProcess("dotnet",
            [Path.Combine(app, "ConfigAndLock.Silo", "bin", "Release", "net10.0", "ConfigAndLock.Silo.dll"),
             "--Index", "1", "--Data", Path.Combine(_work, "data"), "--SiloPort", $"{siloPort}", "--GatewayPort", $"{gatewayPort}"],
            _work))
        {
            await silo.WaitForLineAsync("silo1 serving", RunTimeout);
            Assert.True(File.Exists(Path.Combine(_work, "data", "silo1", "raft.db")), $"no SQLite Raft log under {_work}/data\n{silo.Output}");

            var client = await Tool.RunAsync("dotnet",
                [Path.Combine(app, "ConfigAndLock.Client", "bin", "Release", "net10.0", "ConfigAndLock.Client.dll"), $"127.0.0.1:{gatewayPort}"],
                _work, RunTimeout);
            output.WriteLine(client.ToString());
            Assert.True(client.ExitCode == 0, $"{client}\n--- silo\n{silo.Output}");
            Assert.Equal(
                [
                    "config app/config/greeting = hello (revision N)",
                    "config app/config/report-hour = 2 (revision N)",
                    "worker-a took the lock",
                    "worker-b: lock held by worker-a",
                    "worker-a ran the report (run 1)",
                    "worker-a released the lock",
                    "worker-b took the lock, with a newer fencing token",
                    "worker-b released the lock",
                ],
                Lines(client.Stdout).Select(line => Regex.Replace(line, @"\(revision \d+\)", "(revision N)")));

            // The raftkv tool, installed from the feed, reads what the application wrote.
            var tools = Path.Combine(_work, "tools");
            await InstallToolAsync("raftkv", tools, config, environment);
            var raftkv = Path.Combine(tools, "raftkv");
            var help = await Tool.RunAsync(raftkv, ["--help"], _work, RunTimeout);
            Assert.True(help.ExitCode == 0 && help.Stdout.Contains("Usage:", StringComparison.Ordinal), help.ToString());
            var get = await Tool.RunAsync(raftkv, ["--gateway", $"127.0.0.1:{gatewayPort}", "get", "app/config/greeting"], _work, RunTimeout);
            Assert.True(get.ExitCode == 0, get.ToString());
            Assert.Equal(["hello"], Lines(get.Stdout));
            var runs = await Tool.RunAsync(raftkv, ["--gateway", $"127.0.0.1:{gatewayPort}", "get", "app/reports/runs"], _work, RunTimeout);
            Assert.True(runs.ExitCode == 0, runs.ToString());
            Assert.Equal(["1"], Lines(runs.Stdout));
            // The fenced write of the last holder stands.
            var lastRun = await Tool.RunAsync(raftkv, ["--gateway", $"127.0.0.1:{gatewayPort}", "get", "app/reports/last-run-by"], _work, RunTimeout);
            Assert.True(lastRun.ExitCode == 0, lastRun.ToString());
            Assert.Equal(["worker-b"], Lines(lastRun.Stdout));
        }

        // raftkv-silo, the silo host, as a tool.
        var siloTools = Path.Combine(_work, "silo-tools");
        await InstallToolAsync("raftkv-silo", siloTools, config, environment);
        var siloHelp = await Tool.RunAsync(Path.Combine(siloTools, "raftkv-silo"), ["--help"], _work, RunTimeout);
        Assert.True(siloHelp.ExitCode == 0, siloHelp.ToString());
        foreach (var command in new[] { "run", "local", "migrate", "restore" })
        {
            Assert.Matches(new Regex($@"^\s+{command}\b", RegexOptions.Multiline), siloHelp.Stdout);
        }
    }

    private async Task InstallToolAsync(string id, string toolPath, string config, IReadOnlyDictionary<string, string> environment)
    {
        var install = await Tool.RunAsync("dotnet",
            ["tool", "install", id, "--tool-path", toolPath, "--version", feed.Version, "--configfile", config],
            _work, BuildTimeout, environment);
        output.WriteLine(install.ToString());
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(File.Exists(Path.Combine(toolPath, id)), $"no {id} command in {toolPath}\n{install}");
    }

    /// <summary>
    /// A nuget.config that takes RaftOrleans packages from the feed only (package source mapping) and every
    /// third-party package from nuget.org, or from this machine's NuGet cache read as a plain folder feed
    /// when it has them (faster, and nothing of ours can come from it: the mapping sends those to the feed).
    /// </summary>
    private string WriteNuGetConfig()
    {
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cacheSource = Directory.Exists(machineCache)
            ? $"""    <add key="machine-cache" value="{machineCache}" />"""
            : "";
        var cacheMapping = Directory.Exists(machineCache)
            ? """    <packageSource key="machine-cache"><package pattern="*" /></packageSource>"""
            : "";
        var path = Path.Combine(_work, "nuget.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="raftorleans" value="{feed.Folder}" />
            {cacheSource}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="raftorleans">
                  <package pattern="RaftOrleans.*" />
                  <package pattern="raftkv" />
                  <package pattern="raftkv-silo" />
                </packageSource>
            {cacheMapping}
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        return path;
    }

    /// <summary>
    /// Every RaftOrleans library of the build is a package of the feed's version, extracted into the test's own
    /// empty cache from the feed folder (NuGet records the source in .nupkg.metadata); no project is referenced.
    /// </summary>
    private void AssertBuiltFromTheFeedOnly(string assetsFile, string cache)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().ToList();
        Assert.DoesNotContain(libraries, l => l.Value.GetProperty("type").GetString() == "project");
        var ours = libraries.Where(l => l.Name.StartsWith("RaftOrleans.", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(ours);
        foreach (var library in ours)
        {
            Assert.Equal($"{library.Name.Split('/')[0]}/{feed.Version}", library.Name);
            var metadata = Path.Combine(cache, library.Value.GetProperty("path").GetString()!, ".nupkg.metadata");
            using var source = JsonDocument.Parse(File.ReadAllText(metadata));
            Assert.Equal(Path.TrimEndingDirectorySeparator(feed.Folder), Path.TrimEndingDirectorySeparator(source.RootElement.GetProperty("source").GetString()!));
        }
    }

    private static void CopyWithoutBuildOutput(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }

    private static List<string> Lines(string text) => [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("RAFTKV_KEEP_PACKAGING_WORK") is not { Length: > 0 })
        {
            try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        else
        {
            output.WriteLine($"kept {_work}");
        }
    }
}
