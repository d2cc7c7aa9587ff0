using System.Net;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>An api host that lets one other origin call it.</summary>
public sealed class CorsApiHost : ApiHost
{
    protected override string ExtraConfig => """siem.api.http.cors-origins = ["https://soc.example.com"]""";
}

/// <summary>
/// CORS through the running API (docs/security.md): a page of an allowed origin may call the API with a bearer token
/// (the preflight names the origin and the Authorization header, never credentials); any other origin gets no CORS
/// headers, so the browser keeps the answer from it.
/// </summary>
public sealed class CorsTests(CorsApiHost host) : IClassFixture<CorsApiHost>
{
    private async Task<HttpResponseMessage> Preflight(string origin)
    {
        using var http = host.Http(null);
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/events");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task An_allowed_origin_may_call_the_api_with_a_bearer_token_and_no_other_origin_may()
    {
        using var allowed = await Preflight("https://soc.example.com");
        Assert.True(allowed.IsSuccessStatusCode, $"preflight: {(int)allowed.StatusCode}");
        Assert.Equal("https://soc.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(allowed.Headers.Contains("Access-Control-Allow-Credentials"));

        using var other = await Preflight("https://evil.example.net");
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));

        using var http = host.Http(host.Token());
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Origin", "https://evil.example.net");
        using var answer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode); // the server answers; without the header the browser withholds it
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
