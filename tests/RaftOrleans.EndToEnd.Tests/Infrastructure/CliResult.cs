using System.Text.Json;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>What one <c>raftkv</c> process printed and returned.</summary>
public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    /// <summary>Standard output without the trailing newline.</summary>
    public string Output => StandardOutput.TrimEnd('\n', '\r');

    /// <summary>Standard output parsed as one JSON object.</summary>
    public JsonElement Json => JsonDocument.Parse(StandardOutput).RootElement.Clone();

    /// <inheritdoc />
    public override string ToString() => $"exit {ExitCode}; stdout: {StandardOutput.Trim()}; stderr: {StandardError.Trim()}";
}
