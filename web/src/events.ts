// The normalized event as the node sends it (docs/schema.md) and the severity scale's names and colours.

export interface SiemEvent {
  event_id: string;
  timestamp: number;
  ingested_at: number;
  source: string;
  host: string;
  severity: number;
  severity_name: string;
  category?: string;
  action?: string;
  outcome?: string;
  src_ip?: string;
  src_port?: number;
  dst_ip?: string;
  dst_port?: number;
  user?: string;
  process?: string;
  message: string;
  tags?: string[];
  attributes?: Record<string, string>;
  raw: string;
  /** History only: the event was read from the cold archive (its day is past ClickHouse's retention). */
  archived?: boolean;
  [key: string]: unknown;
}

export const severityNames = ["emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"];

export function severityClass(severity: number): string {
  return `sev-${Math.max(0, Math.min(7, severity))}`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
