using System.Net;
using System.Text;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// <c>Telemetry:OtlpEndpoint</c> on a real silo process: the silo pushes its metrics and traces over OTLP
/// (HTTP/protobuf here, to a collector stand-in listening on loopback): the metrics carry the RaftOrleans
/// instruments, the traces a write's gateway and leader spans.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task A_silo_pushes_the_RaftOrleans_metrics_and_a_writes_spans_to_an_OTLP_collector()
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
            "--Telemetry:TraceSampleRatio=1",
        ]);

        CliResult put = await cluster.RunClientAsync("set", "traced", "v");
        Assert.True(put.ExitCode == 0, put.ToString());

        // The first pushes may come before the replica has published its gauges or before the write's spans ended:
        // read pushes until the metrics carry the gauges and the traces carry the leader's span of the write.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string metrics = "", traces = "";
        while (DateTime.UtcNow < deadline
            && !(metrics.Contains("raftkv.replica.commit.index", StringComparison.Ordinal) && traces.Contains("raftkv.replica.propose", StringComparison.Ordinal)))
        {
            HttpListenerContext push = await collector.GetContextAsync().WaitAsync(deadline - DateTime.UtcNow);
            using var body = new MemoryStream();
            await push.Request.InputStream.CopyToAsync(body);
            push.Response.StatusCode = 200;
            push.Response.Close();
            Assert.Equal("application/x-protobuf", push.Request.ContentType);
            // Protobuf stores strings as raw UTF-8, so instrument, span and tag names are readable in the payload.
            string text = Encoding.UTF8.GetString(body.ToArray());
            switch (push.Request.Url!.AbsolutePath)
            {
                case "/v1/metrics": metrics = text; break;
                case "/v1/traces": traces += text; break;
                default: Assert.Fail($"push to {push.Request.Url.AbsolutePath}"); break;
            }
        }
        Assert.Contains("raftkv.replica.commit.index", metrics);
        Assert.Contains("raftkv.group", metrics);
        Assert.Contains("raftkv.replica.propose", traces);
        Assert.Contains("raftkv.gateway put", traces);
        string seen = metrics;
        Assert.Contains("raftkv-silo", seen); // the resource's service name
    }
}
