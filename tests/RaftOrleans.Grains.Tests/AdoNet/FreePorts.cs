using System.Net;
using System.Net.Sockets;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>Loopback ports that were free a moment ago, for in-process silo hosts.</summary>
internal static class FreePorts
{
    public static int[] Take(int count)
    {
        // Hold every listener until all ports are chosen so one call never returns the same port twice.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }
}
