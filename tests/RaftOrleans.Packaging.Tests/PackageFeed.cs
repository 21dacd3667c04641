using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace RaftOrleans.Packaging.Tests;

/// <summary>One package in the feed: its nuspec and its files.</summary>
public sealed record PackageFile(string Path, XElement Metadata, IReadOnlyList<string> Entries)
{
    /// <summary>Package id.</summary>
    public string Id => Value("id");

    /// <summary>Package version.</summary>
    public string Version => Value("version");

    /// <summary>A metadata element's text ("" when absent).</summary>
    public string Value(string name) => Metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

    /// <summary>The metadata element <paramref name="name"/>, if present.</summary>
    public XElement? Element(string name) => Metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    /// <summary>The ids and versions of its dependencies (every target framework group).</summary>
    public IReadOnlyDictionary<string, string> Dependencies =>
        Metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .GroupBy(e => (string)e.Attribute("id")!)
            .ToDictionary(g => g.Key, g => (string)g.First().Attribute("version")!);

    /// <summary>Reads a file of the package.</summary>
    public byte[] Read(string entry)
    {
        using var zip = ZipFile.OpenRead(Path);
        using var stream = zip.GetEntry(entry)?.Open() ?? throw new FileNotFoundException($"{entry} is not in {Path}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Opens a .nupkg.</summary>
    public static PackageFile Open(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var nuspec = zip.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        return new PackageFile(path, metadata, [.. zip.Entries.Select(e => e.FullName)]);
    }
}

/// <summary>
/// The local folder feed under test: <c>RAFTKV_PACKAGE_FEED</c> (scripts/test.sh packs the solution there
/// right after building it), or, when that is unset, a temporary folder this fixture packs the built solution into.
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    /// <summary>The environment variable naming a packed feed.</summary>
    public const string EnvironmentVariable = "RAFTKV_PACKAGE_FEED";

    private string? _packedHere;

    /// <summary>The feed folder.</summary>
    public string Folder { get; private set; } = "";

    /// <summary>Every .nupkg in it (symbol packages aside).</summary>
    public IReadOnlyList<PackageFile> Packages { get; private set; } = [];

    /// <summary>The one version every package has (checked by the tests).</summary>
    public string Version => Packages.Single(p => p.Id == "RaftOrleans.Grains").Version;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } folder)
        {
            Folder = Path.GetFullPath(folder);
        }
        else
        {
            _packedHere = Directory.CreateTempSubdirectory("raftkv-feed-").FullName;
            Folder = _packedHere;
            var pack = await Tool.RunAsync("dotnet",
                // --no-build: the solution is built already (this test is part of it); building it again here
                // could rewrite the assemblies this very test host has loaded.
                ["pack", Path.Combine(Tool.RepositoryRoot, "RaftOrleans.sln"), "-c", Tool.BuildConfiguration, "--no-build", "-nologo", "-o", Folder],
                Tool.RepositoryRoot, TimeSpan.FromMinutes(10));
            Assert.True(pack.ExitCode == 0, pack.ToString());
        }
        Assert.True(Directory.Exists(Folder), $"the package feed {Folder} does not exist ({EnvironmentVariable})");
        Packages = [.. Directory.GetFiles(Folder, "*.nupkg").Order(StringComparer.Ordinal).Select(PackageFile.Open)];
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        if (_packedHere is not null) Directory.Delete(_packedHere, recursive: true);
        return Task.CompletedTask;
    }
}
