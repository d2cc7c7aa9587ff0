using System.Globalization;
using System.Text;

namespace SiemActors.Bench.Scenarios;

/// <summary>The run's table in docs/benchmarks.md, regenerated between its markers from a results file's report.</summary>
internal static class RunDocs
{
    public const string Begin = "<!-- siem-bench run: begin (generated from bench/results; do not edit by hand) -->";
    public const string End = "<!-- siem-bench run: end -->";

    public static string Table(RunReport r, string commit, string date, string machine, string resultsFile, string chart)
    {
        var raw = r.RawConsumePerSecond ?? double.NaN;
        string Pct(double x) => double.IsNaN(x) ? "n/a (--no-bounds)" : (x * 100).ToString("N0", CultureInfo.InvariantCulture) + "%";
        string Lat(Phase p) => $"≤{p.LatencyP50:0.###} s / ≤{p.LatencyP95:0.###} s / ≤{p.LatencyP99:0.###} s";
        var b = new StringBuilder();
        b.AppendLine(Begin);
        b.AppendLine($"**{date}, commit {commit}** — {machine}; `{resultsFile}`. {r.Events:N0} events (JSON, RFC 5424, RFC 3164, CEF, LEEF in turn), " +
                     $"{r.Partitions} partitions, one node with every role; node start → consuming {r.StartupSeconds:N1} s.");
        b.AppendLine();
        b.AppendLine("| phase | events | events/s | node CPU µs/event | allocated per event | Redis CPU µs/event | produced → stored p50 / p95 / p99 |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        void Row(string name, Phase p, bool bold = false, bool boldLatency = false)
        {
            var (o, c) = bold ? ("**", "**") : ("", "");
            var (lo, lc) = boldLatency ? ("**", "**") : ("", "");
            b.AppendLine($"| {name} | {p.Events:N0} | {o}{p.EventsPerSecond:N0}{c} | {o}{p.NodeCpuMicrosPerEvent:N1}{c} | {p.AllocatedBytesPerEvent / 1024:N1} KiB | " +
                         $"{o}{p.RedisCpuMicrosPerEvent:N1}{c} | {lo}{Lat(p)}{lc} |");
        }
        Row("whole throughput phase (first produced → all committed)", r.Throughput);
        Row("steady state (20% → 80% committed)", r.Steady, bold: true);
        var half = r.LiveRate == RunScenario.HalfTheSteadyRate(r.Steady);
        Row($"live at {r.LiveRate:N0}/s ({(half ? "half the steady rate" : "a fixed rate, --live-rate")}; no RFC 3164)", r.Live, boldLatency: true);
        if (r.LiveSettled is { } settled) Row("live, without its first 5 s (the switch from the backlog)", settled, boldLatency: true);
        if (r.Hub is { } hub) Row($"hub-latency phase at {hub.Rate:N0}/s with {hub.Clients} hub clients, without its first 5 s", hub.Pipeline, boldLatency: true);
        b.AppendLine();
        string Commands(Phase p) => string.Join(", ", p.RedisCommands.Take(6).Select(c => $"`{c.Command}` {c.Calls:0.###} calls {c.Micros:N2} µs"));
        b.AppendLine($"Redis per stored event (`INFO commandstats`; the script's own commands run inside `evalsha`): steady state {Commands(r.Steady)}; " +
                     $"live {Commands(r.LiveSettled ?? r.Live)}.");
        b.AppendLine();
        if (r.Hub is { } h)
        {
            b.AppendLine($"Hub latency: {h.Clients} connections through the official SignalR client, each subscribed to one host's events " +
                         $"(`host == \"host-N\"`), {h.Received:N0} events received in {h.Seconds:N0} s, {h.Dropped:N0} dropped: produced → received " +
                         $"**p50 {h.ProducedP50Ms:N0} ms, p90 {h.ProducedP90Ms:N0} ms, p99 {h.ProducedP99Ms:N0} ms**, max {h.ProducedMaxMs:N0} ms; " +
                         $"stored in Redis → received p50 {h.StoredP50Ms:N0} ms, p99 {h.StoredP99Ms:N0} ms (1 ms buckets). Inside the node over the phase " +
                         $"(means): {string.Join(", ", h.Steps.Select(st => $"{st.Step} {st.Mean:N0} {st.Unit}"))}.");
            b.AppendLine();
        }
        var live = r.Points.Where(p => p.Seconds >= r.Throughput.Seconds).ToList();
        double MiB(long bytes) => bytes / 1048576.0;
        b.AppendLine($"Node peak RSS {MiB(r.NodePeakRssBytes):N0} MiB ({MiB(r.NodePeakRssBytes) / ((r.Throughput.Events + r.Live.Events) / 1e6):N0} MiB per million events of the run); " +
                     $"over the live phase ({r.Live.Seconds / 60:N1} min) RSS went {MiB(live[0].NodeRssBytes):N0} → max {MiB(live.Max(p => p.NodeRssBytes)):N0} → " +
                     $"{MiB(live[^1].NodeRssBytes):N0} MiB (last minute's mean {MiB((long)live.Where(p => p.Seconds >= live[^1].Seconds - 60).Average(p => p.NodeRssBytes)):N0} MiB).");
        b.AppendLine();
        b.AppendLine("| bound or peer, same run, same data | events/s | pipeline steady state as a share of it | what |");
        b.AppendLine("|---|---:|---:|---|");
        foreach (var bound in r.Bounds)
            b.AppendLine($"| {bound.Name} | {bound.PerSecond:N0} | {Pct(r.Steady.EventsPerSecond / bound.PerSecond)} | {bound.What} |");
        if (r.Baseline is { } plain)
            b.AppendLine($"| **baseline**: a plain consumer written for comparison (one process, no actors; parse, System.Text.Json, ClickHouse `JSONEachRow`, Redis `XADD`, commit after the writes: at-least-once, no enrichment, detection or dead letters) | {plain.PerSecond:N0} | {Pct(r.Steady.EventsPerSecond / plain.PerSecond)} | " +
                         $"{plain.Events:N0} of the run's records; its CPU {plain.CpuMicrosPerEvent:N1} µs/event — the node's steady state {r.Steady.NodeCpuMicrosPerEvent / plain.CpuMicrosPerEvent:N2}× that |");
        var peer = r.Peer.Failure is null
            ? $"| ClickHouse Kafka engine + materialized view (peer) | {r.Peer.PerSecond:N0} | {Pct(r.Steady.EventsPerSecond / r.Peer.PerSecond)} | {r.Peer.Events:N0} JSON events of the same generator, parse + store only; ClickHouse CPU {r.Peer.CpuMicrosPerEvent:N1} µs/event |"
            : r.Peer.Stored > 0
                ? $"| ClickHouse Kafka engine + materialized view (peer), **did not finish** | {r.Peer.PerSecond:N0} (what it stored) | — | {r.Peer.Failure}; ClickHouse CPU {r.Peer.CpuMicrosPerEvent:N1} µs per stored event |"
                : $"| ClickHouse Kafka engine + materialized view (peer) | — | — | failed: {r.Peer.Failure} |";
        b.AppendLine(peer);
        b.AppendLine();
        var liveLatency = r.LiveSettled ?? r.Live;
        b.AppendLine($"Targets (issue 20): node CPU ≤ 10 µs/event steady — measured {r.Steady.NodeCpuMicrosPerEvent:N1}; ≤ 12 live — {liveLatency.NodeCpuMicrosPerEvent:N1}; " +
                     $"allocated ≤ 1 KiB/event — {r.Steady.AllocatedBytesPerEvent / 1024:N1} KiB; steady state ≥ 60% of raw consume — {Pct(r.Steady.EventsPerSecond / raw)}; " +
                     $"produced → stored p99 ≤ 0.25 s live — ≤{liveLatency.LatencyP99:0.###} s (bucket bound, without the first 5 s); " +
                     (r.Hub is { } hubRun
                         ? $"produced → received by a hub client p50 ≤ 200 ms / p99 ≤ 500 ms — {hubRun.ProducedP50Ms:N0} / {hubRun.ProducedP99Ms:N0} ms at {hubRun.Rate:N0}/s; "
                         : "hub latency — not run (--hub-clients 0); ") +
                     (r.Baseline is { } baselineRun
                         ? $"beat the baseline — {Pct(r.Steady.EventsPerSecond / baselineRun.PerSecond)} of its rate at {r.Steady.NodeCpuMicrosPerEvent / baselineRun.CpuMicrosPerEvent:N2}× its CPU per event."
                         : "the baseline — not run (--no-baseline)."));
        b.AppendLine();
        b.AppendLine($"![throughput and latency over the run]({chart})");
        b.AppendLine(End);
        return b.ToString();
    }

    /// <summary>Replaces the text between the markers (or appends it) in <paramref name="docPath"/>.</summary>
    public static void Update(string docPath, string table)
    {
        var doc = File.ReadAllText(docPath);
        var begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        doc = begin >= 0 && end > begin
            ? doc[..begin] + table.TrimEnd('\n') + doc[(end + End.Length)..]
            : doc.TrimEnd('\n') + "\n\n" + table;
        File.WriteAllText(docPath, doc);
    }
}
