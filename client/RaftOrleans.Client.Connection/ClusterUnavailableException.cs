namespace RaftOrleans.Client.Connection;

/// <summary>
/// No silo could be reached before the connect deadline. The message says where the gateways came
/// from and names every gateway tried and what it did ("no silo reachable within 10s via --gateway:
/// 127.0.0.1:30001 refused; 127.0.0.1:30002 timed out (connection accepted, no handshake in 9.2s)"),
/// or why no gateway was listed at all.
/// </summary>
/// <param name="message">What was tried and how each gateway answered.</param>
/// <param name="inner">The failure behind it, when there is a single one (reading the membership table).</param>
public sealed class ClusterUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
