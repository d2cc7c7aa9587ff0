using Akka.Actor;
using Akka.Serialization;

namespace SiemActors.Transforms;

/// <summary>
/// Binary wire format of <see cref="EnrichHost"/>, <see cref="HostEnriched"/> and their batches (several partitions'
/// parts in one message): host, partition and the arrays as fixed-width little-endian numbers. Bound in this project's <c>reference.conf</c>.
/// </summary>
public sealed class TransformSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string EnrichHostManifest = "EH";
    private const string HostEnrichedManifest = "HE";
    private const string EnrichHostBatchesManifest = "EHB";
    private const string HostBatchesEnrichedManifest = "HEB";

    public override int Identifier => 7301;

    public override string Manifest(object o) => o switch
    {
        EnrichHost => EnrichHostManifest,
        HostEnriched => HostEnrichedManifest,
        EnrichHostBatches => EnrichHostBatchesManifest,
        HostBatchesEnriched => HostBatchesEnrichedManifest,
        _ => throw new ArgumentException($"cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        switch (obj)
        {
            case EnrichHost e:
                Write(w, e);
                break;
            case HostEnriched h:
                Write(w, h);
                break;
            case EnrichHostBatches b:
                w.Write(b.Host);
                w.Write(b.Parts.Length);
                foreach (var part in b.Parts) Write(w, part);
                break;
            case HostBatchesEnriched b:
                w.Write(b.Host);
                w.Write(b.Parts.Length);
                foreach (var part in b.Parts) Write(w, part);
                break;
            default:
                throw new ArgumentException($"cannot serialize {obj.GetType()}", nameof(obj));
        }
        w.Flush();
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        switch (manifest)
        {
            case EnrichHostManifest:
                return ReadEnrichHost(r);
            case HostEnrichedManifest:
                return ReadHostEnriched(r);
            case EnrichHostBatchesManifest:
            {
                var host = r.ReadString();
                var parts = new EnrichHost[r.ReadInt32()];
                for (var i = 0; i < parts.Length; i++) parts[i] = ReadEnrichHost(r);
                return new EnrichHostBatches(host, parts);
            }
            case HostBatchesEnrichedManifest:
            {
                var host = r.ReadString();
                var parts = new HostEnriched[r.ReadInt32()];
                for (var i = 0; i < parts.Length; i++) parts[i] = ReadHostEnriched(r);
                return new HostBatchesEnriched(host, parts);
            }
            default:
                throw new System.Runtime.Serialization.SerializationException($"unknown manifest '{manifest}' for {nameof(TransformSerializer)}");
        }
    }

    private static void Write(BinaryWriter w, EnrichHost e)
    {
        w.Write(e.Host);
        w.Write(e.Partition);
        WriteArray(w, e.Offsets);
        WriteArray(w, e.Timestamps);
    }

    private static void Write(BinaryWriter w, HostEnriched h)
    {
        w.Write(h.Host);
        w.Write(h.FirstSeen);
        WriteArray(w, h.Sequences);
        w.Write(h.EventsLastMinute.Length);
        foreach (var v in h.EventsLastMinute) w.Write(v);
    }

    private static EnrichHost ReadEnrichHost(BinaryReader r) => new(r.ReadString(), r.ReadInt32(), ReadArray(r), ReadArray(r));

    private static HostEnriched ReadHostEnriched(BinaryReader r)
    {
        var host = r.ReadString();
        var firstSeen = r.ReadInt64();
        var sequences = ReadArray(r);
        var rates = new int[r.ReadInt32()];
        for (var i = 0; i < rates.Length; i++) rates[i] = r.ReadInt32();
        return new HostEnriched(host, firstSeen, sequences, rates);
    }

    private static void WriteArray(BinaryWriter w, long[] values)
    {
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }

    private static long[] ReadArray(BinaryReader r)
    {
        var values = new long[r.ReadInt32()];
        for (var i = 0; i < values.Length; i++) values[i] = r.ReadInt64();
        return values;
    }
}
