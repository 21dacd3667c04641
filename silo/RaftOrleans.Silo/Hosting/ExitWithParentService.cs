using Microsoft.Extensions.Hosting;

namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// For silos started by <c>raftkv-silo local</c>: stops the silo gracefully when standard input
/// reaches end of file, which happens when the parent closes it or dies, even by <c>kill -9</c>.
/// So children never outlive the local cluster, and stopping them needs no signals.
/// </summary>
public sealed class ExitWithParentService(IHostApplicationLifetime lifetime) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A blocking read on a background thread: it cannot be cancelled, and it must neither delay
        // host shutdown (as an awaited read would) nor keep the process alive.
        var watcher = new Thread(() =>
        {
            using Stream input = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (input.Read(buffer, 0, buffer.Length) > 0)
            {
                // The parent never writes; anything read is ignored.
            }
            if (!stoppingToken.IsCancellationRequested)
            {
                lifetime.StopApplication();
            }
        })
        {
            IsBackground = true,
            Name = "exit-with-parent",
        };
        watcher.Start();
        return Task.CompletedTask;
    }
}
