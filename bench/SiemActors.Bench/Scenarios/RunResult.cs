namespace SiemActors.Bench.Scenarios;

/// <summary>One timed run: messages consumed and committed, wall time from the first message, process CPU time.</summary>
internal sealed record RunResult(string Name, long Messages, TimeSpan Elapsed, TimeSpan Cpu)
{
    public double PerSecond => Messages / Elapsed.TotalSeconds;

    public double CpuMicrosPerMessage => Cpu.TotalMilliseconds * 1000 / Messages;
}
