using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RaftOrleans.Testing.Cluster;

/// <summary>
/// Keeps the warnings and errors the silos of one test cluster log (RaftOrleans categories at
/// Information too), so a failing test can print what the cluster said, not only its state.
/// </summary>
public sealed class TestLogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The most recent lines, oldest first.</summary>
    public IReadOnlyList<string> Recent(int count) => _lines.Reverse().Take(count).Reverse().ToList();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose() { }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > 2000 && _lines.TryDequeue(out _)) { }
    }

    private sealed class SinkLogger(TestLogSink sink, string category) : ILogger
    {
        private readonly bool _ours = category.StartsWith("RaftOrleans", StringComparison.Ordinal);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= (_ours ? LogLevel.Information : LogLevel.Warning);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var text = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}";
            if (exception is not null) text += " | " + exception.GetType().Name + ": " + exception.Message;
            sink.Add(text);
        }
    }
}
