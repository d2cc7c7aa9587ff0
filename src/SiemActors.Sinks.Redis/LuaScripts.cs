namespace SiemActors.Sinks.Redis;

/// <summary>The sink's Lua scripts, embedded next to the code and read once.</summary>
internal static class LuaScripts
{
    private static readonly Lazy<string> AdvanceEpochText = new(() => Load("AdvanceEpoch"));
    private static readonly Lazy<string> RaiseMarkText = new(() => Load("RaiseMark"));

    /// <summary><c>WriteBatch.lua</c>, run on its slot's owner (a WAIT after it goes to the same server).</summary>
    public static readonly Persistence.Redis.SlotOwnerScript WriteBatchOnOwner = new(Load("WriteBatch"));

    /// <summary><c>WriteAlerts.lua</c>, run on its slot's owner.</summary>
    public static readonly Persistence.Redis.SlotOwnerScript WriteAlertsOnOwner = new(Load("WriteAlerts"));

    public static string AdvanceEpoch => AdvanceEpochText.Value;

    public static string RaiseMark => RaiseMarkText.Value;

    private static string Load(string name)
    {
        using var stream = typeof(LuaScripts).Assembly.GetManifestResourceStream($"SiemActors.Sinks.Redis.{name}.lua")
            ?? throw new InvalidOperationException($"{name}.lua is not embedded");
        return new StreamReader(stream).ReadToEnd();
    }
}
