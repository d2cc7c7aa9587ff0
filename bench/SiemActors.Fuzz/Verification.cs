using System.Globalization;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace SiemActors.Fuzz;

/// <summary>
/// Where each produced record ended, compared with what was produced (see <see cref="FuzzCampaign"/>): per record, its
/// rows in ClickHouse (by partition and offset, not through FINAL), its entries in Redis's live streams, its dead letters.
/// A record ClickHouse does not hold by its offset counts as stored when ClickHouse holds the same event by the table's
/// key — the same source, event time to the second and id: the engine keeps one row per key, by design — as the record's
/// stream entry says it was.
/// </summary>
internal sealed class Verification
{
    public long Stored { get; private set; }

    public long DeadLettered { get; private set; }

    public long RawDuplicates { get; private set; }

    /// <summary>Records whose ClickHouse row was collapsed with an identical event's (same source, time and id).</summary>
    public long Collapsed { get; private set; }

    public Dictionary<string, long> ByReason { get; } = new(StringComparer.Ordinal);

    public static async Task<Verification> RunAsync(FuzzTarget target, Produced produced, DeadLetterCollector deadLetters, string run, List<string> failures,
        CancellationToken ct)
    {
        var v = new Verification();
        using var http = new HttpClient { BaseAddress = new Uri(target.ClickHouseUrl), Timeout = TimeSpan.FromMinutes(5) };
        var rows = await RowsAsync(http, target, ct);
        var dead = await deadLetters.FinishAsync();
        if (deadLetters.Missed is { } missed)
        {
            failures.Add($"the check itself fell behind: {missed}");
            return v;
        }
        var stream = await StreamEntriesAsync(target);
        var markerRows = await MarkerRowsAsync(http, target, run, ct);

        var twins = new List<(string Where, StreamEntry Entry)>();
        foreach (var (n, kind, marker, partition, offset) in produced.Records())
        {
            var key = DeadLetterCollector.Key(partition, offset);
            var inClickHouse = rows.GetValueOrDefault(key);
            var entry = stream.GetValueOrDefault(key);
            var letters = dead.GetValueOrDefault(key);
            var where = $"{kind} record #{n} at {target.Topic}[{partition}]@{offset}";
            var refusedBy = letters.Reason == "sink-rejected" ? letters.Sink : "";
            if (inClickHouse > 1) v.RawDuplicates += inClickHouse - 1;
            if (letters.Count > 0)
            {
                v.DeadLettered++;
                v.ByReason[letters.Reason] = v.ByReason.GetValueOrDefault(letters.Reason) + 1;
            }
            if (inClickHouse > 0 || entry is not null) v.Stored++;

            if (inClickHouse == 0 && entry is null && letters.Count == 0) failures.Add($"lost: {where} is neither stored nor dead-lettered");
            if (letters.Count > 1) failures.Add($"{where} was dead-lettered {letters.Count} times");
            if (letters.Count > 0 && refusedBy.Length == 0 && (inClickHouse > 0 || entry is not null))
                failures.Add($"{where} is both stored and dead-lettered ({letters.Reason})");
            if (entry is { Count: > 1 }) failures.Add($"{where} is in Redis's live stream {entry.Count} times");
            if (inClickHouse > 0 && entry is null && !refusedBy.Contains("redis", StringComparison.Ordinal))
                failures.Add($"{where} is in ClickHouse but not in Redis");
            if (inClickHouse == 0 && entry is not null && !refusedBy.Contains("clickhouse", StringComparison.Ordinal)) twins.Add((where, entry));

            if (marker < 0) continue;
            var id = Samples.MarkerId(run, marker);
            if (markerRows.GetValueOrDefault(id) != 1) failures.Add($"marker {id} ({where}) is in ClickHouse {markerRows.GetValueOrDefault(id)} time(s), not once");
            if (entry?.Count != 1) failures.Add($"marker {id} ({where}) is in Redis's live stream {entry?.Count ?? 0} time(s), not once");
        }
        await CheckTwinsAsync(http, target, twins, v, failures, ct);
        return v;
    }

