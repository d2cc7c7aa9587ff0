using System.Text.Json;
using SiemActors.Domain.Events;

namespace SiemActors.Domain.Normalization;

/// <summary>
/// Normalizes JSON events in Vector's shape (<c>message</c>, <c>timestamp</c>, <c>host</c>, <c>source_type</c>, optional
/// <c>id</c> and <c>severity</c>, anything else) into <see cref="SecurityEvent"/>s. Nested objects are flattened with
/// dots, so ECS-style <c>{"source":{"ip":…}}</c> and flat <c>src_ip</c> land in the same field; what the schema has
/// no place for goes to <see cref="SecurityEvent.Attributes"/>. Never throws on input: a bad one yields a
/// <see cref="DeadLetter"/>.
/// </summary>
public sealed class JsonEventNormalizer(NormalizerLimits limits)
{
    /// <param name="input">The record's value.</param>
    /// <param name="origin">Where it was read; the event id of an event without one derives from it.</param>
    /// <param name="recordTimestamp">The Kafka record's timestamp (Unix ms): the event time of an event without one.
    /// Unlike the ingest time it is the same on every replay, so stored rows stay identical.</param>
    /// <param name="ingestedAt">When the pipeline read it (Unix ms).</param>
    public NormalizeResult Normalize(ReadOnlyMemory<byte> input, KafkaOrigin origin, long recordTimestamp, long ingestedAt)
    {
        if (input.IsEmpty) return NormalizeResult.Reject(DeadLetter.Empty, "the message has no bytes");
        if (input.Length > limits.MaxMessageBytes)
            return NormalizeResult.Reject(DeadLetter.TooLarge, $"{input.Length} bytes, more than the limit of {limits.MaxMessageBytes}");

        recordTimestamp = EventTime.OrElse(recordTimestamp, ingestedAt);
        var span = input.Span;
        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = limits.MaxDepth });
        var draft = new EventDraft();
        var path = new FieldPath(128);
        try
        {
            if (!reader.Read()) return NormalizeResult.Reject(DeadLetter.NotJson, "no JSON value");
            if (reader.TokenType != JsonTokenType.StartObject)
                return NormalizeResult.Reject(DeadLetter.NotAnObject, $"the top level is {Describe(reader.TokenType)}, not an object");
            var fields = 0;
            if (ReadObject(ref reader, span, ref draft, ref path, ref fields) is { } rejection) return new NormalizeResult(null, rejection);
            if (reader.Read()) return NormalizeResult.Reject(DeadLetter.NotJson, $"content after the object at byte {reader.TokenStartIndex}");
        }
        catch (JsonException ex)
        {
            var reason = reader.CurrentDepth >= limits.MaxDepth ? DeadLetter.TooDeep : DeadLetter.NotJson;
            return NormalizeResult.Reject(reason, ex.Message);
        }
        finally
        {
            path.Dispose();
        }
        return NormalizeResult.Ok(draft.Build(input, origin, recordTimestamp, ingestedAt));
    }

    private DeadLetter? ReadObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> input, ref EventDraft draft, scoped ref FieldPath path, ref int fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (++fields > limits.MaxFields)
                return new DeadLetter(DeadLetter.TooManyFields, $"more than {limits.MaxFields} fields");
            var mark = path.Length;
            path.Push(ref reader);
            if (!reader.Read()) return Truncated(ref reader);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                if (ReadObject(ref reader, input, ref draft, ref path, ref fields) is { } rejection) return rejection;
            }
            else
            {
                Assign(ref reader, input, ref draft, ref path);
            }
            path.Truncate(mark);
        }
        return reader.TokenType == JsonTokenType.EndObject ? null : Truncated(ref reader);
    }

    private static DeadLetter Truncated(ref Utf8JsonReader reader) =>
        new(DeadLetter.NotJson, $"the JSON ends early, at byte {reader.BytesConsumed}");

    private static void Assign(ref Utf8JsonReader reader, ReadOnlySpan<byte> input, ref EventDraft d, scoped ref FieldPath path)
    {
        var field = EventFieldNames.Find(path.Span);
        var taken = field switch
        {
            EventField.Id => TakeText(ref reader, ref d.Id),
            EventField.Host => TakeText(ref reader, ref d.Host),
            EventField.Source => TakeText(ref reader, ref d.Source),
            EventField.SourceType => TakeText(ref reader, ref d.SourceType),
            EventField.Message => TakeText(ref reader, ref d.Message),
            EventField.Category => TakeText(ref reader, ref d.Category),
            EventField.Action => TakeText(ref reader, ref d.Action),
            EventField.Outcome => TakeText(ref reader, ref d.Outcome),
            EventField.User => TakeText(ref reader, ref d.User),
            EventField.Process => TakeText(ref reader, ref d.Process),
            EventField.Timestamp => JsonValues.TryTimestamp(ref reader, out var ms) && Set(ref d.Timestamp, ms),
            EventField.Severity => JsonValues.TrySeverity(ref reader, out var severity) && Set(ref d.Severity, severity),
            EventField.SrcIp => JsonValues.TryIp(ref reader, out d.SrcIp),
            EventField.DstIp => JsonValues.TryIp(ref reader, out d.DstIp),
            EventField.SrcPort => JsonValues.TryPort(ref reader, out var sp) && Set(ref d.SrcPort, sp),
            EventField.DstPort => JsonValues.TryPort(ref reader, out var dp) && Set(ref d.DstPort, dp),
            EventField.Tags => JsonValues.TryTags(ref reader, out d.Tags),
            _ => false,
        };
        if (taken) return;
        // Not a schema field, or a value the field cannot hold (an unparseable timestamp, a port of 99999): kept as text.
        if (JsonValues.Text(ref reader, input) is { } text) d.AddAttribute(path.ToString(), text);
    }

    private static bool TakeText(ref Utf8JsonReader reader, ref string? target)
    {
        if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.Null) return false;
        target = reader.TokenType == JsonTokenType.String ? JsonText.GetString(ref reader) : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        return true;
    }

    private static bool Set<T>(ref T? target, T value) where T : struct
    {
        target = value;
        return true;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
