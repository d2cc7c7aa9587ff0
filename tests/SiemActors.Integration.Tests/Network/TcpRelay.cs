using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace SiemActors.Integration.Tests.Network;

/// <summary>
/// Forwards TCP connections from an address of the lab's storage host to a service on loopback, and can make that
/// link slow and lossy: every transfer held for <see cref="Delay"/> ± <see cref="Jitter"/> (order kept, transfers in
/// flight overlap, as on a long wire), and a share of them (<see cref="StallShare"/>) held a further
/// <see cref="StallTime"/>, what a lost segment costs TCP (its retransmission). This kernel has no <c>sch_netem</c>, so
/// this is how the lab slows a link; see docs/reliability.md.
/// </summary>
public sealed class TcpRelay : IDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly Random _random = new(17);

    public TcpRelay(IPAddress address, IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(address, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public TimeSpan Delay { get; set; }

    public TimeSpan Jitter { get; set; }

    public double StallShare { get; set; }

    public TimeSpan StallTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Transfers relayed (both directions): how much the link carried.</summary>
    public long Transfers => Interlocked.Read(ref _transfers);

    private long _transfers;

    /// <summary>Makes the link slow and lossy, or (zero) clean again.</summary>
    public void Degrade(TimeSpan delay, TimeSpan jitter, double stallShare)
    {
        Delay = delay;
        Jitter = jitter;
        StallShare = stallShare;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        lock (_open)
        {
            _open.Add(client);
            _open.Add(server);
        }
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            // Either direction ending (a close, a reset) ends the connection, as the far end would see it.
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            Close(client);
            Close(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var line = Channel.CreateUnbounded<(long Due, byte[] Data, int Length)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var writer = DrainAsync(line.Reader, to);
        long lastDue = 0;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                Interlocked.Increment(ref _transfers);
                var hold = Hold();
                var due = Math.Max(lastDue, clock.ElapsedMilliseconds + (long)hold.TotalMilliseconds);
                lastDue = due;
                line.Writer.TryWrite((due, buffer, n));
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        line.Writer.TryComplete();
        try
        {
            await writer;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        async Task DrainAsync(ChannelReader<(long Due, byte[] Data, int Length)> reader, Socket target)
        {
            await foreach (var (due, data, length) in reader.ReadAllAsync(_stop.Token))
            {
                var wait = due - clock.ElapsedMilliseconds;
                if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), _stop.Token);
                var sent = 0;
                while (sent < length) sent += await target.SendAsync(data.AsMemory(sent, length - sent), SocketFlags.None, _stop.Token);
                ArrayPool<byte>.Shared.Return(data);
            }
        }
    }

    private TimeSpan Hold()
    {
        if (Delay == TimeSpan.Zero && StallShare == 0) return TimeSpan.Zero;
        lock (_random)
        {
            var jitter = (_random.NextDouble() * 2 - 1) * Jitter.TotalMilliseconds;
            var stall = _random.NextDouble() < StallShare ? StallTime.TotalMilliseconds : 0;
            return TimeSpan.FromMilliseconds(Math.Max(0, Delay.TotalMilliseconds + jitter) + stall);
        }
    }

    private void Close(Socket socket)
    {
        lock (_open) _open.Remove(socket);
        try
        {
            socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        List<Socket> open;
        lock (_open) open = [.. _open];
        foreach (var s in open) Close(s);
        _stop.Dispose();
    }
}
