using System.Net;
using Akka.Event;
using SiemActors.Sinks.Tests;
using Xunit;

namespace SiemActors.Sinks.ClickHouse.Tests;

public sealed class ClickHouseOutageTests(ClickHouseFixture fixture) : IClassFixture<ClickHouseFixture>
{
    [Fact]
    public async Task While_ClickHouse_is_unreachable_writes_wait_and_then_store_every_event_once()
    {
        var server = new Uri(ClickHouseFixture.Url);
        await using var gate = new TcpGate(new IPEndPoint(IPAddress.Loopback, server.Port));
        gate.Open();
        var settings = fixture.NewSettings($"http://127.0.0.1:{gate.Port}");
        using var client = new ClickHouseHttpClient(settings, NoLogger.Instance);
        var writer = new ClickHouseEventWriter(client, settings, NoLogger.Instance);
        await writer.EnsureSchemaAsync();
        Assert.Equal(100, (await writer.WriteAsync(TestEvents.Batch("siem-events", 1, 0, 100))).Written);

        await gate.Close();
        var pending = writer.WriteAsync(TestEvents.Batch("siem-events", 1, 100, 100));
        await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.False(pending.IsCompleted, "the write completed while ClickHouse was unreachable");

        gate.Open();
        Assert.Equal(100, (await pending.WaitAsync(TimeSpan.FromSeconds(60))).Written);
        var counts = await fixture.Query($"SELECT count(), uniqExact(event_id), max(offset) FROM {settings.EventsTable} FINAL FORMAT TabSeparated");
        Assert.Equal("200\t200\t199", counts);
    }
}
