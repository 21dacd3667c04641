using RaftOrleans.Grains.Security;
using Xunit;

namespace RaftOrleans.Grains.Tests.Security;

/// <summary>The classification table of <see cref="IKeyValueGrain"/> methods and the grants checked against it (docs/security.md).</summary>
public sealed class KeyValueGrainAccessTests
{
    private static readonly ClientAuthorizationPolicy Policy = new(new Dictionary<string, ClientGrant>(StringComparer.Ordinal)
    {
        ["admin"] = new() { Access = ClientAccess.Admin },
        ["writer"] = new() { Access = ClientAccess.ReadWrite },
        ["reader"] = new() { Access = ClientAccess.ReadOnly },
        ["app"] = new() { Access = ClientAccess.ReadWrite, Prefixes = ["app/", "shared/"] },
        ["app-reader"] = new() { Access = ClientAccess.ReadOnly, Prefixes = ["app/"] },
    });

    private static AccessRequest Call(string method, params object?[] arguments)
        => KeyValueGrainAccess.Classify(method, i => i < arguments.Length ? arguments[i] : null);

    [Theory]
    [InlineData(nameof(IKeyValueGrain.Get), AccessKind.ReadKey)]
    [InlineData(nameof(IKeyValueGrain.Put), AccessKind.WriteKey)]
    [InlineData(nameof(IKeyValueGrain.Delete), AccessKind.WriteKey)]
    [InlineData(nameof(IKeyValueGrain.CompareAndSwap), AccessKind.WriteKey)]
    [InlineData(nameof(IKeyValueGrain.Increment), AccessKind.WriteKey)]
    public void KeyMethodsAreClassifiedWithTheirKey(string method, AccessKind kind)
        => Assert.Equal(new AccessRequest(method, kind, "k1"), Call(method, "k1", "v"));

    [Theory]
    [InlineData(nameof(IKeyValueGrain.ChangeMembership))]
    [InlineData(nameof(IKeyValueGrain.MoveLeader))]
    [InlineData(nameof(IKeyValueGrain.BeginBackup))]
    [InlineData(nameof(IKeyValueGrain.ReadBackupChunk))]
    [InlineData(nameof(IKeyValueGrain.EndBackup))]
    public void AdministrativeMethodsNeedAdmin(string method)
    {
        Assert.Equal(AccessKind.Admin, Call(method).Kind);
        Assert.Null(Policy.Check("admin", Call(method)));
        Assert.Contains("needs Admin", Policy.Check("writer", Call(method)));
        Assert.Contains("needs Admin", Policy.Check("reader", Call(method)));
    }

