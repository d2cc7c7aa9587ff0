using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using SiemActors.Detection.Engine;

namespace SiemActors.Detection.Entity;

/// <summary>
/// Wire and journal format of detection messages. Facts (sent per batch, persisted per batch) are compact binary:
/// strings length-prefixed UTF-8, numbers little-endian. The snapshot, written every few hundred events, is JSON.
/// Journal formats are read back after upgrades: change them only by adding a manifest.
/// </summary>
public sealed class DetectionSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string DetectFactsManifest = "DF1";
    private const string DetectFactsBatchesManifest = "DFB1";
    private const string FactsAcceptedManifest = "FA1";
    private const string FactsRecordedManifest = "FR1";
    private const string AbsenceCheckedManifest = "AC1";
    private const string AlertsPublishedManifest = "AP1";
    private const string SnapshotManifest = "SS1";

    private static readonly JsonSerializerOptions Json = new() { IncludeFields = false };

    public override int Identifier => 7302;

    public override string Manifest(object o) => o switch
    {
        DetectFacts => DetectFactsManifest,
        DetectFactsBatches => DetectFactsBatchesManifest,
        FactsAccepted => FactsAcceptedManifest,
        FactsRecorded => FactsRecordedManifest,
        AbsenceChecked => AbsenceCheckedManifest,
        AlertsPublished => AlertsPublishedManifest,
        StateSnapshot => SnapshotManifest,
        _ => throw new ArgumentException($"cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        if (obj is StateSnapshot snapshot) return JsonSerializer.SerializeToUtf8Bytes(snapshot, Json);
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        switch (obj)
        {
            case DetectFacts f:
                Write(w, f);
                break;
            case DetectFactsBatches b:
                w.Write(b.EntityId);
                w.Write(b.Parts.Length);
                foreach (var part in b.Parts) Write(w, part);
                break;
            case FactsAccepted a:
                w.Write(a.EntityId);
                w.Write(a.Applied);
                break;
            case FactsRecorded r:
                w.Write(r.RecordedAt);
                Write(w, r.Facts);
                break;
            case AbsenceChecked c:
                w.Write(c.At);
                break;
            case AlertsPublished p:
                w.Write(p.AlertIds.Length);
                foreach (var id in p.AlertIds) w.Write(id);
                break;
            default:
                throw new ArgumentException($"cannot serialize {obj.GetType()}", nameof(obj));
        }
        w.Flush();
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest == SnapshotManifest)
            return JsonSerializer.Deserialize<StateSnapshot>(bytes, Json) ?? throw new System.Runtime.Serialization.SerializationException("empty snapshot");
        using var r = new BinaryReader(new MemoryStream(bytes));
        return manifest switch
        {
            DetectFactsManifest => ReadFacts(r),
            DetectFactsBatchesManifest => ReadBatches(r),
            FactsAcceptedManifest => new FactsAccepted(r.ReadString(), r.ReadInt32()),
            FactsRecordedManifest => ReadRecorded(r),
            AbsenceCheckedManifest => new AbsenceChecked(r.ReadInt64()),
            AlertsPublishedManifest => new AlertsPublished(ReadStrings(r)),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown manifest '{manifest}' for {nameof(DetectionSerializer)}"),
        };
    }

    private static DetectFactsBatches ReadBatches(BinaryReader r)
    {
        var entityId = r.ReadString();
        var parts = new DetectFacts[r.ReadInt32()];
        for (var i = 0; i < parts.Length; i++) parts[i] = ReadFacts(r);
        return new DetectFactsBatches(entityId, parts);
    }

    private static FactsRecorded ReadRecorded(BinaryReader r)
    {
        var at = r.ReadInt64();
        return new FactsRecorded(ReadFacts(r), at);
    }

    private static void Write(BinaryWriter w, DetectFacts f)
    {
        w.Write(f.EntityId);
        w.Write(f.Partition);
        w.Write(f.Rules.Length);
        foreach (var rule in f.Rules) w.Write(rule);
        w.Write(f.Facts.Length);
        foreach (var fact in f.Facts)
        {
            w.Write(fact.Rule);
            w.Write(fact.Step);
            w.Write(fact.Offset);
            w.Write(fact.Timestamp);
            w.Write(fact.EventId);
            w.Write(fact.Value);
        }
    }

    private static DetectFacts ReadFacts(BinaryReader r)
    {
        var entityId = r.ReadString();
        var partition = r.ReadInt32();
        var rules = ReadStrings(r);
        var facts = new Fact[r.ReadInt32()];
        for (var i = 0; i < facts.Length; i++)
            facts[i] = new Fact(r.ReadInt32(), r.ReadByte(), r.ReadInt64(), r.ReadInt64(), r.ReadString(), r.ReadString());
        return new DetectFacts(entityId, partition, rules, facts);
    }

    private static string[] ReadStrings(BinaryReader r)
    {
        var values = new string[r.ReadInt32()];
        for (var i = 0; i < values.Length; i++) values[i] = r.ReadString();
        return values;
    }
}
