using System.IO.Hashing;
using System.Text;

namespace SiemActors.Detection.Engine;

/// <summary>Deterministic alert ids: 128-bit xxHash of rule, key field, key and window start, as 32 hex digits.</summary>
public static class AlertIds
{
    public static string For(string rule, string keyField, string key, long windowStart)
    {
        var text = $"{rule}\n{keyField}\n{key}\n{windowStart}";
        return Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(text)));
    }
}
