namespace SiemActors.Persistence.Redis;

/// <summary>The plugins' Lua scripts, embedded next to the code (<c>Scripts/*.lua</c>).</summary>
internal static class LuaScripts
{
    public static readonly string WriteEvents = Load("WriteEvents");

    public static readonly string DeleteEvents = Load("DeleteEvents");

    public static readonly string SaveSnapshot = Load("SaveSnapshot");

    /// <summary>The writes, run on their slot's owner so that a WAIT after them goes to the server that ran them.</summary>
    public static readonly SlotOwnerScript WriteEventsOnOwner = new(WriteEvents);

    public static readonly SlotOwnerScript SaveSnapshotOnOwner = new(SaveSnapshot);

    private static string Load(string name)
    {
        var resource = $"SiemActors.Persistence.Redis.{name}.lua";
        using var stream = typeof(LuaScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded script {resource} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
