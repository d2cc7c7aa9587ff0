using Akka.Configuration;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using SiemActors.Api;
using SiemActors.Api.Http;
using SiemActors.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Ui.Tests;

/// <summary>
/// The UI signs in at the organisation's identity provider (docs/ui.md, "Signing in"): the sign-in page offers the
/// issuer, the browser goes there and comes back with a code, the page trades it for a token with its PKCE verifier —
/// under the node's Content-Security-Policy — and the analyst is in, with the role their group maps to.
/// </summary>
public sealed class OidcSignInTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestIssuer _issuer = null!;
    private WebApplication _app = null!;
    private string _url = "";
    private SiemActors.Sinks.ClickHouse.ClickHouseSinkSettings _store = null!;
    private SiemActors.Sinks.ClickHouse.ClickHouseHttpClient _clickHouse = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _issuer.SignInAs = ("olivia", ["soc-tier2"], "siem-ui-tests");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var config = ConfigurationFactory.ParseString($$"""
            siem.api {
              http.port = 0
              ui-root = "{{Path.Combine(ServicesScript.RepositoryRoot(), "web", "dist")}}"
              auth {
                secret = "{{RunScript.Secret}}"
                roles.map { "soc-tier2" = responder }
                oidc { issuer = "{{_issuer.Issuer}}", audience = "siem-ui-tests", require-https = off, ui-client-id = "siem-ui" }
              }
            }
            siem.sinks.redis.key-prefix = "uioidc{{suffix}}"
            siem.sinks.clickhouse.database = uioidc_{{suffix}}
            """);
        var settings = ApiSettings.Create(config);
        _store = SiemActors.Sinks.ClickHouse.ClickHouseSinkSettings.Create(config);
        _clickHouse = new SiemActors.Sinks.ClickHouse.ClickHouseHttpClient(_store, Akka.Event.NoLogger.Instance);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            await new SiemActors.Sinks.ClickHouse.ClickHouseEventWriter(_clickHouse, _store, Akka.Event.NoLogger.Instance).EnsureSchemaAsync(timeout.Token);
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAkka("ui-oidc-tests", akka => akka.WithLiveBridge(settings, config));
        builder.Services.AddSiemApi(settings, config);
        _app = builder.Build();
        _app.UseMiddleware<SecurityHeaders>(settings.HttpSecurity);
        _app.UseSiemApi(settings);
        await _app.StartAsync();
        _url = _app.Urls.First();
    }

    [Fact]
    public async Task An_analyst_signs_in_at_the_issuer_with_PKCE_and_gets_the_role_of_their_group()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var problems = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error") problems.Add(m.Text);
        };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        page.Response += (_, r) =>
        {
            if (r.Status >= 400) problems.Add($"{r.Status} {r.Url}");
        };
        await page.GotoAsync(_url + "/");
        await page.Locator("#signin-oidc-button").WaitForAsync();
        Assert.Equal($"Sign in with {new Uri(_issuer.Issuer).Authority}", await page.TextContentAsync("#signin-oidc-button"));
        await page.ClickAsync("#signin-oidc-button");
        try
        {
            await page.Locator("#app").WaitForAsync();
        }
        catch (TimeoutException)
        {
            output.WriteLine($"at {page.Url}: {await page.TextContentAsync("#signin-error")}\n{string.Join("\n", problems)}");
            throw;
        }
        await page.WaitForFunctionAsync("() => document.getElementById('user').textContent !== ''");
        Assert.Equal("olivia (responder)", await page.TextContentAsync("#user"));
        Assert.DoesNotContain("code=", page.Url);
        Assert.Equal(0, _issuer.TokenRefusals);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        output.WriteLine(page.Url);
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _issuer.DisposeAsync();
        await _clickHouse.QueryAsync($"DROP DATABASE IF EXISTS {_store.Database}");
        _clickHouse.Dispose();
    }
}
