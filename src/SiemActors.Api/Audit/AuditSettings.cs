using Akka.Configuration;

namespace SiemActors.Api.Audit;

/// <summary><c>siem.api.audit</c>: the audit trail's queue and how often it is written (defaults in reference.conf).</summary>
public sealed record AuditSettings(bool Enabled, int QueueCapacity, TimeSpan FlushInterval, int MaxDetailLength, string Node)
{
    public static AuditSettings FromConfig(Config config)
    {
        var audit = config.WithFallback(ApiSettings.Defaults).GetConfig("siem.api.audit");
        var host = config.GetString("siem.node.public-hostname", "");
        if (host.Length == 0) host = config.GetString("siem.node.hostname", Environment.MachineName);
        var settings = new AuditSettings(audit.GetBoolean("enabled"), audit.GetInt("queue-capacity"), audit.GetTimeSpan("flush-interval"),
            audit.GetInt("max-detail-length"), $"{host}:{config.GetInt("siem.node.port", 0)}");
        if (settings.QueueCapacity < 100) throw new ConfigurationException("siem.api.audit.queue-capacity must be at least 100");
        if (settings.FlushInterval <= TimeSpan.Zero) throw new ConfigurationException("siem.api.audit.flush-interval must be positive");
        if (settings.MaxDetailLength < 64) throw new ConfigurationException("siem.api.audit.max-detail-length must be at least 64");
        return settings;
    }
}
