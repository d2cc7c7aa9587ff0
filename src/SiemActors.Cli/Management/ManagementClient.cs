using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using SiemActors.Cli.Config;

namespace SiemActors.Cli.Management;

/// <summary>
/// Calls a node's management API. The node is <c>--node</c>, else the URL in <c>node.url</c> of the state folder
/// (<see cref="SiemConfig.FindStateDirectory"/>; written by scripts/run.sh), else http://127.0.0.1:8080; the token is <c>--token</c>, else SIEM_MANAGEMENT_TOKEN, else
/// <c>.siem/management.token</c>. Failures become <see cref="CliException"/>s that say what was unreachable and why.
/// </summary>
internal sealed class ManagementClient(Uri node, string token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = node, Timeout = TimeSpan.FromSeconds(15) };

    public Uri Node => node;

    public static ManagementClient Create(string? nodeOption, string? tokenOption, string? stateDirOption)
    {
        var state = SiemConfig.FindStateDirectory(stateDirOption);
        var url = nodeOption ?? ReadFile(state, "node.url") ?? "http://127.0.0.1:8080";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new CliException($"--node {url}: expected http://host:port");
        var token = tokenOption ?? (Environment.GetEnvironmentVariable("SIEM_MANAGEMENT_TOKEN") is { Length: > 0 } env ? env : null) ?? ReadFile(state, "management.token")
            ?? throw new CliException("no management token: pass --token, set SIEM_MANAGEMENT_TOKEN, or run where .siem/management.token exists");
        return new ManagementClient(uri, token.Trim());
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellation) => SendAsync(HttpMethod.Get, path, null, cancellation);

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellation) => SendAsync(HttpMethod.Post, path, body, cancellation);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellation);
        }
        catch (HttpRequestException ex)
        {
            var why = ex.InnerException is SocketException s ? s.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused: is a node listening there?",
                SocketError.HostNotFound or SocketError.TryAgain => "host not found",
                _ => s.Message,
            } : ex.Message;
            throw new CliException($"node {node} unreachable: {why}", ExitCodes.Unreachable);
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new CliException($"node {node} did not answer within {_http.Timeout.TotalSeconds:0}s", ExitCodes.Unreachable);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellation);
            JsonElement json = default;
            try
            {
                if (text.Length > 0) json = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new CliException($"node {node} answered {(int)response.StatusCode} with something that is not JSON: is it a SiemActors node?",
                    ExitCodes.Refused);
            }
            var error = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var e) ? e.GetString() : null;
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                throw new CliException($"node {node} refused the management token: {error ?? "401"}", ExitCodes.Unauthorized);
            if (!response.IsSuccessStatusCode)
                throw new CliException($"node {node}: {error ?? $"{(int)response.StatusCode} {response.ReasonPhrase}"}", ExitCodes.Refused);
            return json;
        }
    }

    private static string? ReadFile(string? dir, string name)
    {
        if (dir is null) return null;
        var file = Path.Combine(dir, name);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    public void Dispose() => _http.Dispose();
}
