namespace RaftOrleans.Grains.Security;

/// <summary>What one client identity may do (<c>Security:Clients:&lt;name&gt;</c>).</summary>
public sealed class ClientGrant
{
    /// <summary>The access level. Default <see cref="ClientAccess.ReadOnly"/>: a grant written without one reads only.</summary>
    public ClientAccess Access { get; set; } = ClientAccess.ReadOnly;

    /// <summary>
    /// The key prefixes the identity may read and (with <see cref="ClientAccess.ReadWrite"/>) write; a key
    /// is allowed when it starts with any of them (ordinal). Empty: every key.
    /// </summary>
    public List<string> Prefixes { get; set; } = [];
}

/// <summary>Access levels, each including the ones before it.</summary>
public enum ClientAccess
{
    /// <summary>Reads (get, stale get) of keys under the grant's prefixes, and the group's status.</summary>
    ReadOnly,
    /// <summary>Reads and writes (put, delete, compare-and-swap) of keys under the grant's prefixes.</summary>
    ReadWrite,
    /// <summary>Everything, administrative calls included (membership changes, leader moves, backups); prefixes do not apply.</summary>
    Admin,
}
