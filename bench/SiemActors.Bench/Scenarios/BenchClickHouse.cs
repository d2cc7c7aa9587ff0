using System.Globalization;

namespace SiemActors.Bench.Scenarios;

/// <summary>The harness's statements to ClickHouse over HTTP: a failure throws with ClickHouse's own message.</summary>
internal static class BenchClickHouse
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string sql)
    {
        var response = await http.PostAsync("/", new StringContent(sql));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"ClickHouse: {await response.Content.ReadAsStringAsync()} ({sql})");
        return response;
    }

    /// <summary>A query answering one number (e.g. <c>SELECT count() …</c>).</summary>
    public static async Task<long> ScalarAsync(HttpClient http, string sql) =>
        long.Parse((await (await PostAsync(http, sql)).Content.ReadAsStringAsync()).Trim(), CultureInfo.InvariantCulture);
}
