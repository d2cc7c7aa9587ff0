using System.Text.Json;
using Akka.Configuration;
using SiemActors.Archive;
using Xunit;

namespace SiemActors.Cli.Tests;

/// <summary><c>siemctl archive list | verify | query</c> run as a user would, on an archive in a directory (the file:// target).</summary>
public sealed class ArchiveCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("siemctl-archive-").FullName;
    private static readonly DateOnly Day = new(2025, 3, 14);

    private async Task<(string Config, ArchiveObjects Objects)> ArchiveOfOneDay()
    {
        var config = Path.Combine(_dir, "siem.conf");
        await File.WriteAllTextAsync(config, $$"""siem.archive { target = "file://{{_dir}}/archive", spill-dir = "{{_dir}}/spill" }""");
        var settings = ArchiveSettings.Create(ConfigurationFactory.ParseString(await File.ReadAllTextAsync(config)));
        var objects = new ArchiveObjects(ArchiveStores.Open(settings), settings.SpillDir);
        var start = new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        using var part = new ParquetPart(settings);
        for (var i = 0; i < 50; i++)
            await part.AddAsync(new ArchiveRow
            {
                EventId = $"e-{i:00}", Timestamp = ArchiveRow.Time(start + i * 60_000), IngestedAt = ArchiveRow.Time(start + i * 60_000 + 5), Source = i % 2 == 0 ? "sshd" : "dns",
                Host = "h1", Severity = i % 8, Message = $"message {i}", Topic = "events", Offset = i, Raw = $"raw {i}",
            }, CancellationToken.None);
        var file = await part.CompleteAsync(CancellationToken.None);
        var key = ArchiveLayout.PartKey(Day, 0);
        await objects.Store.PutFileAsync(key, file.Path, CancellationToken.None);
        await objects.WriteManifestAsync(new DayManifest(ArchiveLayout.Day(Day), 50, file.MinEventTimeMs, file.MaxEventTimeMs, 0, 0,
            [new ArchivePart(key, 50, file.Bytes, file.Sha256, file.MinEventTimeMs, file.MaxEventTimeMs, 0)], 0), CancellationToken.None);
        return (config, objects);
    }

    [Fact]
    public async Task List_verify_and_query_read_the_archive_and_verify_finds_a_damaged_part()
    {
        var (config, _) = await ArchiveOfOneDay();

        using (var list = SiemctlProcess.Start(_dir, "archive", "list", "--config", config, "--json"))
        {
            Assert.Equal(0, await list.ExitCode(TimeSpan.FromSeconds(60)));
            var day = JsonDocument.Parse(list.Output.Trim()).RootElement;
            Assert.Equal("2025-03-14", day.GetProperty("date").GetString());
            Assert.Equal(50, day.GetProperty("rows").GetInt64());
        }
        using (var verify = SiemctlProcess.Start(_dir, "archive", "verify", "--date", "2025-03-14", "--config", config))
        {
            Assert.Equal(0, await verify.ExitCode(TimeSpan.FromSeconds(60)));
            Assert.Contains("2025-03-14: ok", verify.Output);
        }
        using (var query = SiemctlProcess.Start(_dir, "archive", "query", "--from", "2025-03-14T00:00:00Z", "--to", "2025-03-15T00:00:00Z",
                   "source == \"sshd\" and severity <= warning", "--limit", "5", "--json", "--config", config))
        {
            Assert.Equal(0, await query.ExitCode(TimeSpan.FromSeconds(60)));
            var events = query.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            // sshd: even numbers; warning or less severe: severity (i % 8) >= 4: 48, 46, 44, 38, 36 newest first.
            Assert.Equal(["e-46", "e-44", "e-38", "e-36", "e-30"], events.Select(e => e.GetProperty("event_id").GetString()));
            Assert.All(events, e => Assert.True(e.GetProperty("archived").GetBoolean()));
        }

        // One byte of the part changed: verify says which object and fails.
        var partPath = Path.Combine(_dir, "archive", ArchiveLayout.PartKey(Day, 0));
        var bytes = await File.ReadAllBytesAsync(partPath);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(partPath, bytes);
        using var damaged = SiemctlProcess.Start(_dir, "archive", "verify", "--date", "2025-03-14", "--config", config);
        var exit = await damaged.ExitCode(TimeSpan.FromSeconds(60));
        Assert.True(exit == 1, $"exit {exit}: {damaged.Output}");
        Assert.Contains("NOT OK", damaged.Output);
        Assert.Contains("SHA-256", damaged.Output);
    }

    [Fact]
    public async Task Without_a_target_it_says_what_to_set()
    {
        var config = Path.Combine(_dir, "empty.conf");
        await File.WriteAllTextAsync(config, "siem {}");
        using var list = SiemctlProcess.Start(_dir, "archive", "list", "--config", config);
        Assert.Equal(2, await list.ExitCode(TimeSpan.FromSeconds(60)));
        Assert.Contains("siem.archive.target is empty", list.Output);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
