namespace SiemActors.Archive;

/// <summary>The points of a day's archiving after which a crash leaves a state the next pass must finish from.</summary>
public enum ArchiveStep
{
    /// <summary>A part of the day is uploaded; the manifest does not name it yet.</summary>
    PartUploaded,

    /// <summary>The manifest naming the day's parts is written; nothing is dropped yet.</summary>
    ManifestWritten,

    /// <summary>The day's partition is dropped from ClickHouse; the manifest still holds the count it was checked against.</summary>
    Dropped,
}

/// <summary>Called after each <see cref="ArchiveStep"/> (tests crash the archiver there); null in production.</summary>
public delegate ValueTask ArchiveStepHook(ArchiveStep step, DateOnly day);
