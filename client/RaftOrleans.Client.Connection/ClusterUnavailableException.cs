namespace RaftOrleans.Client.Connection;

/// <summary>No silo could be reached before the connect deadline.</summary>
public sealed class ClusterUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
