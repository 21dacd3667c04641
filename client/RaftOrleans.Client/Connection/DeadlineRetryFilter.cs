namespace RaftOrleans.Client.Connection;

/// <summary>
/// Keeps retrying the first gateway connection until a deadline. Without a filter the Orleans client
/// gives up on the first failure, which makes a client started together with the silos fail
/// needlessly; without a deadline it would hang forever when no silo runs.
/// </summary>
public sealed class DeadlineRetryFilter(DateTime deadlineUtc) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>The last connection failure seen, for the error message.</summary>
    public Exception? LastFailure { get; private set; }

    /// <inheritdoc />
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        LastFailure = exception;
        if (DateTime.UtcNow + RetryDelay >= deadlineUtc || cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        // A pause between attempts (not synchronisation): the silos need time to register.
        await Task.Delay(RetryDelay, cancellationToken);
        return true;
    }
}
