using dotnet_etcd;
using Grpc.Core;

namespace RaftOrleans.Bench.Targets;

/// <summary>Creates dotnet-etcd clients for plain-HTTP loopback endpoints.</summary>
public static class EtcdClients
{
    /// <summary>
    /// A client over <paramref name="endpoints"/> (<c>http://host:port</c>), balanced round-robin by
    /// dotnet-etcd, with its default retry policy: the client as an application would use it.
    /// </summary>
    public static EtcdClient Create(IEnumerable<string> endpoints)
        => new(string.Join(',', endpoints), configureChannelOptions: o => o.Credentials = ChannelCredentials.Insecure);
}
