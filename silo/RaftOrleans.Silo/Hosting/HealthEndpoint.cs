using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using RaftOrleans.Grains.Health;

namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// The silo's health endpoints over HTTP (<c>--health-port</c>), for load balancers, Kubernetes probes and scripts:
/// <list type="bullet">
/// <item><c>GET /livez</c>: 200 while the process runs and Orleans has not marked the silo stopping or dead.</item>
/// <item><c>GET /readyz</c>: 200 when every replica on this silo follows a known leader and is caught up, else 503
/// with the reason.</item>
/// <item><c>GET /health</c>: every check as JSON, 200 when all are healthy, else 503.</item>
/// <item><c>GET /metrics</c> with <c>Telemetry:Prometheus</c>: the <see cref="TelemetryOptions.Meters"/> in Prometheus'
/// text format (OpenTelemetry's exporter; its MeterProvider listens to the meters process-wide, so the silo's
/// instruments are seen from this app).</item>
/// </list>
/// A small Kestrel app of its own beside the silo's generic host, started after the silo and answering from the
/// silo's <see cref="HealthCheckService"/>, so a silo without <c>--health-port</c> opens no HTTP port at all.
/// </summary>
internal sealed class HealthEndpoint(HealthCheckService health, IPAddress address, int port, bool prometheus) : IHostedService, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private WebApplication? _app;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(address, port));
        builder.Services.AddRoutingCore();
        if (prometheus)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(TelemetryOptions.Meters).AddPrometheusExporter());
        }
        var app = builder.Build();
        if (prometheus) app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/livez", context => AnswerAsync(context, RaftKeyValueHealthChecks.LiveTag));
        app.MapGet("/readyz", context => AnswerAsync(context, RaftKeyValueHealthChecks.ReadyTag));
        app.MapGet("/health", context => AnswerAsync(context, tag: null));
        await app.StartAsync(cancellationToken);
        _app = app;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context, string? tag)
    {
        var report = await health.CheckHealthAsync(c => tag is null || c.Tags.Contains(tag), context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.CacheControl = "no-store";
        if (tag is not null)
        {
            // Probes read the status code; people read one line per check.
            context.Response.ContentType = "text/plain; charset=utf-8";
            var lines = report.Entries.Select(e => $"{e.Key}: {e.Value.Status}: {e.Value.Description}");
            await context.Response.WriteAsync(string.Join('\n', lines) + "\n", context.RequestAborted);
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.ToDictionary(d => d.Key, d => d.Value?.ToString()),
            }),
        };
        await context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }
}
