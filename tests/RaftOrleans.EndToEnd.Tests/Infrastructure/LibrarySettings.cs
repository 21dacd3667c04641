using System.Net;
using RaftOrleans.Client.Connection;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>How tests that use <see cref="RaftKeyValueClient"/> in-process reach real silo processes.</summary>
public static class LibrarySettings
{
    /// <summary>A silo's gateway endpoint on loopback.</summary>
    public static IPEndPoint Gateway(SiloProcess silo) => new(IPAddress.Loopback, silo.GatewayPort);

    /// <summary>Settings listing <paramref name="listed"/>'s gateways, with <paramref name="timeout"/> to connect and per call.</summary>
    public static ConnectionSettings Through(IEnumerable<SiloProcess> listed, TimeSpan timeout) => new()
    {
        Gateways = [.. listed.Select(Gateway)],
        ConnectTimeout = timeout,
        RequestTimeout = timeout,
    };
}
