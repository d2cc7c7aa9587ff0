// What the analyst is looking at, kept in the URL so a view can be shared: the filter text, the quick filters, the
// time range and the tab.

export interface View {
  tab: "live" | "history" | "alerts";
  filter: string;
  source: string;
  severity: string;
  range: string;
  /** The History tab's own range, UTC ("yyyy-MM-ddTHH:mm"); empty from: the quick range. */
  from: string;
  to: string;
}

export function readView(): View {
  const q = new URLSearchParams(location.search);
  return {
    tab: q.get("tab") === "history" ? "history" : q.get("tab") === "alerts" ? "alerts" : "live",
    filter: q.get("filter") ?? "",
    source: q.get("source") ?? "",
    severity: q.get("severity") ?? "",
    range: q.get("range") ?? "1h",
    from: q.get("from") ?? "",
    to: q.get("to") ?? "",
  };
}

export function writeView(view: View): void {
  const q = new URLSearchParams();
  if (view.tab !== "live") q.set("tab", view.tab);
  if (view.filter) q.set("filter", view.filter);
  if (view.source) q.set("source", view.source);
  if (view.severity) q.set("severity", view.severity);
  if (view.range !== "1h") q.set("range", view.range);
  if (view.from) q.set("from", view.from);
  if (view.to) q.set("to", view.to);
  const search = q.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

/** The filter text followed by the quick filters, joined with and. Positions of errors refer to the text part. */
export function composedFilter(view: View): string {
  const parts: string[] = [];
  if (view.filter.trim()) parts.push(`(${view.filter.trim()})`);
  if (view.source) parts.push(`source == ${JSON.stringify(view.source)}`);
  if (view.severity) parts.push(`severity >= ${view.severity}`);
  return parts.length ? parts.join(" and ") : "true";
}

/** Maps a position in the composed filter back to the filter text (it starts after the opening parenthesis). */
export function positionInText(view: View, position: number): number | null {
  if (!view.filter.trim()) return null;
  const offset = 1 + (view.filter.length - view.filter.trimStart().length);
  const p = position - 1;
  return p >= 0 && p <= view.filter.trim().length ? p + offset - 1 : null;
}
