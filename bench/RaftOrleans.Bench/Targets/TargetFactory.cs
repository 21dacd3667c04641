namespace RaftOrleans.Bench.Targets;

/// <summary>Connects to the target named by <see cref="TargetSettings"/>.</summary>
public static class TargetFactory
{
    /// <summary>Connects; throws when the target cannot be reached within its connect deadline.</summary>
    public static async Task<IKvTarget> ConnectAsync(TargetSettings settings, CancellationToken cancellationToken)
    {
        switch (settings.Kind)
        {
            case TargetKind.Etcd:
                if (settings.EtcdEndpoints.Count == 0) throw new ArgumentException("etcd needs --endpoints");
                return new EtcdTarget(settings.EtcdEndpoints, settings.OperationTimeout);
            case TargetKind.RaftOrleans:
            case TargetKind.Baseline:
                var connection = await OrleansClientConnection.ConnectAsync(new OrleansConnectionSettings
                {
                    DataDirectory = settings.DataDirectory,
                    Gateways = settings.Gateways,
                    ClusterId = settings.ClusterId,
                    ServiceId = settings.ServiceId,
                    ResponseTimeout = settings.OperationTimeout,
                    Tls = settings.Tls,
                }, cancellationToken);
                return settings.Kind == TargetKind.RaftOrleans
                    ? new RaftOrleansTarget(connection, settings.Group)
                    : new BaselineTarget(connection, settings.Group);
            default:
                throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "unknown target");
        }
    }
}
