using Microsoft.Extensions.Logging;

namespace RaftOrleans.Grains.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Warning, "Refused {Interface}.{Method} from client {Identity} ({Source}): {Reason}")]
    public static partial void AccessDenied(ILogger logger, string identity, string source, string @interface, string method, string reason);

    [LoggerMessage(1001, LogLevel.Warning, "Refused a TLS peer on the {Listener} port: {Reason}")]
    public static partial void TlsPeerRefused(ILogger logger, string listener, string reason);

    [LoggerMessage(1002, LogLevel.Information, "TLS on: silo certificate '{Subject}' (expires {NotAfter:u}), {Clients} client grant(s)")]
    public static partial void TlsEnabled(ILogger logger, string subject, DateTime notAfter, int clients);
}