    [Fact]
    public void StatusIsOpenToEveryKnownIdentity()
    {
        Assert.Equal(AccessKind.ReadStatus, Call(nameof(IKeyValueGrain.Status)).Kind);
        Assert.Null(Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Status))));
        Assert.Contains("has no grant", Policy.Check("stranger", Call(nameof(IKeyValueGrain.Status))));
    }

    [Theory]
    [InlineData("Lease")]
    [InlineData("SomethingNew")]
    public void AMethodMissingFromTheTableIsAdminOnly(string method)
    {
        AccessRequest request = Call(method, "app/x", "app/y");
        Assert.Equal(new AccessRequest(method, AccessKind.Admin, null), request);
        Assert.Contains("needs Admin", Policy.Check("writer", request));
        Assert.Contains("needs Admin", Policy.Check("reader", request));
        Assert.Null(Policy.Check("admin", request));
    }

    [Fact]
    public void EveryInterfaceMethodIsClassified()
    {
        // A tripwire: a method added to IKeyValueGrain is Admin-only until classified in KeyValueGrainAccess.
        var unclassified = typeof(IKeyValueGrain).GetMethods().Select(m => m.Name)
            .Except(KeyValueGrainAccess.ClassifiedMethods).Order(StringComparer.Ordinal).ToArray();
        Assert.Empty(unclassified);
    }

    [Fact]
    public void RangesMustLieWithinAPrefixAndTransactionsNeedEveryKeyTheyTouch()
    {
        Assert.Null(Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Range), RangeRequest.WithPrefix("app/config/"))));
        Assert.Null(Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Range), RangeRequest.Between("app/a", "app0"))));
        Assert.Contains("outside its prefixes", Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Range), RangeRequest.Between("app/a", "b"))));
        Assert.Contains("outside its prefixes", Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Range), RangeRequest.Between("app/a", null))));
        Assert.Contains("outside its prefixes", Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Watch), RangeRequest.WithPrefix("ap"))));
        Assert.Contains("read-only", Policy.Check("app-reader", Call(nameof(IKeyValueGrain.DeleteRange), RangeRequest.WithPrefix("app/"))));
        Assert.Null(Policy.Check("app", Call(nameof(IKeyValueGrain.DeleteRange), RangeRequest.WithPrefix("shared/tmp/"))));

        var inside = new TxnRequest { Compares = [TxnCompare.Absent("app/lock")], Success = [TxnOperation.Put("app/lock", "me")], Failure = [TxnOperation.Read(RangeRequest.Single("shared/x"))] };
        Assert.Null(Policy.Check("app", Call(nameof(IKeyValueGrain.Txn), inside)));
        Assert.Contains("read-only", Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Txn), inside)));
        var peeking = inside with { Compares = [TxnCompare.Absent("other/lock")] };
        Assert.Equal("client 'app' may not write key 'other/lock': outside its prefixes ('app/', 'shared/')", Policy.Check("app", Call(nameof(IKeyValueGrain.Txn), peeking)));
        var readOnly = new TxnRequest { Success = [TxnOperation.Read(RangeRequest.WithPrefix("app/"))] };
        Assert.Null(Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Txn), readOnly)));
    }

    [Fact]
    public void LeasesNeedReadWriteAndARevokeNeedsNoPrefixLimit()
    {
        Assert.Null(Policy.Check("app", Call(nameof(IKeyValueGrain.LeaseGrant), 10L, 0L)));
        Assert.Null(Policy.Check("app", Call(nameof(IKeyValueGrain.LeaseKeepAlive), 1L)));
        Assert.Contains("read-only", Policy.Check("reader", Call(nameof(IKeyValueGrain.LeaseGrant), 10L, 0L)));
        Assert.Null(Policy.Check("writer", Call(nameof(IKeyValueGrain.LeaseRevoke), 1L)));
        Assert.Contains("deletes the lease's keys wherever they are", Policy.Check("app", Call(nameof(IKeyValueGrain.LeaseRevoke), 1L)));
        Assert.Null(Policy.Check("app", Call(nameof(IKeyValueGrain.PutLeased), "app/x", "v", 1L)));
        Assert.Contains("outside its prefixes", Policy.Check("app", Call(nameof(IKeyValueGrain.PutLeased), "other/x", "v", 1L)));
    }

    [Fact]
    public void AKeyArgumentThatIsNotAStringIsAdminOnly()
        => Assert.Equal(AccessKind.Admin, Call(nameof(IKeyValueGrain.Put), 42, "v").Kind);

    [Fact]
    public void EveryClassifiedMethodExistsOnTheInterface()
    {
        var methods = typeof(IKeyValueGrain).GetMethods().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(KeyValueGrainAccess.ClassifiedMethods, m => Assert.Contains(m, methods));
    }

    [Fact]
    public void AReadOnlyClientReadsButDoesNotWrite()
    {
        Assert.Null(Policy.Check("reader", Call(nameof(IKeyValueGrain.Get), "any")));
        Assert.Equal("client 'reader' is read-only: Put is a write", Policy.Check("reader", Call(nameof(IKeyValueGrain.Put), "any", "v")));
        Assert.Contains("read-only", Policy.Check("reader", Call(nameof(IKeyValueGrain.Delete), "any")));
        Assert.Contains("read-only", Policy.Check("reader", Call(nameof(IKeyValueGrain.CompareAndSwap), "any")));
    }

    [Fact]
    public void APrefixGrantCoversOnlyItsPrefixes()
    {
        Assert.Null(Policy.Check("app", Call(nameof(IKeyValueGrain.Put), "app/x", "v")));
        Assert.Null(Policy.Check("app", Call(nameof(IKeyValueGrain.Put), "shared/x", "v")));
        Assert.Equal("client 'app' may not write key 'other/x': outside its prefixes ('app/', 'shared/')",
            Policy.Check("app", Call(nameof(IKeyValueGrain.Put), "other/x", "v")));
        Assert.Contains("may not read key 'other/x'", Policy.Check("app", Call(nameof(IKeyValueGrain.Get), "other/x")));
        // Prefixes are exact, case-sensitive byte prefixes: "App/x" is not under "app/".
        Assert.NotNull(Policy.Check("app", Call(nameof(IKeyValueGrain.Put), "App/x", "v")));
        Assert.Null(Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Get), "app/x")));
        Assert.Contains("read-only", Policy.Check("app-reader", Call(nameof(IKeyValueGrain.Put), "app/x", "v")));
    }

    [Fact]
    public void AnUnknownIdentityIsRefusedEverything()
    {
        Assert.Equal("client 'Writer' has no grant on this cluster (Security:Clients)", Policy.Check("Writer", Call(nameof(IKeyValueGrain.Get), "k")));
    }
}
