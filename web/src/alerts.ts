// The alerts panel: what the detection rules fired (docs/detections.md), newest first. The hub sends the most recent
// ones when the panel subscribes, then each new alert once; alerts are few, so a plain list is enough.
import { formatTime, severityNames } from "./events";
import { AlertState } from "./triage";

export interface SiemAlert {
  alert_id: string;
  rule: string;
  severity: string;
  description: string;
  key_field: string;
  key: string;
  first_event_time: number;
  last_event_time: number;
  count: number;
  sample_event_ids: string[];
  detected_at: number;
}

const capacity = 500;

export class AlertsPanel {
  private readonly alerts: SiemAlert[] = [];
  private readonly ids = new Set<string>();
  private readonly states = new Map<string, AlertState>();
  private unseen = 0;
  private visible = false;

  constructor(
    private readonly list: HTMLElement,
    private readonly badge: HTMLElement,
    private readonly onSelect: (alert: SiemAlert) => void,
  ) {}

  /** Newest first; an alert already shown (same id) is not added again. */
  add(alerts: SiemAlert[], fresh: boolean): void {
    let added = 0;
    for (const alert of alerts) {
      if (this.ids.has(alert.alert_id)) continue;
      this.ids.add(alert.alert_id);
      this.alerts.push(alert);
      added++;
    }
    this.alerts.sort((a, b) => b.detected_at - a.detected_at || (a.alert_id < b.alert_id ? 1 : -1));
    for (const dropped of this.alerts.splice(capacity)) this.ids.delete(dropped.alert_id);
    if (fresh && !this.visible) this.unseen += added;
    this.render();
  }

  /** Triage states (fetched, or pushed with a change): the list shows each alert's status and assignee. */
  setStates(states: AlertState[]): void {
    for (const state of states) this.states.set(state.alert_id, state);
    this.render();
  }

  /** The ids shown that have no state yet. */
  withoutState(): string[] {
    return this.alerts.map((a) => a.alert_id).filter((id) => !this.states.has(id));
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) this.unseen = 0;
    this.render();
  }

  get size(): number {
    return this.alerts.length;
  }

  private render(): void {
    this.badge.textContent = this.unseen > 0 ? String(this.unseen) : "";
    this.badge.hidden = this.unseen === 0;
    const rows = this.alerts.map((a) => {
      const row = document.createElement("div");
      const severity = Math.max(0, severityNames.indexOf(a.severity));
      const state = this.states.get(a.alert_id);
      row.className = `row sev-${severity} ${state?.status ?? "open"}`;
      row.dataset.alertId = a.alert_id;
      for (const text of [
        formatTime(a.detected_at),
        state?.status ?? "open",
        state?.assignee ?? "",
        a.severity,
        a.rule,
        `${a.key_field}=${a.key}`,
        String(a.count),
        `${formatTime(a.first_event_time)} → ${formatTime(a.last_event_time)}`,
        a.description,
      ]) {
        const cell = document.createElement("span");
        cell.textContent = text;
        row.appendChild(cell);
      }
      row.onclick = () => this.onSelect(a);
      return row;
    });
    if (rows.length === 0) {
      const empty = document.createElement("div");
      empty.className = "empty";
      empty.textContent = "No alerts yet. Detection rules: docs/detections.md.";
      rows.push(empty);
    }
    this.list.replaceChildren(...rows);
  }
}
