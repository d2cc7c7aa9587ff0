using System.Globalization;
using SiemActors.Domain.Filtering;

namespace SiemActors.Api.History;

/// <summary>A validated history search: a parsed filter, a bounded time range, a row limit and where to continue.</summary>
public sealed record HistoryRequest(FilterExpr Filter, long FromMs, long ToMs, int Limit, HistoryCursor? Cursor)
{
    /// <summary>
    /// Checks the query string's values against <paramref name="settings"/>. A missing filter matches everything;
    /// <c>from</c> and <c>to</c> take the filter language's times (<c>now-1h</c>, ISO 8601, Unix ms). Alerts pass their
    /// own <paramref name="fields"/>.
    /// </summary>
    public static HistoryRequest Parse(string? filter, string? from, string? to, string? limit, string? cursor, HistorySettings settings, long nowMs,
        FilterFields? fields = null, FilterLimits? limits = null)
    {
        var expr = string.IsNullOrWhiteSpace(filter) ? new FilterExpr.Constant(true) : FilterParser.Parse(filter, fields ?? FilterFields.Events, limits);
        var toMs = Time("to", to, nowMs, nowMs);
        var fromMs = Time("from", from, toMs - (long)settings.DefaultRange.TotalMilliseconds, nowMs);
        if (fromMs >= toMs) throw new ApiRequestException("from must be before to");
        if (toMs - fromMs > (long)settings.MaxRange.TotalMilliseconds)
            throw new ApiRequestException($"the time range may span at most {settings.MaxRange:g} (siem.api.history.max-range)");
        var rows = settings.DefaultLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out rows) || rows < 1 || rows > settings.MaxLimit))
            throw new ApiRequestException($"limit must be a whole number from 1 to {settings.MaxLimit}");
        if (!HistoryCursor.TryDecode(cursor, out var at)) throw new ApiRequestException("cursor is not one this API returned");
        return new HistoryRequest(expr, fromMs, toMs, rows, at);
    }

    /// <summary>A time in the filter language's forms, or <paramref name="fallback"/> when empty; 400 with <paramref name="name"/> when unreadable.</summary>
    internal static long Time(string name, string? text, long fallback, long nowMs)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        try
        {
            return FilterParser.ParseTime(text, nowMs);
        }
        catch (FilterSyntaxException ex)
        {
            throw new ApiRequestException($"{name}: {ex.Reason}");
        }
    }
}

/// <summary>A request the API refuses with 400 and this message.</summary>
public sealed class ApiRequestException(string message) : Exception(message);
