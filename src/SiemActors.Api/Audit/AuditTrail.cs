using System.Security.Claims;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SiemActors.Api.Auth;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.Audit;

/// <summary>
/// The node's audit trail: records are queued without waiting (a request never waits on ClickHouse for its audit) and
/// written in batches every <c>flush-interval</c>. A batch that fails is retried until it is stored; while ClickHouse is
/// away the queue fills up to <c>queue-capacity</c>, and a record beyond it is written to the log at Error, whole, and
/// counted (<c>siem_audit_records_dropped_total</c>) — never lost in silence. At stop the queue is written out.
/// </summary>
public sealed class AuditTrail : BackgroundService
{
    private readonly Channel<AuditRecord> _queue;
    private readonly ClickHouseAuditWriter _writer;
    private readonly AuditSettings _settings;
    private readonly ILogger<AuditTrail> _log;

    public AuditTrail(ClickHouseAuditWriter writer, AuditSettings settings, ILogger<AuditTrail> log)
    {
        _writer = writer;
        _settings = settings;
        _log = log;
        _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(settings.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true,
        }, Dropped);
    }

    /// <summary>Records an action of the request's user (or of <paramref name="user"/>, e.g. the management token).</summary>
    public void Record(HttpContext http, string action, string detail, string result, int status, long resultSize = -1, string? user = null) =>
        Record(http.User, user, Remote(http), action, detail, result, status, resultSize);

    /// <summary>Records an action; <paramref name="principal"/> gives the user and roles unless <paramref name="user"/> names someone.</summary>
    public void Record(ClaimsPrincipal? principal, string? user, string remote, string action, string detail, string result, int status, long resultSize = -1)
    {
        if (!_settings.Enabled) return;
        var roles = principal is null ? [] : JwtAuthentication.RolesOf(principal);
        var who = user ?? (principal?.Identity?.IsAuthenticated == true ? JwtAuthentication.UserOf(principal) : "(anonymous)");
        var record = new AuditRecord(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _settings.Node, Cut(who, 256), roles,
            action, Cut(detail, _settings.MaxDetailLength), remote, result, status, resultSize);
        _queue.Writer.TryWrite(record); // when full, Dropped logs it
        AuditMetrics.Queued.Set(_queue.Reader.Count);
    }

    /// <summary>The client's address as this node saw it (a proxy's, behind one: docs/security.md).</summary>
    public static string Remote(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "";

    private void Dropped(AuditRecord record) =>
        Dropped(record, $"the queue is full (siem.api.audit.queue-capacity {_settings.QueueCapacity}; ClickHouse not taking records)");

    private void Dropped(AuditRecord record, string why)
    {
        AuditMetrics.Dropped.Inc();
        _log.LogError("Audit record not stored, {Why}; logged instead: {AuditId} {AtMs} {User} {Roles} {Action} {Detail} {Remote} {Result} {Status} {ResultSize}",
            why, record.AuditId, record.AtMs, record.User, record.Roles, record.Action, record.Detail, record.Remote, record.Result, record.Status, record.ResultSize);
    }

    private const string StoppedBeforeStored = "the node stopped before ClickHouse took it";

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!_settings.Enabled) return;
        try
        {
            await EnsureSchemaAsync(stopping).ConfigureAwait(false);
            while (await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                await WriteQueuedAsync(stopping).ConfigureAwait(false);
                await Task.Delay(_settings.FlushInterval, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        // Stopping: what is queued is written (for as long as the host's shutdown allows), then the rest is logged.
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await WriteQueuedAsync(last.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            while (_queue.Reader.TryRead(out var record)) Dropped(record, StoppedBeforeStored);
        }
    }

    /// <summary>Creates the table, retrying whatever fails: the trail waits for ClickHouse, it never stops the node.</summary>
    private async Task EnsureSchemaAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _writer.EnsureSchemaAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.LogError("The audit table cannot be created (attempt {Attempt}): {Reason}; records wait in the queue, retrying", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt * 2)), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteQueuedAsync(CancellationToken ct)
    {
        var batch = new List<AuditRecord>(1000);
        while (_queue.Reader.TryRead(out var record))
        {
            batch.Add(record);
            if (batch.Count == 1000) await WriteAsync(batch, ct).ConfigureAwait(false);
        }
        await WriteAsync(batch, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the batch, retrying every failure until it is stored (same ids: a retry that repeats an insert leaves one
    /// row). Cancelled (the node stops with ClickHouse away), during an attempt or the wait before the next, the batch
    /// taken from the queue goes to the log like the rest of the queue: never dropped in silence.
    /// </summary>
    private async Task WriteAsync(List<AuditRecord> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _writer.WriteAsync(batch, ct).ConfigureAwait(false);
                    AuditMetrics.Written.Inc(batch.Count);
                    AuditMetrics.Queued.Set(_queue.Reader.Count);
                    batch.Clear();
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _log.LogError("Audit records not stored (attempt {Attempt}): {Reason}; retrying", attempt, ex.Message);
                }
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt)), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            foreach (var record in batch) Dropped(record, StoppedBeforeStored);
            batch.Clear();
            throw;
        }
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
