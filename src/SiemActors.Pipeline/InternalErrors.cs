using Akka.Event;

namespace SiemActors.Pipeline;

/// <summary>
/// Where the pipeline's last-resort guards report a record a bug met: counted by stage
/// (<c>siem_internal_errors_total</c>) and logged at Error at most once per interval with the latest exception as a
/// sample (<see cref="LogDigest"/>). The record itself is dead-lettered as <c>internal-error</c> by the caller.
/// </summary>
public sealed class InternalErrors(ILoggingAdapter log, TimeSpan interval) : IDisposable
{
    private const int MaxSampleChars = 4000;
    private readonly LogDigest _digest = new(log, Akka.Event.LogLevel.ErrorLevel, "record(s) met a bug and were dead-lettered as internal-error", interval);

    public void Report(string stage, string where, Exception ex)
    {
        PipelineMetrics.InternalErrors.WithLabels(stage).Inc();
        var sample = $"{stage} of {where}: {ex}";
        _digest.Add(stage, sample.Length <= MaxSampleChars ? sample : sample[..MaxSampleChars] + "…");
    }

    public void Dispose() => _digest.Dispose();
}
