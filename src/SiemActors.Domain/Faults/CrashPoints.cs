using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace SiemActors.Domain.Faults;

/// <summary>
/// Deterministic crash points, for tests of the delivery contract only. Off unless the environment variable
/// <c>SIEM_CRASH_POINT</c> names a point (one of <see cref="CrashPoint"/>'s names); then the process kills itself with
/// SIGKILL — no drain, no commit, no flush, as a power cut or the OOM killer would — the <c>SIEM_CRASH_AFTER</c>-th
/// time (default 1) that point is reached. Off, <see cref="Reach"/> is a test of a <c>static readonly</c> field that the
/// JIT folds away: nothing remains on the hot path.
/// </summary>
public static class CrashPoints
{
    public const string PointVariable = "SIEM_CRASH_POINT";
    public const string AfterVariable = "SIEM_CRASH_AFTER";

    /// <summary>The first line the process writes to standard error when it dies at a point: "crash point {name} reached".</summary>
    public const string Announcement = "crash point {0} reached (hit {1}): killing the process";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(PointVariable) is { Length: > 0 } point ? Validated(point) : null;
    private static readonly int After = ParseAfter(Environment.GetEnvironmentVariable(AfterVariable));
    private static int _hits;

    /// <summary>Whether a crash point is armed in this process.</summary>
    public static bool Enabled => Armed is not null;

    /// <summary>Dies here if <paramref name="point"/> is the armed point and this is its <c>SIEM_CRASH_AFTER</c>-th arrival.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Reach(string point)
    {
        if (Armed is not null) ReachArmed(point);
    }

    private static void ReachArmed(string point)
    {
        if (!string.Equals(point, Armed, StringComparison.Ordinal)) return;
        var hit = Interlocked.Increment(ref _hits);
        if (hit != After) return;
        Console.Error.WriteLine(string.Format(CultureInfo.InvariantCulture, Announcement, point, hit));
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill(); // SIGKILL to ourselves: nothing after this line runs
        Thread.Sleep(Timeout.Infinite);
    }

    private static string Validated(string point) =>
        CrashPoint.All.Contains(point, StringComparer.Ordinal)
            ? point
            : throw new InvalidOperationException($"{PointVariable}={point} names no crash point; known: {string.Join(", ", CrashPoint.All)}");

    private static int ParseAfter(string? value) =>
        value is null or "" ? 1
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
        : throw new InvalidOperationException($"{AfterVariable}={value} is not a count of 1 or more");
}
