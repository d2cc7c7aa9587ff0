// Alert triage (docs/ui.md, "Alerts"): an alert's state and history in the detail panel, and, for responders, the
// actions that change it. Every change goes through POST /api/alerts/{id}/triage; the hub pushes it to every viewer.
import { apiGet } from "./auth";
import { formatTime } from "./events";

export interface AlertState {
  alert_id: string;
  status: "open" | "acknowledged" | "closed";
  assignee: string;
  updated_at: number;
  updated_by: string;
  notes: number;
}

export interface AlertChange {
  change_id: string;
  alert_id: string;
  at: number;
  user: string;
  action: string;
  status: AlertState["status"];
  assignee: string;
  reason: string;
  note: string;
}

interface Detail {
  state: AlertState;
  changes: AlertChange[];
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** States of the alerts shown (one request for up to 500 ids). */
export async function fetchStates(token: string, ids: string[]): Promise<AlertState[]> {
  if (ids.length === 0) return [];
  const { status, body } = await apiGet<{ states: AlertState[] }>(`api/alerts/states?ids=${ids.map(encodeURIComponent).join(",")}`, token);
  return status === 200 ? body.states : [];
}

export class TriagePanel {
  private alertId: string | null = null;

  constructor(
    private readonly token: string,
    user: string,
    private readonly canChange: boolean,
    private readonly onState: (state: AlertState) => void,
  ) {
    const act = (body: Record<string, string>) => () => void this.change(body);
    $("triage-ack").onclick = act({ action: "acknowledge" });
    $("triage-assign-me").onclick = act({ action: "assign", assignee: user });
    $("triage-assign").onclick = () => void this.change({ action: "assign", assignee: $<HTMLInputElement>("triage-assignee-input").value.trim() });
    $("triage-close").onclick = () => void this.change({ action: "close", reason: $<HTMLInputElement>("triage-reason").value.trim() });
    $("triage-reopen").onclick = () => void this.change({ action: "reopen", reason: $<HTMLInputElement>("triage-reason").value.trim() });
    $("triage-add-note").onclick = () => void this.change({ action: "note", note: $<HTMLTextAreaElement>("triage-note").value.trim() });
  }

  /** Shows the alert's triage (loaded from the node); null hides the panel (an event is shown instead). */
  async show(alertId: string | null): Promise<void> {
    this.alertId = alertId;
    $("triage").hidden = alertId === null;
    if (alertId === null) return;
    $("triage-actions").hidden = !this.canChange;
    $("triage-error").textContent = "";
    const { status, body } = await apiGet<Detail & { error?: string }>(`api/alerts/${encodeURIComponent(alertId)}`, this.token);
    if (this.alertId !== alertId) return;
    if (status !== 200) {
      $("triage-error").textContent = body.error ?? `the node answered ${status}`;
      return;
    }
    this.render(body.state, body.changes);
  }

  /** A change pushed by the hub: reloads the panel when it shows that alert. */
  changed(change: AlertChange): void {
    if (change.alert_id === this.alertId) void this.show(this.alertId);
  }

  private async change(body: Record<string, string>): Promise<void> {
    if (!this.alertId) return;
    const response = await fetch(`api/alerts/${encodeURIComponent(this.alertId)}/triage`, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      $("triage-error").textContent = answer.error ?? `the node answered ${response.status}`;
      return;
    }
    $("triage-error").textContent = "";
    $<HTMLTextAreaElement>("triage-note").value = "";
    $<HTMLInputElement>("triage-reason").value = "";
    this.onState(answer.state as AlertState);
    await this.show(this.alertId);
  }

  private render(state: AlertState, changes: AlertChange[]): void {
    const pill = $("triage-status");
    pill.textContent = state.status;
    pill.className = `pill ${state.status}`;
    $("triage-assignee").textContent = state.assignee ? `assigned to ${state.assignee}` : "unassigned";
    $("triage-ack").hidden = state.status !== "open";
    $("triage-close").hidden = state.status === "closed";
    $("triage-reopen").hidden = state.status !== "closed";
    for (const id of ["triage-assign-me", "triage-assign", "triage-assignee-input"]) $(id).hidden = state.status === "closed";
    const items = changes.map((c) => {
      const item = document.createElement("li");
      const what = c.action === "assign" ? (c.assignee ? `assigned to ${c.assignee}` : "unassigned")
        : c.action === "note" ? "noted" : c.action === "acknowledge" ? "acknowledged" : c.action === "close" ? "closed" : "reopened";
      const head = document.createElement("div");
      head.textContent = `${formatTime(c.at)} · ${c.user} ${what}`;
      item.appendChild(head);
      const text = c.action === "note" ? c.note : c.reason;
      if (text) {
        const body = document.createElement("div");
        body.className = "triage-text";
        body.textContent = text; // text, never HTML: notes are typed by people and shown to others
        item.appendChild(body);
      }
      return item;
    });
    $("triage-history").replaceChildren(...items);
    this.onState(state);
  }
}