    /// <summary>Records in Redis but not in ClickHouse by offset: each must have an identical event in ClickHouse.</summary>
    private static async Task CheckTwinsAsync(HttpClient http, FuzzTarget target, List<(string Where, StreamEntry Entry)> twins, Verification v,
        List<string> failures, CancellationToken ct)
    {
        foreach (var chunk in twins.Chunk(500))
        {
            var ids = string.Join(",", chunk.Select(t => Quote(t.Entry.EventId)).Distinct());
            var sql = $"SELECT source, toUInt32(event_time) AS second, event_id FROM {target.Database}.siem_events WHERE event_id IN ({ids}) FORMAT JSONEachRow";
            using var response = await http.PostAsync("/", new StringContent(sql), ct);
            response.EnsureSuccessStatusCode();
            var found = new HashSet<(string, long, string)>();
            foreach (var line in (await response.Content.ReadAsStringAsync(ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var row = JsonDocument.Parse(line);
                var r = row.RootElement;
                found.Add((r.GetProperty("source").GetString()!, r.GetProperty("second").GetInt64(), r.GetProperty("event_id").GetString()!));
            }
            foreach (var (where, e) in chunk)
            {
                if (found.Contains((e.Source, Second(e.Timestamp), e.EventId))) v.Collapsed++;
                else failures.Add($"{where} is in Redis but not in ClickHouse (event {e.EventId})");
            }
        }
    }

    /// <summary>The table's <c>event_time</c> of an event time: whole seconds, clamped to what <c>DateTime</c> holds.</summary>
    private static long Second(long timestampMs) => (long)Math.Clamp(Math.Floor(timestampMs / 1000.0), 0, uint.MaxValue);

    private static string Quote(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>Rows per (partition, offset) of the topic, as stored (not through FINAL: a row written twice shows).</summary>
    private static async Task<Dictionary<long, int>> RowsAsync(HttpClient http, FuzzTarget target, CancellationToken ct)
    {
        var sql = $"SELECT partition, offset, count() FROM {target.Database}.siem_events WHERE topic = '{target.Topic}' GROUP BY partition, offset FORMAT TabSeparated";
        using var response = await http.PostAsync("/", new StringContent(sql), ct);
        response.EnsureSuccessStatusCode();
        var rows = new Dictionary<long, int>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var f = line.Split('\t');
            rows[DeadLetterCollector.Key(int.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture))] =
                int.Parse(f[2], CultureInfo.InvariantCulture);
        }
        return rows;
    }

    /// <summary>Markers through the documented read path (FINAL): each id once.</summary>
    private static async Task<Dictionary<string, int>> MarkerRowsAsync(HttpClient http, FuzzTarget target, string run, CancellationToken ct)
    {
        var sql = $"SELECT event_id, count() FROM {target.Database}.siem_events FINAL WHERE source = '{Samples.MarkerSource}' " +
                  $"AND startsWith(event_id, 'fuzz-{run}-') GROUP BY event_id FORMAT TabSeparated";
        using var response = await http.PostAsync("/", new StringContent(sql), ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync(ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .ToDictionary(f => f[0], f => int.Parse(f[1], CultureInfo.InvariantCulture));
    }

    /// <summary>One record's entries in the live streams: how many, and what its event was.</summary>
    private sealed record StreamEntry(string Source, long Timestamp, string EventId)
    {
        public int Count { get; set; } = 1;
    }

    /// <summary>Every event of every live stream of the node's key prefix (an entry holds a batch's events of one source), by its partition and offset.</summary>
    private static async Task<Dictionary<long, StreamEntry>> StreamEntriesAsync(FuzzTarget target)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(target.RedisEndpoint);
        var db = redis.GetDatabase();
        var entries = new Dictionary<long, StreamEntry>();
        foreach (var stream in await db.SetMembersAsync($"{target.KeyPrefix}:streams"))
        {
            RedisValue from = "-";
            while (true)
            {
                var page = await db.StreamRangeAsync((string)stream!, from, "+", 5_000);
                foreach (var value in page.SelectMany(item => item.Values).Where(v => v.Name == "event").Select(v => v.Value))
                {
                    using var json = JsonDocument.Parse(Encoding.UTF8.GetBytes((string?)value ?? "{}"));
                    var e = json.RootElement;
                    if (e.GetProperty("topic").GetString() != target.Topic) continue;
                    var key = DeadLetterCollector.Key(e.GetProperty("partition").GetInt32(), e.GetProperty("offset").GetInt64());
                    if (entries.TryGetValue(key, out var seen)) seen.Count++;
                    else entries[key] = new StreamEntry(e.GetProperty("source").GetString()!, e.GetProperty("timestamp").GetInt64(), e.GetProperty("event_id").GetString()!);
                }
                if (page.Length < 5_000) break;
                from = "(" + page[^1].Id;
            }
        }
        return entries;
    }
}
