using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using Xunit;

namespace RaftOrleans.Packaging.Tests;

/// <summary>The feed fixture, shared by every test here (packed once when the feed is not given).</summary>
[CollectionDefinition(Name)]
public sealed class FeedCollection : ICollectionFixture<PackageFeed>
{
    /// <summary>The collection name.</summary>
    public const string Name = "package feed";
}

/// <summary>The packages themselves: which there are, one version, the metadata a package needs, and the split.</summary>
[Collection(FeedCollection.Name)]
public sealed class PackageTests(PackageFeed feed)
{
    private static readonly string[] Expected =
    [
        "RaftOrleans.Client.Connection", "RaftOrleans.Consensus", "RaftOrleans.Grains", "RaftOrleans.Grains.AdoNet",
        "RaftOrleans.Grains.Interfaces", "RaftOrleans.Grains.PostgreSql", "RaftOrleans.Grains.Sqlite", "RaftOrleans.KeyValue", "RaftOrleans.Recipes",
        "RaftOrleans.Security", "raftkv", "raftkv-silo",
    ];

    [Fact]
    public void TheFeedHoldsEveryPackageOnceAtOneVersion()
    {
        Assert.Equal(Expected, feed.Packages.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Single(feed.Packages.Select(p => p.Version).Distinct());
        foreach (var package in feed.Packages)
        {
            Assert.True(File.Exists(Path.ChangeExtension(package.Path, ".snupkg")), $"{package.Id}: no symbol package beside {package.Path}");
            // Every dependency on one of ours is on the same version.
            foreach (var (id, version) in package.Dependencies.Where(d => Expected.Contains(d.Key)))
            {
                Assert.True(version == feed.Version, $"{package.Id} depends on {id} {version}, not {feed.Version}");
            }
        }
    }

    [Fact]
    public void EveryPackageHasItsDescriptionLicenseReadmeAndRepository()
    {
        foreach (var package in feed.Packages)
        {
            var description = package.Value("description");
            Assert.True(description.Length > 20 && description != "Package Description", $"{package.Id}: description '{description}'");
            var license = package.Element("license");
            Assert.True(license is not null && (string?)license.Attribute("type") == "expression" && license.Value == "MIT",
                $"{package.Id}: license {license}");
            Assert.Equal("README.md", package.Value("readme"));
            var readme = Encoding.UTF8.GetString(package.Read("README.md"));
            Assert.True(readme.StartsWith("# ", StringComparison.Ordinal) && readme.Length > 200, $"{package.Id}: README.md is '{readme}'");
            // SourceLink: the repository and commit the sources map to (the URL only where the clone has an origin remote).
            var repository = package.Element("repository");
            Assert.True(repository?.Attribute("commit")?.Value is { Length: 40 }, $"{package.Id}: repository {repository}");
        }
    }

    [Fact]
    public void TheServerPackageBringsNoDatabaseDriverAndEachBackEndOnlyItsOwn()
    {
        var grains = Dependencies("RaftOrleans.Grains");
        Assert.Contains("Microsoft.Orleans.Server", grains);
        Assert.Contains("RaftOrleans.Grains.Interfaces", grains);
        Assert.DoesNotContain(grains, d => d is "Microsoft.Data.Sqlite" or "Npgsql" || d.Contains("AdoNet", StringComparison.Ordinal));

        var sqlite = Dependencies("RaftOrleans.Grains.Sqlite");
        Assert.Contains("Microsoft.Data.Sqlite", sqlite);
        Assert.Contains("RaftOrleans.Grains", sqlite);
        Assert.DoesNotContain("Npgsql", sqlite);

        var postgres = Dependencies("RaftOrleans.Grains.PostgreSql");
        Assert.Contains("Npgsql", postgres);
        Assert.Contains("RaftOrleans.Grains", postgres);
        Assert.DoesNotContain("Microsoft.Data.Sqlite", postgres);

        Assert.DoesNotContain(Dependencies("RaftOrleans.Grains.AdoNet"), d => d is "Microsoft.Data.Sqlite" or "Npgsql");
        Assert.Equal(["Microsoft.Orleans.Sdk"], Dependencies("RaftOrleans.Grains.Interfaces"));
    }

    [Fact]
    public void TheInterfacesPackageHoldsOnlyWhatClientsSeeAndNoPackageHoldsTheBenchmarkBaseline()
    {
        var interfaces = TypeNames("RaftOrleans.Grains.Interfaces");
        foreach (var clientType in new[] { "IKeyValueGrain", "RaftKeyValueStore", "KvResponse", "KvStatusCode", "CasCondition", "MembershipChange", "GroupStatus", "ReplicaStatus", "BackupSession" })
        {
            Assert.Contains(clientType, interfaces);
        }
        foreach (var serverType in new[] { "IRaftReplicaGrain", "RaftEnvelope", "RaftEntryData", "ReplicaReply", "BackupReplicaReply" })
        {
            Assert.DoesNotContain(serverType, interfaces);
        }
        var server = TypeNames("RaftOrleans.Grains");
        Assert.Contains("IRaftReplicaGrain", server);
        Assert.Contains("RaftEnvelope", server);
        foreach (var id in Expected.Where(id => id.StartsWith("RaftOrleans.", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(TypeNames(id), name => name.StartsWith("Baseline", StringComparison.Ordinal) || name.StartsWith("IBaseline", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("raftkv", "raftkv.dll")]
    [InlineData("raftkv-silo", "raftkv-silo.dll")]
    public void TheExecutablesAreDotnetTools(string id, string entryPoint)
    {
        var package = feed.Packages.Single(p => p.Id == id);
        Assert.Contains(package.Metadata.Descendants(), e => e.Name.LocalName == "packageType" && (string?)e.Attribute("name") == "DotnetTool");
        var settings = Encoding.UTF8.GetString(package.Read("tools/net10.0/any/DotnetToolSettings.xml"));
        Assert.Contains($"Name=\"{id}\"", settings);
        Assert.Contains($"EntryPoint=\"{entryPoint}\"", settings);
    }

    private IReadOnlyCollection<string> Dependencies(string id) => [.. feed.Packages.Single(p => p.Id == id).Dependencies.Keys];

    /// <summary>The names of the types defined in the package's assembly (without namespaces).</summary>
    private HashSet<string> TypeNames(string id)
    {
        var bytes = feed.Packages.Single(p => p.Id == id).Read($"lib/net10.0/{id}.dll");
        using var pe = new PEReader(new MemoryStream(bytes));
        var reader = pe.GetMetadataReader();
        return [.. reader.TypeDefinitions.Select(h => reader.GetString(reader.GetTypeDefinition(h).Name)).Select(n => n.Split('`')[0])];
    }
}
