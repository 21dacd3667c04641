using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Backup;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Topology;
using RaftOrleans.Silo.Hosting;

namespace RaftOrleans.Silo.Restore;

/// <summary>
/// <c>raftkv-silo restore --from FILE --name NAME [--data DIR]</c>: validates the backup file completely
/// (magic, version, lengths, SHA-256, decodable state) BEFORE touching the data directory, then seeds the
/// silo's empty Raft storage (SQLite file or PostgreSQL, chosen by the same configuration as <c>run</c>)
/// with the backup as its snapshot. Offline: no silo starts, no port is opened.
/// </summary>
public static class SiloRestore
{
    /// <summary>Runs the restore; returns the exit code.</summary>
    public static async Task<int> RunAsync(IConfiguration configuration, string file, string group, CancellationToken cancellationToken)
    {
        BackupContents contents;
        try
        {
            contents = await BackupFileFormat.ReadFileAsync(file, cancellationToken);
        }
        catch (BackupFormatException e)
        {
            Console.Error.WriteLine($"raftkv-silo restore: {Path.GetFullPath(file)}: {e.Message}; nothing was written");
            return RestoreExitCodes.InvalidBackup;
        }

        try
        {
            var options = SiloHostFactory.ReadOptions(configuration);
            if (string.IsNullOrWhiteSpace(options.Name))
            {
                throw new StartupException(SiloExitCodes.BadConfiguration, "restore needs the silo's name: --name silo1 (run it once per silo)");
            }
            var storage = SiloHostFactory.ReadBackend(configuration, BackendSettings.StorageSectionName);
            var raftOptions = new RaftKeyValueOptions();
            configuration.GetSection(SiloHostFactory.RaftSectionName).Bind(raftOptions);
            if (storage.Provider == BackendProvider.Sqlite)
            {
                StartupChecks.EnsureWritableDirectory(options.DataPath);
                StartupChecks.EnsureWritableDirectory(options.SiloDirectory);
            }

            using var host = BuildStorageHost(options, storage, raftOptions);
            // Offline: no silo runs, so the topology comes straight from the options a silo would use.
            var topology = new ConfiguredReplicaTopology(raftOptions);
            var result = await ReplicaRestorer.RestoreAsync(host.Services, raftOptions, topology, options.Name, group, contents, cancellationToken);
            var where = storage.Provider == BackendProvider.Sqlite ? options.RaftDatabasePath : "PostgreSQL storage";
            Console.Out.WriteLine($"restored group {result.Group} replica {result.Replica} on {options.Name} at index {result.Index} term {result.Term} ({result.Keys} keys) into {where}");
            return SiloExitCodes.Ok;
        }
        catch (StartupException e)
        {
            Console.Error.WriteLine($"raftkv-silo restore: {e.Message}");
            return e.ExitCode;
        }
        catch (BackupFormatException e)
        {
            Console.Error.WriteLine($"raftkv-silo restore: {Path.GetFullPath(file)}: {e.Message}; nothing was written");
            return RestoreExitCodes.InvalidBackup;
        }
        catch (RestoreRefusedException e)
        {
            Console.Error.WriteLine($"raftkv-silo restore: refused: {e.Message}; nothing was written");
            return RestoreExitCodes.Refused;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"raftkv-silo restore: writing the restored state failed: {e.GetType().Name}: {e.GetBaseException().Message}");
            return RestoreExitCodes.WriteFailed;
        }
    }

    /// <summary>A silo host with only the Raft storage provider, built and never started.</summary>
    private static IHost BuildStorageHost(SiloHostOptions options, BackendSettings storage, RaftKeyValueOptions raftOptions)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.UseOrleans(silo =>
        {
            // Storage rows are keyed by service id: it must be the one the restored silos run with.
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (storage.Provider == BackendProvider.Postgres)
            {
                silo.AddRaftPostgreSqlGrainStorage(raftOptions.StorageProviderName, storage.ConnectionString!);
            }
            else
            {
                silo.AddRaftSqliteGrainStorage(raftOptions.StorageProviderName, options.RaftDatabasePath);
            }
        });
        return builder.Build();
    }
}
