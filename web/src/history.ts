// History search: the same filter over the event store, newest first, a page at a time.
import { apiGet } from "./auth";
import { SiemEvent } from "./events";

export interface HistoryPage {
  filter: string;
  from: number;
  to: number;
  limit: number;
  events: SiemEvent[];
  next_cursor: string | null;
  /** The days of the range read from the archive (past ClickHouse's retention). */
  archive_days: string[];
}

export interface ApiError {
  error: string;
  position: number | null;
}

/** From and to: the History tab's own range (UTC, "yyyy-MM-ddTHH:mm"); empty from: the quick range up to now. */
export async function searchHistory(token: string, filter: string, range: string, from: string, to: string, cursor: string | null):
  Promise<{ ok: true; page: HistoryPage } | { ok: false; error: ApiError }> {
  const q = new URLSearchParams(from
    ? { filter, from: `${from}:00Z`, to: to ? `${to}:00Z` : "now", limit: "200" }
    : { filter, from: `now-${range}`, to: "now", limit: "200" });
  if (cursor) q.set("cursor", cursor);
  const { status, body } = await apiGet<HistoryPage | ApiError>(`api/events?${q}`, token);
  return status === 200 ? { ok: true, page: body as HistoryPage } : { ok: false, error: body as ApiError };
}

export interface StatsRow {
  source: string;
  severity: number;
  severity_name: string;
  events: number;
}

export async function sources(token: string): Promise<string[]> {
  const { status, body } = await apiGet<{ rows: StatsRow[] }>("api/stats?window=24h", token);
  return status === 200 ? [...new Set(body.rows.map((r) => r.source))].sort() : [];
}
