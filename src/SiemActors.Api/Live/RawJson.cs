using System.Text.Json;
using System.Text.Json.Serialization;

namespace SiemActors.Api.Live;

/// <summary>
/// JSON that is already serialized (an event as the Redis sink stored it): written into hub messages as a JSON value
/// as-is, without a parse and re-serialization per event and per subscriber.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed class RawJson(byte[] utf8)
{
    public byte[] Utf8 { get; } = utf8;

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8);
}

/// <summary>Writes <see cref="RawJson"/> verbatim; reads any JSON value into one (the .NET client side).</summary>
public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(JsonSerializer.SerializeToUtf8Bytes(document.RootElement));
    }

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Utf8, skipInputValidation: true);
}
