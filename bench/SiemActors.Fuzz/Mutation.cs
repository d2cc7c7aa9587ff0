namespace SiemActors.Fuzz;

/// <summary>What was done to a sample to make a hostile record (reported per kind, so a failure names its input family).</summary>
public enum Mutation
{
    Valid,
    ByteFlips,
    Truncated,
    Spliced,
    InvalidUtf8,
    OverlongUtf8,
    ByteOrderMark,
    LoneSurrogate,
    NulBytes,
    LineBreaksInFields,
    ManyFields,
    HugeNumbers,
    ExtremeTimestamps,
    BadPorts,
    BadAddresses,
    DeepNesting,
    DuplicateKeys,
    LongStrings,
    EscapeSoup,
    RandomBytes,
    Empty,
    Tombstone,
    AtSizeLimit,
    PastSizeLimit,
    NearBrokerLimit,
    HostileKafkaFields,
}
