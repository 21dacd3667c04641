using RaftOrleans.Grains.Diagnostics;

namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// Metric export of one silo: configuration section <c>Telemetry</c> (<c>RAFTKV_Telemetry__*</c>, or
/// <c>--Telemetry:Key=value</c>). Both exporters are off by default; the instruments exist either way
/// (<c>dotnet-counters monitor -n raftkv-silo --counters RaftOrleans</c> reads them without any exporter).
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>The meters exported: the store's own and Orleans' runtime meter.</summary>
    public static readonly string[] Meters = [RaftMetrics.MeterName, "Microsoft.Orleans"];

    /// <summary>The activity sources traced over OTLP: the store's spans and Orleans' grain-call spans.</summary>
    public static readonly string[] Sources = [RaftTracing.SourceName, "Microsoft.Orleans.Application"];

    /// <summary>Serve the Prometheus text format at <c>/metrics</c> on the health port (needs <c>--health-port</c>).</summary>
    public bool Prometheus { get; set; }

    /// <summary>
    /// Push metrics and traces over OTLP to this collector endpoint; empty: off. With <see cref="OtlpProtocol"/> <c>grpc</c> the
    /// collector's address (<c>http://collector:4317</c>), with <c>http/protobuf</c> the full URL
    /// (<c>http://collector:4318/v1/metrics</c>).
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>The OTLP transport: <c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>
    /// The share of requests whose spans are exported when no caller decided (a caller's sampled trace is always
    /// followed). Default 0.01: at thousands of requests a second, tracing each one costs more than it tells.
    /// </summary>
    public double TraceSampleRatio { get; set; } = 0.01;

    /// <summary>How often metrics are pushed over OTLP. Default 60 s (OpenTelemetry's default); at least 1 s.</summary>
    public TimeSpan OtlpExportInterval { get; set; } = TimeSpan.FromSeconds(60);
}
