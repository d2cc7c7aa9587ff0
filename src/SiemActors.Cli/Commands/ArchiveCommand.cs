using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Akka.Configuration;
using SiemActors.Archive;
using SiemActors.Cli.Config;
using SiemActors.Cli.Management;
using SiemActors.Domain.Filtering;

namespace SiemActors.Cli.Commands;

/// <summary>
/// <c>siemctl archive list | verify --date D | query --from --to "filter"</c>: the cold tier read directly from its
/// store (docs/archive.md), with the node's archive settings: <c>--config</c>, else <c>hocon/siem.conf</c> under the
/// state folder's <c>node.conf</c> (what scripts/run.sh wrote). Credentials as for the node: the environment or the
/// secret file.
/// </summary>
internal static class ArchiveCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static Command Create(Option<string?> configOption, Option<string?> stateDirOption)
    {
        var target = new Option<string?>("--target") { Description = "the archive, overriding siem.archive.target (s3://bucket/prefix or file:///dir)", Recursive = true };
        var json = new Option<bool>("--json") { Description = "JSON output (one object per line for query)", Recursive = true };
        var command = new Command("archive", "The cold archive: list its days, verify one, query it") { target, json };

        var list = new Command("list", "Days in the archive, with rows, parts, bytes, and whether ClickHouse still holds them");
        list.SetAction(async (result, cancellation) =>
        {
            var (objects, store, location) = Open(result, configOption, stateDirOption, target);
            using (store)
            {
                var manifests = new List<DayManifest>();
                foreach (var day in await objects.DaysAsync(cancellation)) manifests.Add((await objects.ManifestAsync(day, cancellation))!);
                if (result.GetValue(json))
                {
                    foreach (var m in manifests)
                        Console.WriteLine(JsonSerializer.Serialize(new
                        {
                            date = m.Date, rows = m.Rows, parts = m.Parts.Count, bytes = m.Parts.Sum(p => p.Bytes), min_event_time_ms = m.MinEventTimeMs,
                            max_event_time_ms = m.MaxEventTimeMs, clickhouse_rows = m.ClickHouseRows, updated_at_ms = m.UpdatedAtMs,
                        }, Json));
                    return ExitCodes.Ok;
                }
                var table = new Table("DATE", "ROWS", "PARTS", "BYTES", "IN CLICKHOUSE", "UPDATED");
                foreach (var m in manifests)
                    table.Add(m.Date, m.Rows.ToString("N0", CultureInfo.InvariantCulture), m.Parts.Count, m.Parts.Sum(p => p.Bytes).ToString("N0", CultureInfo.InvariantCulture),
                        m.ClickHouseRows == 0 ? "dropped" : m.ClickHouseRows.ToString("N0", CultureInfo.InvariantCulture), Time(m.UpdatedAtMs));
                table.Write(Console.Out);
                Console.WriteLine($"{manifests.Count} day(s), {manifests.Sum(m => m.Rows):N0} rows, {manifests.Sum(m => m.Parts.Sum(p => p.Bytes)):N0} bytes in {location}");
                return ExitCodes.Ok;
            }
        });

        var date = new Option<string>("--date") { Description = "the day, yyyy-MM-dd (UTC)", Required = true };
        var verify = new Command("verify", "Recount a day's objects against its manifest: presence, size, SHA-256, rows; objects it does not name") { date };
        verify.SetAction(async (result, cancellation) =>
        {
            if (!DateOnly.TryParseExact(result.GetValue(date), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                throw new CliException("--date takes a day as yyyy-MM-dd");
            var (objects, store, location) = Open(result, configOption, stateDirOption, target);
            using (store)
            {
                var v = await new ArchiveVerifier(objects).VerifyAsync(day, cancellation);
                if (result.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(new { date = ArchiveLayout.Day(day), ok = v.Ok, manifest_rows = v.ManifestRows, object_rows = v.ObjectRows, parts = v.Parts, problems = v.Problems }, Json));
                else
                {
                    Console.WriteLine($"{ArchiveLayout.Day(day)}: {(v.Ok ? "ok" : "NOT OK")} — manifest {v.ManifestRows:N0} rows, objects {v.ObjectRows:N0} rows in {v.Parts} part(s)");
                    foreach (var problem in v.Problems) Console.WriteLine("  " + problem);
                }
                return v.Ok ? ExitCodes.Ok : ExitCodes.Failed;
            }
        });

        var from = new Option<string>("--from") { Description = "event time from: ISO 8601, Unix ms or now-30d", Required = true };
        var to = new Option<string?>("--to") { Description = "event time to, exclusive (default: now)" };
        var limit = new Option<int>("--limit") { Description = "events to print, newest first", DefaultValueFactory = _ => 100 };
        var filter = new Argument<string>("filter") { Description = "the filter language of docs/filters.md", DefaultValueFactory = _ => "true" };
        var query = new Command("query", "Search the archive with the filter language, newest first") { from, to, limit, filter };
        query.SetAction(async (result, cancellation) =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long fromMs, toMs;
            FilterExpr expr;
            try
            {
                fromMs = FilterParser.ParseTime(result.GetValue(from)!, now);
                toMs = result.GetValue(to) is { } t ? FilterParser.ParseTime(t, now) : now;
                expr = FilterParser.Parse(result.GetValue(filter)!);
            }
            catch (FilterSyntaxException ex)
            {
                throw new CliException(ex.Message);
            }
            if (fromMs >= toMs) throw new CliException("--from must be before --to");
            if (result.GetValue(limit) is < 1 or > 1_000_000) throw new CliException("--limit takes 1 to 1,000,000");
            var (objects, store, location) = Open(result, configOption, stateDirOption, target);
            using (store)
            {
                var days = (await objects.DaysAsync(cancellation))
                    .Where(d => d >= DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(fromMs).UtcDateTime)
                                && d <= DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(toMs - 1).UtcDateTime)).ToList();
                var found = await new ArchiveSearch(objects).SearchAsync(days, fromMs, toMs, FilterPredicate.Compile(expr, () => now), result.GetValue(limit), null, cancellation);
                var shown = found.Take(result.GetValue(limit)).ToList();
                if (result.GetValue(json))
                {
                    foreach (var e in shown) Console.WriteLine(System.Text.Encoding.UTF8.GetString(e.Json));
                    return ExitCodes.Ok;
                }
                var table = new Table("TIME", "SOURCE", "HOST", "SEVERITY", "MESSAGE");
                foreach (var e in shown)
                {
                    using var doc = JsonDocument.Parse(e.Json);
                    var r = doc.RootElement;
                    table.Add(Time(e.TimestampMs), r.GetProperty("source").GetString(), r.GetProperty("host").GetString(), r.GetProperty("severity_name").GetString(),
                        r.GetProperty("message").GetString());
                }
                table.Write(Console.Out);
                Console.WriteLine($"{shown.Count} event(s){(found.Count > shown.Count ? " (more: raise --limit or narrow the range)" : "")} from {days.Count} archived day(s)");
                return ExitCodes.Ok;
            }
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(verify);
        command.Subcommands.Add(query);
        return command;
    }

    private static (ArchiveObjects Objects, IArchiveStore Store, ArchiveLocation Location) Open(ParseResult result, Option<string?> configOption, Option<string?> stateDirOption,
        Option<string?> targetOption)
    {
        var config = SiemConfig.Load(result.GetValue(configOption));
        if (result.GetValue(configOption) is null)
        {
            var nodeConf = Path.Combine(SiemConfig.StateDirectory(result.GetValue(stateDirOption)), "node.conf");
            if (File.Exists(nodeConf)) config = ConfigurationFactory.ParseString(File.ReadAllText(nodeConf)).WithFallback(config);
        }
        if (result.GetValue(targetOption) is { } t) config = ConfigurationFactory.ParseString($"siem.archive.target = {JsonSerializer.Serialize(t)}").WithFallback(config);
        try
        {
            var settings = ArchiveSettings.Create(config);
            if (settings.Location is null) throw new CliException("no archive: siem.archive.target is empty (give --target or --config)");
            var store = ArchiveStores.Open(settings);
            return (new ArchiveObjects(store, settings.SpillDir), store, settings.Location);
        }
        catch (Exception ex) when (ex is ConfigurationException or ArchiveConfigException)
        {
            throw new CliException(ex.Message);
        }
    }

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
