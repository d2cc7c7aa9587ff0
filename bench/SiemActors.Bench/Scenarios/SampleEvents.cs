using System.Text;

namespace SiemActors.Bench.Scenarios;

/// <summary>Vector-shaped JSON events of a fixed size (312 bytes by default), varied hosts and sources.</summary>
internal static class SampleEvents
{
    private static readonly string[] Sources = ["firewall", "sshd", "nginx", "windows", "dns"];

    public static byte[] Json(int i, int size = 312)
    {
        var head = $"{{\"id\":\"bench-{i:D10}\",\"timestamp\":\"2026-11-27T04:00:{i % 60:D2}.{i % 1000:D3}Z\",\"host\":\"host-{i % 97:D3}\"," +
                   $"\"source_type\":\"{Sources[i % Sources.Length]}\",\"severity\":\"{i % 8}\",\"message\":\"";
        const string tail = "\"}";
        var pad = Math.Max(0, size - head.Length - tail.Length);
        var body = new StringBuilder(head, size).Append('x', pad).Append(tail).ToString();
        return Encoding.UTF8.GetBytes(body);
    }
}
