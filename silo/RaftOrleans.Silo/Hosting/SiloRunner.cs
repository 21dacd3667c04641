using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace RaftOrleans.Silo.Hosting;

/// <summary>The <c>run</c> command: checks, starts one silo, waits for SIGTERM/Ctrl+C, stops it gracefully.</summary>
public static class SiloRunner
{
    /// <summary>Runs one silo configured by <paramref name="configuration"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IConfiguration configuration, bool exitWithParent)
    {
        try
        {
            SiloHostOptions options = SiloHostFactory.ReadOptions(configuration);
            IPAddress address = StartupChecks.ValidateConfiguration(options);
            SiloHostFactory.ReadTelemetry(configuration, options);
            SiloHostFactory.ReadSecurity(configuration);
            StartupChecks.EnsureWritableDirectory(options.DataPath);
            StartupChecks.EnsureWritableDirectory(options.SiloDirectory);
            StartupChecks.EnsurePortFree("silo port", address, options.SiloPort);
            StartupChecks.EnsurePortFree("gateway port", address, options.GatewayPort);
            if (options.HealthPort != 0) StartupChecks.EnsurePortFree("health port", address, options.HealthPort);
            await BackendStartupChecks.RunAsync(configuration, options);

            using IHost host = SiloHostFactory.Build(configuration, options, address, exitWithParent);
            await StartAsync(host, options);
            using (PidFile.Write(options.PidFilePath))
            {
                Console.Out.WriteLine(
                    $"{options.Name} is up: silo {address}:{options.SiloPort}, gateway {address}:{options.GatewayPort}, "
                    + (options.HealthPort != 0 ? $"health http://{address}:{options.HealthPort}/readyz, " : "")
                    + $"data {options.DataPath}, pid {Environment.ProcessId}");
                Console.Out.Flush();
                await host.WaitForShutdownAsync();
            }
            Console.Out.WriteLine($"{options.Name} stopped");
            return SiloExitCodes.Ok;
        }
        catch (StartupException e)
        {
            Console.Error.WriteLine($"raftkv-silo: {e.Message}");
            return e.ExitCode;
        }
    }

    private static async Task StartAsync(IHost host, SiloHostOptions options)
    {
        try
        {
            await host.StartAsync();
        }
        catch (Exception e) when (FindSocketError(e) is SocketError.AddressAlreadyInUse)
        {
            throw new StartupException(SiloExitCodes.PortUnavailable,
                $"silo {options.Name}: port {options.SiloPort} or {options.GatewayPort} is already in use: {e.GetBaseException().Message}", e);
        }
        catch (Exception e) when (e is not StartupException)
        {
            throw new StartupException(SiloExitCodes.StartFailed,
                $"silo {options.Name} failed to start: {e.GetType().Name}: {e.GetBaseException().Message}", e);
        }
    }

    private static SocketError? FindSocketError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
            if (e is AggregateException aggregate)
            {
                foreach (Exception inner in aggregate.InnerExceptions)
                {
                    if (FindSocketError(inner) is { } found)
                    {
                        return found;
                    }
                }
            }
        }
        return null;
    }
}
