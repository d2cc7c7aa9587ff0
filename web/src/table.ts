// A virtualized event table: only the rows in view exist in the DOM, so thousands of rows per second stay smooth.
// Rows are kept newest first in a ring of fixed capacity; the oldest fall off the end.
import { SiemEvent, formatTime, severityClass } from "./events";

const rowHeight = 24;
const overscan = 10;
const columns: { title: string; cell: (e: SiemEvent) => string; width: string }[] = [
  { title: "time", cell: (e) => formatTime(e.timestamp), width: "190px" },
  { title: "severity", cell: (e) => e.severity_name, width: "110px" },
  { title: "source", cell: (e) => e.source, width: "110px" },
  { title: "host", cell: (e) => e.host, width: "130px" },
  { title: "src_ip", cell: (e) => e.src_ip ?? "", width: "130px" },
  { title: "user", cell: (e) => e.user ?? "", width: "100px" },
  { title: "message", cell: (e) => e.message, width: "1fr" },
];

export class EventTable {
  private readonly ring: (SiemEvent | undefined)[];
  private head = 0; // where the next event goes
  private count = 0;
  private readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private scheduled = false;
  private selected: string | null = null;

  constructor(host: HTMLElement, private readonly capacity: number, private readonly onSelect: (e: SiemEvent) => void) {
    this.ring = new Array(capacity);
    const template = columns.map((c) => c.width).join(" ");
    host.style.setProperty("--columns", template);
    const header = document.createElement("div");
    header.className = "row header";
    for (const c of columns) {
      const cell = document.createElement("span");
      cell.textContent = c.title;
      header.appendChild(cell);
    }
    this.viewport = document.createElement("div");
    this.viewport.className = "viewport";
    this.spacer = document.createElement("div");
    this.spacer.className = "spacer-rows";
    this.body = document.createElement("div");
    this.body.className = "rows";
    this.viewport.append(this.spacer, this.body);
    host.replaceChildren(header, this.viewport);
    this.viewport.addEventListener("scroll", () => this.schedule());
    this.body.addEventListener("click", (ev) => {
      const row = (ev.target as HTMLElement).closest<HTMLElement>(".row");
      const index = row?.dataset.index;
      if (index === undefined) return;
      const event = this.at(Number(index));
      if (!event) return;
      this.selected = event.event_id;
      this.onSelect(event);
      this.schedule();
    });
  }

  get size(): number {
    return this.count;
  }

  /** Adds events given oldest first; they appear at the top, newest first. */
  prepend(events: SiemEvent[]): void {
    if (events.length === 0) return;
    const keepView = this.viewport.scrollTop > 0;
    for (const e of events) {
      this.ring[this.head] = e;
      this.head = (this.head + 1) % this.capacity;
      this.count = Math.min(this.count + 1, this.capacity);
    }
    // A reader scrolled down keeps looking at the same rows while new ones arrive above.
    if (keepView) this.viewport.scrollTop += Math.min(events.length, this.capacity) * rowHeight;
    this.schedule();
  }

  /** Adds events given newest first below the existing ones (history pages). */
  append(events: SiemEvent[]): void {
    const all = [...this.all(), ...events].slice(0, this.capacity);
    this.clear();
    this.prepend(all.reverse());
    this.viewport.scrollTop = 0;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.schedule();
  }

  /** The i-th newest event. */
  at(i: number): SiemEvent | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.ring[(this.head - 1 - i + this.capacity * 2) % this.capacity];
  }

  private *all(): Iterable<SiemEvent> {
    for (let i = 0; i < this.count; i++) yield this.at(i)!;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  private render(): void {
    this.spacer.style.height = `${this.count * rowHeight}px`;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / rowHeight) - overscan);
    const visible = Math.ceil(this.viewport.clientHeight / rowHeight) + 2 * overscan;
    const last = Math.min(this.count, first + visible);
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const e = this.at(i)!;
      const row = document.createElement("div");
      row.className = `row ${severityClass(e.severity)}${e.event_id === this.selected ? " selected" : ""}${e.archived ? " archived" : ""}`;
      if (e.archived) row.title = "from the archive";
      row.dataset.index = String(i);
      row.style.transform = `translateY(${i * rowHeight}px)`;
      for (const c of columns) {
        const cell = document.createElement("span");
        cell.textContent = c.cell(e);
        row.appendChild(cell);
      }
      rows.push(row);
    }
    this.body.replaceChildren(...rows);
  }
}
