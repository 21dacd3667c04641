using Orleans.Runtime;

namespace RaftOrleans.Grains.Hosting;

/// <summary>
/// Start-up work a storage back end needs before its grain storage opens, which must also run when a
/// replica's storage is opened without a silo (<see cref="Backup.ReplicaRestorer"/>, <c>raftkv-silo restore</c>):
/// the SQLite back end's schema creation, for example. A back end registers it as this service besides
/// registering it as a silo lifecycle participant; the core grains know no back end.
/// </summary>
public interface IRaftStorageInitializer : ILifecycleParticipant<ISiloLifecycle>;
