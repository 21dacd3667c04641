using System.Net;
using System.Net.Sockets;

namespace RaftOrleans.Client.Connection;

/// <summary>Parses <c>host:port</c> gateway addresses given with <c>--gateway</c>.</summary>
public static class GatewayEndpoint
{
    /// <summary>
    /// Parses <paramref name="text"/> into an endpoint, resolving a host name to its first IPv4
    /// address (silos listen on IPv4 by default). Returns false with a reason on bad input.
    /// </summary>
    public static bool TryParse(string text, out IPEndPoint? endpoint, out string error)
    {
        endpoint = null;
        error = "";
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"gateway '{text}' is not host:port";
            return false;
        }
        string host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text[(colon + 1)..], out int port) || port is < 1 or > 65535)
        {
            error = $"gateway '{text}' has an invalid port (1-65535)";
            return false;
        }
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            endpoint = new IPEndPoint(address, port);
            return true;
        }
        try
        {
            IPAddress[] addresses = Dns.GetHostAddresses(host);
            IPAddress? chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault();
            if (chosen is null)
            {
                error = $"gateway host '{host}' has no address";
                return false;
            }
            endpoint = new IPEndPoint(chosen, port);
            return true;
        }
        catch (SocketException e)
        {
            error = $"gateway host '{host}' cannot be resolved: {e.Message}";
            return false;
        }
    }
}
