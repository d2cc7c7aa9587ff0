using System.Globalization;
using System.Net;
using SiemActors.Domain.Normalization.Syslog;

namespace SiemActors.Domain.Normalization.Cef;

/// <summary>CEF extension keys and LEEF attribute keys that have a place in the schema.</summary>
internal static class KeyValueMapping
{
    /// <summary>Puts one key=value into the draft; false when the key is not a schema field (it becomes an attribute).</summary>
    public static bool Apply(ref EventDraft d, string key, string value)
    {
        switch (key)
        {
            case "src" or "sourceTranslatedAddress" when d.SrcIp is null:
                return Ip(value, ref d.SrcIp);
            case "dst" or "destinationTranslatedAddress" when d.DstIp is null:
                return Ip(value, ref d.DstIp);
            case "spt" or "srcPort":
                return Port(value, ref d.SrcPort);
            case "dpt" or "dstPort":
                return Port(value, ref d.DstPort);
            case "suser" or "usrName":
                d.User = value;
                return true;
            case "duser" when d.User is null:
                d.User = value;
                return true;
            case "act" or "action":
                d.Action = value;
                return true;
            case "outcome":
                d.Outcome = value;
                return true;
            case "cat":
                d.Category = value;
                return true;
            case "dvchost" or "identHostName":
                d.Host = value;
                return true;
            case "dvc" when d.Host is null:
                d.Host = value;
                return true;
            case "msg":
                d.Message = value;
                return true;
            case "sproc" or "dproc" when d.Process is null:
                d.Process = value;
                return true;
            case "rt" or "devTime" or "end" when d.Timestamp is null:
                return Time(value, ref d.Timestamp);
            case "sev":
                if (!VendorSeverity.TryMap(value, out var severity)) return false;
                d.Severity = severity;
                return true;
            default:
                return false;
        }
    }

    private static bool Ip(string value, ref string? target)
    {
        if (!IPAddress.TryParse(value, out var address)) return false;
        target = address.ToString();
        return true;
    }

    private static bool Port(string value, ref int? target)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535) return false;
        target = port;
        return true;
    }

    /// <summary>Unix ms, or <c>MMM dd yyyy HH:mm:ss[.fff]</c> (CEF's text form, UTC), or RFC 3339.</summary>
    private static bool Time(string value, ref long? target)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            target = ms;
            return true;
        }
        if (DateTime.TryParseExact(value, ["MMM dd yyyy HH:mm:ss", "MMM dd yyyy HH:mm:ss.fff", "MMM d yyyy HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var text))
        {
            target = new DateTimeOffset(text, TimeSpan.Zero).ToUnixTimeMilliseconds();
            return true;
        }
        if (Rfc3339.TryParse(System.Text.Encoding.UTF8.GetBytes(value), out var iso))
        {
            target = iso;
            return true;
        }
        return false;
    }
}
