using System.Net;
using System.Net.Sockets;

namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// Checks made before Orleans starts, so a wrong port or an unwritable directory fails in a second
/// with a sentence the user can act on, instead of deep inside the silo's start-up.
/// </summary>
public static class StartupChecks
{
    /// <summary>Validates names, ports and the address; throws <see cref="StartupException"/>.</summary>
    public static IPAddress ValidateConfiguration(SiloHostOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, "a silo name is required (--name silo1)");
        }
        if (options.Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || options.Name is "." or "..")
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"silo name '{options.Name}' cannot be used as a directory name");
        }
        ValidatePort("silo port", options.SiloPort);
        ValidatePort("gateway port", options.GatewayPort);
        if (options.SiloPort == options.GatewayPort)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"silo port and gateway port are both {options.SiloPort}");
        }
        if (options.HealthPort != 0)
        {
            ValidatePort("health port", options.HealthPort);
            if (options.HealthPort == options.SiloPort || options.HealthPort == options.GatewayPort)
            {
                throw new StartupException(SiloExitCodes.BadConfiguration, $"health port {options.HealthPort} is also the silo or gateway port");
            }
        }
        if (!IPAddress.TryParse(options.AdvertisedAddress, out IPAddress? address))
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"advertised address '{options.AdvertisedAddress}' is not an IP address");
        }
        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, "cluster id and service id must not be empty");
        }
        return address;
    }

    /// <summary>Throws when <paramref name="port"/> is outside 1-65535.</summary>
    public static void ValidatePort(string what, int port)
    {
        if (port is < 1 or > 65535)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"{what} {port} is out of range (1-65535)");
        }
    }

    /// <summary>Creates <paramref name="directory"/> and proves it is writable; throws <see cref="StartupException"/>.</summary>
    public static void EnsureWritableDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            string probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new StartupException(SiloExitCodes.DataDirectoryUnusable,
                $"data directory {directory} is not writable: {e.Message}", e);
        }
    }

    /// <summary>
    /// Binds and releases <paramref name="port"/> on <paramref name="address"/>. Racy by nature, but it
    /// turns the common case (a silo already running on the port) into a clear message.
    /// </summary>
    public static void EnsurePortFree(string what, IPAddress address, int port)
    {
        try
        {
            using var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException e)
        {
            string hint = e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? " (is another silo running? choose another port)"
                : "";
            throw new StartupException(SiloExitCodes.PortUnavailable,
                $"{what} {port} on {address} cannot be used: {e.Message}{hint}", e);
        }
    }
}
