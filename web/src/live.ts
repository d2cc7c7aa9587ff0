// The live tail: one hub connection, one subscription for the current view's filter, events into the table.
import * as signalR from "@microsoft/signalr";
import { SiemAlert } from "./alerts";
import { SiemEvent } from "./events";
import { AlertChange } from "./triage";

export interface SubscribeResult {
  subscriptionId: string | null;
  filter: string | null;
  error: string | null;
  position: number | null;
}

export interface SubscriptionStats {
  id: string;
  filter: string;
  matched: number;
  delivered: number;
  dropped: number;
}

export interface LiveStats {
  at: number;
  streamEventsPerSecond: number;
  streamEventsSkipped: number;
  subscriptions: SubscriptionStats[];
}

interface LiveEvent {
  storedAt: number;
  event: SiemEvent;
}

export interface LiveHandlers {
  events(events: SiemEvent[]): void;
  stats(stats: LiveStats, mine: SubscriptionStats | undefined): void;
  /** Alerts: the recent ones when subscribing (fresh = false), then each new one (fresh = true). */
  alerts(alerts: SiemAlert[], fresh: boolean): void;
  /** Triage changes of alerts, pushed to every viewer of the alert list. */
  alertChanges(changes: AlertChange[]): void;
  state(text: string, ok: boolean): void;
  unauthorized(): void;
}

export class LiveTail {
  private readonly connection: signalR.HubConnection;
  private subscription: string | null = null;
  private filter = "true";

  constructor(token: string, private readonly handlers: LiveHandlers) {
    this.connection = new signalR.HubConnectionBuilder()
      .withUrl("hubs/events", { accessTokenFactory: () => token })
      .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 10000, 30000])
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    this.connection.on("Events", (id: string, events: LiveEvent[]) => {
      if (id === this.subscription) handlers.events(events.map((e) => e.event));
    });
    this.connection.on("Alerts", (alerts: SiemAlert[]) => handlers.alerts(alerts, true));
    this.connection.on("AlertChanges", (changes: AlertChange[]) => handlers.alertChanges(changes));
    this.connection.on("Stats", (stats: LiveStats) =>
      handlers.stats(stats, stats.subscriptions.find((s) => s.id === this.subscription)));
    this.connection.onreconnecting(() => handlers.state("reconnecting…", false));
    this.connection.onreconnected(async () => {
      handlers.state("live", true);
      this.subscription = null;
      await this.subscribe(this.filter); // subscriptions live on the server connection that was lost
      await this.subscribeAlerts();
    });
    this.connection.onclose((error) => {
      handlers.state("disconnected", false);
      if (error?.message.includes("401") || error?.message.toLowerCase().includes("authentication")) handlers.unauthorized();
    });
  }

  async start(): Promise<void> {
    try {
      await this.connection.start();
      this.handlers.state("live", true);
    } catch (error) {
      this.handlers.state("disconnected", false);
      if (String(error).includes("401")) this.handlers.unauthorized();
      throw error;
    }
  }

  /** Joins the alert feed; what it answers (the most recent alerts) goes to the alerts handler too. */
  async subscribeAlerts(): Promise<void> {
    const recent = await this.connection.invoke<SiemAlert[]>("SubscribeAlerts");
    this.handlers.alerts(recent, false);
  }

  /** Replaces the subscription with one for the filter; returns the server's answer (with a bad filter's position). */
  async subscribe(filter: string): Promise<SubscribeResult> {
    const result = await this.connection.invoke<SubscribeResult>("Subscribe", filter, { label: "ui" });
    if (result.subscriptionId) {
      const previous = this.subscription;
      this.subscription = result.subscriptionId;
      this.filter = filter;
      if (previous) await this.connection.invoke("Unsubscribe", previous);
    }
    return result;
  }
}
