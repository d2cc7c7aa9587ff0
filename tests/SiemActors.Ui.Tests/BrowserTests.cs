using Akka.Configuration;
using Microsoft.Playwright;
using SiemActors.Api;
using SiemActors.Auth;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Ui.Tests;

/// <summary>
/// An analyst's session in Debian's Chromium (headless) against the node started by the README's run command, while
/// the generator runs: sign in, filter the live tail, see a bad filter's error in place, pause, open an event, run the
/// same filter in history, see the alerts the starter rules fire. Screenshots of each step go to the test's output folder (docs/ui.md uses them).
/// </summary>
[Collection(RunScriptCollection.Name)]
public sealed class BrowserTests(ITestOutputHelper output)
{
    private const float Timeout = 90_000;
    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task An_analyst_filters_the_live_tail_pauses_opens_an_event_and_searches_history()
    {
        var (script, url) = await RunScript.StartAsync(TimeSpan.FromMinutes(4));
        await using var _ = script;
        Directory.CreateDirectory(Shots);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 860 } });
        page.SetDefaultTimeout(Timeout);
        var consoleErrors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error") consoleErrors.Add($"{m.Text} ({m.Location})");
        };
        page.Response += (_, r) =>
        {
            if (r.Status >= 400) consoleErrors.Add($"{r.Status} {r.Url}");
        };
        try
        {
            // Sign in with a token the node accepts.
            await page.GotoAsync(url);
            await page.Locator("#signin").WaitForAsync();
            await page.FillAsync("#token", Token());
            await page.ClickAsync("#signin-form button[type=submit]");
            await page.Locator("#app").WaitForAsync();
            await page.WaitForFunctionAsync("() => document.getElementById('connection').textContent === 'live'");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#live-table .rows .row').length >= 20");
            // The chart's time labels: one line each (HH:MM:SS), distinct, at most one per 90 px of its width.
            await page.WaitForFunctionAsync("() => (document.getElementById('chart').dataset.ticks || '').length > 0");
            var ticks = (await page.Locator("#chart").GetAttributeAsync("data-ticks"))!.Split(' ');
            var chartWidth = (await page.Locator("#chart").BoundingBoxAsync())!.Width;
            Assert.All(ticks, t => Assert.Matches(@"^\d\d:\d\d:\d\d$", t));
            Assert.Equal(ticks.Length, ticks.Distinct().Count());
            Assert.True(ticks.Length <= chartWidth / 90 + 1, $"{ticks.Length} time labels on a {chartWidth} px chart: {string.Join(' ', ticks)}");
            await Shot(page, "1-live-tail");

            // A bad filter: the error is shown in place, with the position.
            await page.FillAsync("#filter", "severity >= loud");
            await page.PressAsync("#filter", "Enter");
            await page.Locator("#filter-error").WaitForAsync();
            Assert.Contains("at 12:", await page.TextContentAsync("#filter-message"));
            await Shot(page, "2-filter-error");

            // A good filter: only matching events arrive while the generator runs.
            await page.FillAsync("#filter", """source == "sshd" """);
            await page.PressAsync("#filter", "Enter");
            await page.Locator("#filter-error").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
            Assert.Contains("filter=", page.Url);
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#live-table .rows .row').length >= 10");
            var sources = await page.Locator("#live-table .rows .row span:nth-child(3)").AllTextContentsAsync();
            Assert.NotEmpty(sources);
            Assert.All(sources, s => Assert.Equal("sshd", s));
            await Shot(page, "3-filtered");

            // Pause: the table stands still while events keep arriving (counted as waiting).
            await page.ClickAsync("#pause");
            var first = await page.Locator("#live-table .rows .row[data-index='0'] span:first-child").TextContentAsync();
            await page.WaitForFunctionAsync("() => /[1-9][0-9,]* waiting/.test(document.getElementById('live-counts').textContent)");
            Assert.Equal(first, await page.Locator("#live-table .rows .row[data-index='0'] span:first-child").TextContentAsync());
            await page.ClickAsync("#pause");
            await page.WaitForFunctionAsync("() => !/waiting/.test(document.getElementById('live-counts').textContent)");

            // Open an event: the normalized event and its raw line.
            await page.ClickAsync("#live-table .rows .row[data-index='2']");
            await page.Locator("#detail").WaitForAsync();
            Assert.True(await page.Locator("#detail").IsVisibleAsync());
            var box = await page.Locator("#detail").BoundingBoxAsync();
            Assert.True(box is not null && box.X + box.Width <= 1400 + 1, $"the event panel is off screen: {box?.X}+{box?.Width}");
            Assert.Contains("\"source\": \"sshd\"", await page.TextContentAsync("#detail-json"));
            Assert.False(string.IsNullOrWhiteSpace(await page.TextContentAsync("#detail-raw")));
            await Shot(page, "4-event-detail");

            // The same filter over ClickHouse. Switching tabs closes the event's panel: it belongs to the Live tab.
            await page.ClickAsync("#tab-history");
            await page.Locator("#detail").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#history-table .rows .row').length >= 5");
            var stored = await page.Locator("#history-table .rows .row span:nth-child(3)").AllTextContentsAsync();
            Assert.All(stored, s => Assert.Equal("sshd", s));
            Assert.Contains("tab=history", page.Url);
            await Shot(page, "5-history");

            // A day past ClickHouse's retention: the run script backfills the 3 days before today, and its archive (one
            // day's retention) archives and drops the two oldest within a minute. Searching the oldest finds it in the archive.
            var oldest = DateTime.UtcNow.Date.AddDays(-3);
            await page.FillAsync("#history-from", oldest.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
            await page.FillAsync("#history-to", oldest.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (true)
            {
                await page.ClickAsync("#history-run");
                await page.WaitForFunctionAsync("() => !/searching/.test(document.getElementById('history-counts').textContent)");
                if (await page.Locator("#history-table .rows .row.archived").CountAsync() >= 5) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException("no archived rows in History within 3 minutes: " + await page.TextContentAsync("#history-counts"));
                await page.WaitForTimeoutAsync(2_000); // the archive's next pass; each try is a new search
            }
            Assert.Contains("from the archive", await page.TextContentAsync("#history-counts"));
            Assert.All(await page.Locator("#history-table .rows .row span:nth-child(3)").AllTextContentsAsync(), s => Assert.Equal("sshd", s));
            Assert.Contains("from=", page.Url);
            await Shot(page, "5b-history-archive");
            await page.FillAsync("#history-from", "");
            await page.FillAsync("#history-to", "");

            // Alerts: the demo's noisy sshd addresses trip the starter rules within a minute; the newest is on top.
            await page.ClickAsync("#tab-alerts");
            Assert.Contains("tab=alerts", page.Url);
            // The event filters do not apply to the alert list, and the page says so.
            Assert.True(await page.Locator("#filter").IsDisabledAsync());
            Assert.True(await page.Locator("#filter-scope").IsVisibleAsync());
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#alerts-list .row').length >= 1");
            var detected = await page.Locator("#alerts-list .row span:first-child").AllTextContentsAsync();
            Assert.Equal(detected.OrderByDescending(t => t, StringComparer.Ordinal), detected);
            await page.ClickAsync("#alerts-list .row >> nth=0");
            await page.Locator("#detail").WaitForAsync();
            Assert.Contains("\"alert_id\"", await page.TextContentAsync("#detail-json"));
            Assert.StartsWith("Alert: ", await page.TextContentAsync("#detail-title"));
            await Shot(page, "6-alerts");

            // Triage, as a responder: acknowledge, take it, note what was found, close it with a reason. Each step shows in
            // the panel's history and the list's status; the node has stored every change.
            var alertId = await page.Locator("#alerts-list .row >> nth=0").GetAttributeAsync("data-alert-id");
            await page.Locator("#triage-actions").WaitForAsync();
            Assert.Equal("open", await page.TextContentAsync("#triage-status"));
            await page.ClickAsync("#triage-ack");
            await page.WaitForFunctionAsync("() => document.getElementById('triage-status').textContent === 'acknowledged'");
            await page.ClickAsync("#triage-assign-me");
            await page.WaitForFunctionAsync("() => document.getElementById('triage-assignee').textContent === 'assigned to browser-test'");
            await page.FillAsync("#triage-note", "<b>10.0.0.7</b> is the jump host; owner asked");
            await page.ClickAsync("#triage-add-note");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#triage-history li').length === 3");
            Assert.Contains("<b>10.0.0.7</b>", await page.TextContentAsync("#triage-history")); // shown as text, not markup
            await page.FillAsync("#triage-reason", "false positive: scheduled scan");
            await page.ClickAsync("#triage-close");
            await page.WaitForFunctionAsync("() => document.getElementById('triage-status').textContent === 'closed'");
            await page.WaitForFunctionAsync($"() => document.querySelector('#alerts-list .row[data-alert-id=\"{alertId}\"]').classList.contains('closed')");
            Assert.Equal("browser-test", await page.Locator($"#alerts-list .row[data-alert-id=\"{alertId}\"] span:nth-child(3)").TextContentAsync());
            await Shot(page, "7-alert-triage");
            await page.ClickAsync("#tab-live");
            Assert.False(await page.Locator("#filter").IsDisabledAsync());
            Assert.False(await page.Locator("#filter-scope").IsVisibleAsync());
            Assert.False(await page.Locator("#detail").IsVisibleAsync());
            using (var http = new HttpClient { BaseAddress = new Uri(url) })
            {
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token());
                var triaged = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"/api/alerts/{alertId}")).RootElement;
                Assert.Equal("closed", triaged.GetProperty("state").GetProperty("status").GetString());
                Assert.Equal(["acknowledge", "assign", "note", "close"], triaged.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("action").GetString()));
            }
            Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
        }
        catch
        {
            await Shot(page, "failure");
            output.WriteLine(script.Output);
            var log = Path.Combine(script.StateDirectory, "node.log");
            if (File.Exists(log)) output.WriteLine(string.Join('\n', File.ReadLines(log).TakeLast(60)));
            throw;
        }
    }

    private static string Token()
    {
        var settings = ApiSettings.Create(ConfigurationFactory.ParseString($"siem.api.auth.secret = \"{RunScript.Secret}\"")).Auth;
        return AnalystTokens.Issue(settings, "browser-test", TimeSpan.FromMinutes(30), role: AnalystRoles.Responder);
    }

    private async Task Shot(IPage page, string name)
    {
        var file = Path.Combine(Shots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file });
        output.WriteLine($"screenshot: {file}");
    }
}
