using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Event;
using StackExchange.Redis;
using Xunit;

using SiemActors.Sinks.Tests;

namespace SiemActors.Sinks.Redis.Tests;

/// <summary>A Redis of the test's own, on a free loopback port, that the test stops and starts again.</summary>
public sealed class RedisOutageTests : IDisposable
{
    private readonly int _port = FreePort();
    private readonly string _dir = Directory.CreateTempSubdirectory("siem-redis-").FullName;
    private Process? _server;

    [Fact]
    public async Task While_Redis_is_down_the_write_waits_and_completes_once_when_it_is_back()
    {
        await StartServer();
        var endpoint = $"127.0.0.1:{_port}";
        var settings = new RedisFixture().Settings(endpoint);
        using var redis = await RedisEventWriter.ConnectAsync(settings);
        var writer = new RedisEventWriter(redis, settings, NoLogger.Instance);
        Assert.Equal(5, (await writer.WriteAsync(TestEvents.Batch("siem-events", 0, 0, 5))).Written);

        StopServer();
        var pending = writer.WriteAsync(TestEvents.Batch("siem-events", 0, 5, 5));
        await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.False(pending.IsCompleted, "the write completed while Redis was down");

        await StartServer(); // empty again: the outage also lost what Redis held (no persistence in this test)
        Assert.Equal(5, (await pending.WaitAsync(TimeSpan.FromSeconds(60))).Written);
        Assert.Equal(5, StreamEvents.Count(await redis.GetDatabase().StreamRangeAsync(settings.StreamKey("firewall"))));
        Assert.Equal(9, await writer.HighWaterMarkAsync("siem-events", 0));
    }

    private async Task StartServer()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--bind", "127.0.0.1", "--port", _port.ToString(), "--save", "", "--appendonly", "no", "--dir", _dir },
            RedirectStandardOutput = true,
        };
        _server = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _server.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Answers())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"redis-server on port {_port} did not answer");
            await Task.Delay(50);
        }
    }

    private void StopServer()
    {
        _server!.Kill();
        _server.WaitForExit();
        _server.Dispose();
        _server = null;
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, _port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_server is not null) StopServer();
        Directory.Delete(_dir, recursive: true);
    }
}
