using SiemActors.Domain.Alerts;

namespace SiemActors.Detection;

/// <summary>
/// Writes alerts to every alert store (Redis stream, ClickHouse table). Called by the entities from their outbox, so
/// possibly more than once per alert: stores must keep one record per <see cref="Alert.AlertId"/>.
/// </summary>
public interface IAlertPublisher
{
    Task PublishAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken = default);
}
