using System.Net;
using System.Net.Sockets;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>Picks TCP ports that are free on the loopback address right now.</summary>
public static class FreePorts
{
    /// <summary>Returns <paramref name="count"/> distinct free ports (held open together, so they differ).</summary>
    public static int[] Take(int count)
    {
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                sockets.Add(socket);
            }
            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>
    /// Returns a base port such that <paramref name="count"/> consecutive ports from it are free
    /// (for <c>raftkv-silo local</c>, which numbers its ports from a base).
    /// </summary>
    public static int TakeConsecutive(int count)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int first = Random.Shared.Next(20000, 29000);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }
        throw new InvalidOperationException($"found no {count} consecutive free ports");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
