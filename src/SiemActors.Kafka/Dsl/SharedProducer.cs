using Confluent.Kafka;
using SiemActors.Kafka.Settings;

namespace SiemActors.Kafka.Dsl;

/// <summary>
/// A producer built from <see cref="ProducerSettings{TKey,TValue}"/> (the defaults of <c>akka.kafka.producer</c>)
/// for callers that produce from tasks rather than from a stream (the pipeline's dead letters and Kafka output), so
/// every producer of the process comes from the same settings. Disposing it first flushes for up to the settings'
/// <c>close-timeout</c>: what was handed to it before the stop is delivered, not dropped with the client.
/// </summary>
public sealed class SharedProducer<TKey, TValue> : IDisposable
{
    private readonly TimeSpan _closeTimeout;
    private int _disposed;

    public SharedProducer(ProducerSettings<TKey, TValue> settings, Action<IProducer<TKey, TValue>, Error>? onError = null)
    {
        Settings = settings;
        _closeTimeout = settings.CloseTimeout;
        Producer = settings.CreateKafkaProducer(onError);
    }

    public ProducerSettings<TKey, TValue> Settings { get; }

    public IProducer<TKey, TValue> Producer { get; }

    /// <summary>Records still undelivered when the last <see cref="Dispose"/> gave up waiting (0: all delivered).</summary>
    public int LeftUndelivered { get; private set; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            LeftUndelivered = Producer.Flush(_closeTimeout);
        }
        finally
        {
            Producer.Dispose();
        }
    }
}
