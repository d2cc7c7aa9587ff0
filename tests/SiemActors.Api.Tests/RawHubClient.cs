using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SiemActors.Api.Tests;

/// <summary>
/// A hub client on a bare WebSocket speaking SignalR's JSON protocol, so a test can make it stop reading for real:
/// between <see cref="SubscribeAsync"/> and <see cref="ReadUntilAsync"/> nothing reads the socket, and the server sees
/// a browser whose network has stalled.
/// </summary>
internal sealed class RawHubClient : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly StringBuilder _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _send = new(1, 1);

    public static async Task<RawHubClient> ConnectAsync(string baseUrl, string token)
    {
        var client = new RawHubClient();
        var url = new Uri(baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/hubs/events?access_token=" + Uri.EscapeDataString(token));
        await client._socket.ConnectAsync(url, CancellationToken.None);
        await client.SendAsync("""{"protocol":"json","version":1}""");
        var handshake = await client.NextAsync();
        if (handshake.TryGetProperty("error", out var error)) throw new InvalidOperationException($"handshake refused: {error}");
        _ = client.PingAsync(); // like a browser tab whose page is busy: it still pings, it just does not read
        return client;
    }

    public async Task<string> SubscribeAsync(string filter)
    {
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "Subscribe", arguments = new object?[] { filter, null } }));
        while (true)
        {
            var message = await NextAsync();
            if (message.GetProperty("type").GetInt32() == 3)
                return message.GetProperty("result").GetProperty("subscriptionId").GetString()!;
        }
    }

    /// <summary>Reads messages until <paramref name="done"/> accepts one; counts the events received on the way.</summary>
    public async Task<int> ReadUntilAsync(Func<JsonElement, bool> done, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var events = 0;
        while (true)
        {
            var message = await NextAsync(timeout.Token);
            if (message.GetProperty("type").GetInt32() != 1) continue;
            var target = message.GetProperty("target").GetString();
            if (target == "Events") events += message.GetProperty("arguments")[1].GetArrayLength();
            if (done(message)) return events;
        }
    }

    private async Task SendAsync(string json)
    {
        await _send.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json + Separator), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>SignalR pings every 5 s, so the server's client timeout never closes a connection that only stopped reading.</summary>
    private async Task PingAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await SendAsync("""{"type":6}""");
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private async Task<JsonElement> NextAsync(CancellationToken cancellation = default)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf(Separator, StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 1);
                return JsonDocument.Parse(text[..end]).RootElement;
            }
            var read = await _socket.ReceiveAsync(buffer, cancellation);
            if (read.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("the server closed the connection");
            _pending.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open) await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        _socket.Dispose();
    }
}
