// SiemActors' analyst UI: sign in with a token, then a live tail and a history search sharing one filter.
import "./app.css";
import { AlertsPanel, SiemAlert } from "./alerts";
import { Me, forgetToken, signIn, storedToken } from "./auth";
import { RateChart } from "./chart";
import { SiemEvent } from "./events";
import { clearFilterError, filterText, setFilterText, showFilterError } from "./filterBox";
import { searchHistory, sources } from "./history";
import { LiveTail } from "./live";
import { OidcConfig, beginSignIn, completeSignIn, oidcConfig } from "./oidc";
import { EventTable } from "./table";
import { TriagePanel, fetchStates } from "./triage";
import { View, composedFilter, positionInText, readView, writeView } from "./view";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const liveCapacity = 20000;

async function boot(): Promise<void> {
  const oidc = await oidcConfig();
  // Back from the identity provider with a code: trade it for a token.
  let fromIssuer: string | null = null;
  try {
    fromIssuer = await completeSignIn(oidc);
  } catch (error) {
    return showSignIn(String((error as Error).message ?? error), oidc);
  }
  // A token may arrive in the fragment (scripts/run.sh prints such a link); fragments never reach the server's logs.
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromLink) history.replaceState(null, "", location.pathname + location.search);
  const token = fromIssuer ?? fromLink ?? storedToken();
  if (token) {
    try {
      const me = await signIn(token);
      return start(token, me);
    } catch (error) {
      forgetToken();
      return showSignIn(String((error as Error).message ?? error), oidc);
    }
  }
  showSignIn("", oidc);
}

function showSignIn(error: string, oidc: OidcConfig | null): void {
  $("app").hidden = true;
  $("signin").hidden = false;
  $("signin-error").textContent = error;
  $("signin-oidc").hidden = oidc === null;
  if (oidc) {
    $("signin-oidc-button").textContent = `Sign in with ${new URL(oidc.issuer).host}`;
    $("signin-oidc-button").onclick = () => void beginSignIn(oidc);
  }
  $("signin-form").onsubmit = async (ev) => {
    ev.preventDefault();
    const token = $<HTMLTextAreaElement>("token").value.trim();
    try {
      const me = await signIn(token);
      $("signin").hidden = true;
      await start(token, me);
    } catch (e) {
      $("signin-error").textContent = String((e as Error).message ?? e);
    }
  };
}

