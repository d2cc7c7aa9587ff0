using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace SiemActors.Kafka.Embedded;

/// <summary>
/// Makes <c>[DllImport("librdkafka")]</c> in this assembly bind to the very librdkafka that Confluent.Kafka loaded.
/// </summary>
/// <remarks>
/// librdkafka.redist ships several builds. On Debian 12 its default <c>librdkafka.so</c> cannot load (it needs
/// <c>libsasl2.so.3</c>), and Confluent.Kafka quietly falls back to <c>centos8-librdkafka.so</c>. A plain DllImport would
/// fail, or load a second copy. We let Confluent.Kafka pick, then read the path it loaded from <c>/proc/self/maps</c>.
/// </remarks>
internal static class LibrdkafkaResolver
{
    private static readonly Lazy<IntPtr> Handle = new(LoadSameAsConfluent, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaResolver).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == NativeMethods.Library ? Handle.Value : IntPtr.Zero;

    private static IntPtr LoadSameAsConfluent()
    {
        if (!Library.IsLoaded) Library.Load();
        var loaded = FindLoadedPath();
        if (loaded is not null && NativeLibrary.TryLoad(loaded, out var handle)) return handle;

        // Not Linux, or the maps file is unreadable: try the builds librdkafka.redist ships, in Confluent.Kafka's order.
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
        foreach (var candidate in new[] { "librdkafka.so", "centos8-librdkafka.so", "librdkafka.dylib", "librdkafka.dll" })
        {
            if (NativeLibrary.TryLoad(Path.Combine(native, candidate), out handle)) return handle;
        }
        throw new DllNotFoundException(
            $"librdkafka is loaded by Confluent.Kafka ({Library.VersionString}) but its file could not be found to bind the mock-cluster API.");
    }

    private static string? FindLoadedPath()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/');
            if (slash < 0) continue;
            var file = line[slash..];
            if (Path.GetFileName(file).Contains("librdkafka", StringComparison.Ordinal)) return file;
        }
        return null;
    }
}
