using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RaftOrleans.Grains.Baseline;

namespace RaftOrleans.Bench.Baseline;

/// <summary>
/// A single silo process hosting the unreplicated baseline (<see cref="IBaselineGatewayGrain"/> →
/// one SQLite-persisted grain), with the same GC settings as <c>raftkv-silo</c>, so the benchmark
/// reaches it through the same Orleans client over loopback TCP as it reaches the Raft cluster.
/// </summary>
public static class BaselineSiloHost
{
    /// <summary>The line printed once the silo serves; scripts wait for it.</summary>
    public const string ServingMarker = "baseline silo is serving";

    /// <summary>Orleans cluster and service id of the baseline silo.</summary>
    public const string ClusterId = "baseline";

    /// <summary>Runs the silo until SIGINT/SIGTERM; returns the exit code.</summary>
    public static async Task<int> RunAsync(string dataDirectory, int siloPort, int gatewayPort)
    {
        Directory.CreateDirectory(dataDirectory);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = ClusterId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = "baseline");
            silo.AddRaftBaselineStore(Path.Combine(dataDirectory, "baseline.db"));
        });
        using var host = builder.Build();
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // stop the host gracefully ourselves
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        await host.StartAsync(stop.Token);
        Console.Out.WriteLine($"{ServingMarker}: silo port {siloPort}, gateway port {gatewayPort}, data {Path.GetFullPath(dataDirectory)}, pid {Environment.ProcessId}");
        Console.Out.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Signalled.
        }
        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await host.StopAsync(shutdown.Token);
        return 0;
    }
}