async function start(token: string, me: Me): Promise<void> {
  $("signin").hidden = true;
  $("app").hidden = false;
  $("user").textContent = `${me.user} (${me.roles[me.roles.length - 1]})`;
  $("signout").onclick = () => {
    forgetToken();
    location.reload();
  };

  let view: View = readView();
  setFilterText(view.filter);
  $<HTMLSelectElement>("quick-severity").value = view.severity;
  $<HTMLSelectElement>("quick-range").value = view.range;
  $<HTMLInputElement>("history-from").value = view.from;
  $<HTMLInputElement>("history-to").value = view.to;
  const sourceSelect = $<HTMLSelectElement>("quick-source");
  for (const s of new Set([...(await sources(token)), view.source].filter(Boolean))) sourceSelect.add(new Option(s, s));
  sourceSelect.value = view.source;

  const showDetail = (e: SiemEvent) => {
    void triage.show(null);
    $("detail").hidden = false;
    $("detail-title").textContent = "Event";
    $("detail-raw-title").hidden = false;
    $("detail-raw").hidden = false;
    $("detail-raw").textContent = e.raw;
    $("detail-json").textContent = JSON.stringify(e, null, 2);
  };
  const showAlert = (a: SiemAlert) => {
    $("detail").hidden = false;
    $("detail-title").textContent = `Alert: ${a.rule}`;
    $("detail-raw-title").hidden = true;
    $("detail-raw").hidden = true;
    $("detail-json").textContent = JSON.stringify(a, null, 2);
    void triage.show(a.alert_id);
  };
  const alertsPanel = new AlertsPanel($("alerts-list"), $("alerts-badge"), showAlert);
  const triage = new TriagePanel(token, me.user, me.roles.includes("responder"), (state) => alertsPanel.setStates([state]));
  const loadStates = async () => alertsPanel.setStates(await fetchStates(token, alertsPanel.withoutState().slice(0, 500)));
  $("detail-close").onclick = () => ($("detail").hidden = true);

  const liveTable = new EventTable($("live-table"), liveCapacity, showDetail);
  const historyTable = new EventTable($("history-table"), 100000, showDetail);
  const chart = new RateChart($("chart"));

  // Pause keeps the table still; what arrives meanwhile waits (bounded) and is added on resume.
  let paused = false;
  let held: SiemEvent[] = [];
  let received = 0;
  let lastStatsAt = 0;
  $("pause").onclick = () => {
    paused = !paused;
    $("pause").textContent = paused ? "Resume" : "Pause";
    if (!paused) {
      liveTable.prepend(held);
      held = [];
    }
  };

  const live = new LiveTail(token, {
    events: (events) => {
      received += events.length;
      if (!paused) {
        liveTable.prepend(events);
      } else {
        held.push(...events);
        if (held.length > liveCapacity) held = held.slice(held.length - liveCapacity);
      }
    },
    stats: (stats, mine) => {
      const seconds = lastStatsAt ? (stats.at - lastStatsAt) / 1000 : 1;
      chart.add(stats.at, stats.streamEventsPerSecond, seconds > 0 ? received / seconds : 0);
      received = 0;
      lastStatsAt = stats.at;
      $("live-counts").textContent = mine
        ? `${mine.matched.toLocaleString()} matched · ${mine.delivered.toLocaleString()} delivered · ${mine.dropped.toLocaleString()} dropped` +
          (paused ? ` · ${held.length.toLocaleString()} waiting` : "") + ` · ${liveTable.size.toLocaleString()} rows` +
          (stats.streamEventsSkipped > 0 ? ` · node behind: ${stats.streamEventsSkipped.toLocaleString()} skipped (see History)` : "")
        : "";
    },
    alerts: (alerts, fresh) => {
      alertsPanel.add(alerts, fresh);
      $("alerts-counts").textContent = `${alertsPanel.size.toLocaleString()} alerts, newest first`;
      if (!fresh) void loadStates(); // new alerts are open and unassigned until a change says otherwise
    },
    alertChanges: (changes) => {
      alertsPanel.setStates(changes.map((c) => ({ alert_id: c.alert_id, status: c.status, assignee: c.assignee, updated_at: c.at, updated_by: c.user, notes: 0 })));
      for (const change of changes) triage.changed(change);
    },
    state: (text, ok) => {
      $("connection").textContent = text;
      $("connection").classList.toggle("ok", ok);
    },
    unauthorized: () => {
      forgetToken();
      location.reload();
    },
  });

  let cursor: string | null = null;
  const runHistory = async (more: boolean) => {
    if (!more) {
      cursor = null;
      historyTable.clear();
    }
    $("history-counts").textContent = "searching…";
    view = { ...view, from: $<HTMLInputElement>("history-from").value, to: $<HTMLInputElement>("history-to").value };
    writeView(view);
    const result = await searchHistory(token, composedFilter(view), view.range, view.from, view.to, cursor);
    if (!result.ok) {
      $("history-counts").textContent = "";
      showFilterError(result.error.error, result.error.position === null ? null : positionInText(view, result.error.position));
      return;
    }
    historyTable.append(result.page.events);
    cursor = result.page.next_cursor;
    $("history-more").hidden = cursor === null;
    const archive = result.page.archive_days.length
      ? `; ${result.page.archive_days.length === 1 ? "day" : "days"} ${result.page.archive_days.join(", ")} read from the archive (rows with a violet edge)`
      : "";
    $("history-counts").textContent = `${historyTable.size.toLocaleString()} events, newest first${cursor ? " (more available)" : ""}${archive}`;
  };

  const apply = async () => {
    view = {
      ...view,
      filter: filterText(),
      source: sourceSelect.value,
      severity: $<HTMLSelectElement>("quick-severity").value,
      range: $<HTMLSelectElement>("quick-range").value,
    };
    const result = await live.subscribe(composedFilter(view));
    if (result.error !== null) {
      showFilterError(result.error, result.position === null ? null : positionInText(view, result.position));
      return;
    }
    clearFilterError();
    writeView(view);
    liveTable.clear();
    held = [];
    if (view.tab === "history") await runHistory(false);
  };

  const showTab = (tab: View["tab"]) => {
    view = { ...view, tab };
    writeView(view);
    for (const name of ["live", "history", "alerts"] as const) {
      $(name).hidden = tab !== name;
      $(`tab-${name}`).classList.toggle("active", tab === name);
      $(`tab-${name}`).setAttribute("aria-selected", String(tab === name));
    }
    alertsPanel.show(tab === "alerts");
    // The detail panel belongs to the tab it was opened from.
    $("detail").hidden = true;
    void triage.show(null);
    // The filters are the events' (Live and History): on the Alerts tab they are shown as not applying.
    const onAlerts = tab === "alerts";
    $("filter-scope").hidden = !onAlerts;
    $("filters").classList.toggle("inactive", onAlerts);
    for (const id of ["filter", "quick-source", "quick-severity", "quick-range", "apply"]) $<HTMLInputElement>(id).disabled = onAlerts;
  };
  $("tab-live").onclick = () => showTab("live");
  $("tab-alerts").onclick = () => showTab("alerts");
  $("tab-history").onclick = () => {
    showTab("history");
    void runHistory(false);
  };
  $("apply").onclick = () => void apply();
  $("filter").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") void apply();
  });
  for (const id of ["quick-source", "quick-severity", "quick-range"]) $(id).addEventListener("change", () => void apply());
  $("history-run").onclick = () => void runHistory(false);
  $("history-more").onclick = () => void runHistory(true);

  showTab(view.tab);
  await live.start();
  await live.subscribeAlerts();
  await apply();
}

void boot();
