using System.Net;
using System.Text;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// <c>Telemetry:OtlpEndpoint</c> on a real silo process: the silo pushes its metrics over OTLP (HTTP/protobuf
/// here, to a collector stand-in listening on loopback), and the push carries the RaftOrleans instruments.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task A_silo_pushes_the_RaftOrleans_metrics_to_an_OTLP_collector()
    {
        int collectorPort = FreePorts.Take(1)[0];
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{collectorPort}/");
        collector.Start();
        using var cluster = await ProcessCluster.StartAsync(count: 1, siloArguments:
        [
            "--RaftKeyValue:ReplicaCount=1",
            $"--Telemetry:OtlpEndpoint=http://127.0.0.1:{collectorPort}/v1/metrics",
            "--Telemetry:OtlpProtocol=http/protobuf",
            "--Telemetry:OtlpExportInterval=00:00:01",
        ]);

        // The first pushes may come before the replica has published its gauges: read pushes until one has them.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string seen = "";
        while (DateTime.UtcNow < deadline)
        {
            HttpListenerContext push = await collector.GetContextAsync().WaitAsync(deadline - DateTime.UtcNow);
            using var body = new MemoryStream();
            await push.Request.InputStream.CopyToAsync(body);
            push.Response.StatusCode = 200;
            push.Response.Close();
            Assert.Equal("/v1/metrics", push.Request.Url!.AbsolutePath);
            Assert.Equal("application/x-protobuf", push.Request.ContentType);
            // Protobuf stores strings as raw UTF-8, so instrument names and tag keys are readable in the payload.
            seen = Encoding.UTF8.GetString(body.ToArray());
            if (seen.Contains("raftkv.replica.commit.index", StringComparison.Ordinal)) break;
        }
        Assert.Contains("raftkv.replica.commit.index", seen);
        Assert.Contains("raftkv.group", seen);
        Assert.Contains("raftkv-silo", seen); // the resource's service name
    }
}
