using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SiemActors.Cli.Config;
using SiemActors.Cli.Management;

namespace SiemActors.Cli.Commands;

/// <summary>
/// The operator's verbs, pbm-style, over a node's management API: <c>cluster show|join|leave|down</c>,
/// <c>actor hierarchy</c>, <c>shards show</c>, <c>pipeline status|lag</c>. Tables by default, <c>--json</c> for scripts.
/// </summary>
internal static class ManagementCommands
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static IEnumerable<Command> Create(Option<string?> stateDirOption, NodeOptions options)
    {

        Command Verb(string name, string description, Func<ManagementClient, ParseResult, CancellationToken, Task<JsonElement>> call,
            Action<JsonElement, ParseResult> print, params Symbol[] extra)
        {
            var command = new Command(name, description);
            foreach (var symbol in extra)
            {
                if (symbol is Argument a) command.Arguments.Add(a);
                else if (symbol is Option o) command.Options.Add(o);
            }
            command.SetAction(async (result, cancellation) =>
            {
                using var client = ManagementClient.Create(options.Node(result), options.Token(result), result.GetValue(stateDirOption));
                var answer = await call(client, result, cancellation);
                if (options.Json(result)) Console.WriteLine(JsonSerializer.Serialize(answer, Pretty));
                else print(answer, result);
                return ExitCodes.Ok;
            });
            return command;
        }

        var address = new Argument<string>("address") { Description = "the member's address, akka.tcp://siem@host:port" };
        var cluster = new Command("cluster", "Cluster membership");
        cluster.Subcommands.Add(Verb("show", "Members with roles, status and reachability",
            (c, _, ct) => c.GetAsync("/management/cluster", ct), (j, _) => PrintCluster(j)));
        foreach (var (verb, text) in new[] { ("join", "Make the node join the cluster at ADDRESS"), ("leave", "Make the member at ADDRESS leave gracefully"),
                     ("down", "Mark the member at ADDRESS as down (it is unreachable and will not come back)") })
        {
            cluster.Subcommands.Add(Verb(verb, text, (c, r, ct) => c.PostAsync($"/management/cluster/{verb}", new { address = r.GetValue(address) }, ct),
                (j, _) => Console.WriteLine($"{j.GetProperty("accepted").GetString()}: {j.GetProperty("address").GetString()}"), address));
        }

        var depth = new Option<int>("--depth") { Description = "levels below /user and /system", DefaultValueFactory = _ => 3 };
        var actor = new Command("actor", "Actors of the node");
        actor.Subcommands.Add(Verb("hierarchy", "The node's actor tree: paths, types, mailbox depths",
            (c, r, ct) => c.GetAsync($"/management/actors?depth={r.GetValue(depth)}", ct), (j, _) => PrintActors(j), depth));

        var shards = new Command("shards", "Cluster sharding");
        shards.Subcommands.Add(Verb("show", "Regions with shard and entity counts per node",
            (c, _, ct) => c.GetAsync("/management/shards", ct), (j, _) => PrintShards(j)));

        var pipeline = new Command("pipeline", "The node's ingest pipeline");
        pipeline.Subcommands.Add(Verb("status", "Rates, sinks, dead letters, partitions",
            (c, _, ct) => c.GetAsync("/management/pipeline", ct), (j, _) => PrintPipeline(j)));
        pipeline.Subcommands.Add(Verb("lag", "The consumer group's committed offset, end offset and lag per partition of the events topic",
            (c, _, ct) => c.GetAsync("/management/pipeline", ct), (j, _) => PrintLag(j)));

        var acknowledge = new Option<bool>("--acknowledge") { Description = "stop the alarm of every gap reported so far (/health/ready ready again)" };
        pipeline.Subcommands.Add(Verb("gaps", "Ranges of records the broker deleted before they were read (ingest gaps), newest first",
            async (c, r, ct) => r.GetValue(acknowledge)
                ? await c.PostAsync("/management/pipeline/gaps/acknowledge", new { }, ct)
                : await c.GetAsync("/management/pipeline/gaps", ct),
            (j, r) => PrintGaps(j, r.GetValue(acknowledge)), acknowledge));

        var from = new Option<string?>("--from") { Description = "start of the range, in the filter language's times (default: now-24h)" };
        var to = new Option<string?>("--to") { Description = "end of the range (default: now)" };
        var user = new Option<string?>("--user") { Description = "only this user's actions" };
        var action = new Option<string?>("--action") { Description = "only this kind: sign_in, search, stats, alerts_search, subscribe, unsubscribe, alerts_subscribe, alert_change, management, audit_read" };
        var contains = new Option<string?>("--contains") { Description = "only actions whose detail (a filter, a path, a change) contains this text, any case" };
        var limit = new Option<int>("--limit") { Description = "at most this many, newest first", DefaultValueFactory = _ => 100 };
        var audit = Verb("audit", "The audit trail: who searched, subscribed, changed alerts or called management, when, from where (admin)",
            (c, r, ct) => c.GetAsync("/management/audit?" + Query(("from", r.GetValue(from)), ("to", r.GetValue(to)), ("user", r.GetValue(user)),
                ("action", r.GetValue(action)), ("contains", r.GetValue(contains)), ("limit", r.GetValue(limit).ToString(CultureInfo.InvariantCulture))), ct),
            (j, _) => PrintAudit(j), from, to, user, action, contains, limit);

        foreach (var group in new[] { cluster, actor, shards, pipeline, audit }) options.AddTo(group);
        return [cluster, actor, shards, pipeline, audit];
    }

    private static string Query(params (string Name, string? Value)[] parameters) =>
        string.Join('&', parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));

    private static void PrintAudit(JsonElement j)
    {
        var entries = j.GetProperty("entries");
        Console.WriteLine($"{"time (UTC)",-24} {"user",-20} {"action",-16} {"result",-8} {"size",6} {"remote",-16} detail");
        foreach (var e in entries.EnumerateArray())
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(e.GetProperty("at_ms").GetInt64()).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var size = e.GetProperty("result_size").GetInt64();
            Console.WriteLine($"{at,-24} {e.GetProperty("user").GetString(),-20} {e.GetProperty("action").GetString(),-16} {e.GetProperty("result").GetString(),-8} " +
                              $"{(size < 0 ? "" : size.ToString(CultureInfo.InvariantCulture)),6} {e.GetProperty("remote").GetString(),-16} {e.GetProperty("detail").GetString()}");
        }
        Console.WriteLine($"{entries.GetArrayLength()} entries");
    }

    private static void PrintCluster(JsonElement j)
    {
        var table = new Table("ADDRESS", "STATUS", "REACHABLE", "ROLES", "");
        foreach (var m in j.GetProperty("members").EnumerateArray())
        {
            var marks = string.Join(" ", new[] { m.GetProperty("leader").GetBoolean() ? "leader" : null, m.GetProperty("self").GetBoolean() ? "(this node)" : null }
                .OfType<string>());
            table.Add(m.GetProperty("address").GetString(), m.GetProperty("status").GetString(), m.GetProperty("reachable").GetBoolean() ? "yes" : "NO",
                string.Join(",", m.GetProperty("roles").EnumerateArray().Select(r => r.GetString())), marks);
        }
        table.Write(Console.Out);
    }

    private static void PrintActors(JsonElement j)
    {
        var table = new Table("PATH", "TYPE", "MAILBOX", "CHILDREN");
        void Walk(JsonElement a, int level)
        {
            table.Add(new string(' ', level * 2) + a.GetProperty("path").GetString(), a.GetProperty("type").GetString(), a.GetProperty("mailbox_depth").GetInt32(),
                a.GetProperty("child_count").GetInt32());
            foreach (var child in a.GetProperty("children").EnumerateArray()) Walk(child, level + 1);
        }
        foreach (var root in j.EnumerateArray()) Walk(root, 0);
        table.Write(Console.Out);
    }

    private static void PrintShards(JsonElement j)
    {
        var table = new Table("TYPE", "NODE", "SHARDS", "ENTITIES");
        foreach (var type in j.EnumerateArray())
        {
            var name = type.GetProperty("type_name").GetString();
            if (type.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String) table.Add(name, "?", "?", error.GetString());
            foreach (var region in type.GetProperty("regions").EnumerateArray())
                table.Add(name, region.GetProperty("node").GetString(), region.GetProperty("shards").GetInt32(), region.GetProperty("entities").GetInt32());
        }
        table.Write(Console.Out);
    }

    private static void PrintPipeline(JsonElement j)
    {
        string N(string name) => j.GetProperty(name).GetDouble().ToString("N1", CultureInfo.InvariantCulture);
        Console.WriteLine($"running: {(j.GetProperty("running").GetBoolean() ? "yes" : "no")}   partitions: {j.GetProperty("assigned_partitions").GetInt32()}" +
            $"   in: {N("events_in_per_second")}/s   out: {N("events_out_per_second")}/s   mean batch: {N("mean_batch_size")}");
        Console.WriteLine($"consumed: {j.GetProperty("consumed").GetInt64():N0}   committed: {j.GetProperty("committed").GetInt64():N0}" +
            $"   shard ask timeouts: {j.GetProperty("shard_ask_timeouts").GetInt64():N0}");
        Console.WriteLine();
        var sinks = new Table("SINK", "BATCHES", "MEAN", "EVENTS", "ERRORS");
        foreach (var s in j.GetProperty("sinks").EnumerateArray())
            sinks.Add(s.GetProperty("name").GetString(), s.GetProperty("batches").GetInt64().ToString("N0", CultureInfo.InvariantCulture),
                $"{s.GetProperty("mean_seconds").GetDouble() * 1000:N1} ms", s.GetProperty("events").GetInt64().ToString("N0", CultureInfo.InvariantCulture),
                s.GetProperty("errors").GetInt64());
        sinks.Write(Console.Out);
        var dead = j.GetProperty("dead_lettered").EnumerateObject().ToList();
        Console.WriteLine();
        Console.WriteLine(dead.Count == 0 ? "dead letters: none" : "dead letters: " + string.Join(", ", dead.Select(d => $"{d.Name} {d.Value.GetInt64():N0}")));
    }

    private static void PrintLag(JsonElement j)
    {
        if (!j.TryGetProperty("group_lag", out var lag) || lag.ValueKind != JsonValueKind.Object)
        {
            Console.WriteLine("lag: not measured yet (the node has not reached the brokers)");
            return;
        }
        var table = new Table("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "OWNER");
        foreach (var p in lag.GetProperty("partitions").EnumerateArray())
            table.Add(p.GetProperty("topic").GetString(), p.GetProperty("partition").GetInt32(), Known(p.GetProperty("committed_offset")),
                Known(p.GetProperty("end_offset")), Known(p.GetProperty("lag"), "N0"), p.GetProperty("assigned_here").GetBoolean() ? "this node" : "-");
        table.Write(Console.Out);
        var measured = lag.GetProperty("measured_at").GetDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var unknown = lag.GetProperty("unknown_partitions").GetInt32();
        var total = lag.GetProperty("total_lag");
        Console.WriteLine($"group {lag.GetProperty("group").GetString()}, measured {measured} UTC: total lag " +
                          (total.ValueKind == JsonValueKind.Number ? total.GetInt64().ToString("N0", CultureInfo.InvariantCulture) : "unknown") +
                          (unknown > 0 ? $" ({unknown} partition(s) unknown: no committed offset or no end offset)" : ""));
    }

    private static string Known(JsonElement value, string format = "") =>
        value.ValueKind == JsonValueKind.Number ? value.GetInt64().ToString(format, CultureInfo.InvariantCulture) : "-";

    private static void PrintGaps(JsonElement j, bool acknowledged)
    {
        if (acknowledged)
        {
            Console.WriteLine($"acknowledged: {j.GetProperty("acknowledged").GetInt32()} gap alarm(s)");
            return;
        }
        var table = new Table("DETECTED (UTC)", "TOPIC", "PARTITION", "OFFSETS", "RECORDS", "POLICY", "ALARM");
        foreach (var g in j.EnumerateArray())
            table.Add(DateTimeOffset.FromUnixTimeMilliseconds(g.GetProperty("detected_at").GetInt64()).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                g.GetProperty("topic").GetString(), g.GetProperty("partition").GetInt32(),
                $"{g.GetProperty("first_offset").GetInt64()}..{g.GetProperty("last_offset").GetInt64()}",
                g.GetProperty("records").GetInt64().ToString("N0", CultureInfo.InvariantCulture), g.GetProperty("policy").GetString(),
                g.GetProperty("alarming").GetBoolean() ? "ALARM" : g.GetProperty("acknowledged").GetBoolean() ? "acknowledged" : "expired");
        table.Write(Console.Out);
        if (j.GetArrayLength() == 0) Console.WriteLine("no ingest gap reported by this node");
    }
}
