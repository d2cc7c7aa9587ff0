// The live events-per-second chart: the rate the node reads from the live streams, and the rate this view receives.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const windowSeconds = 120;
const pad = (n: number) => String(n).padStart(2, "0");
/** A tick's label: the local time of day, on one line (uPlot's default adds the date under the first one, which collided). */
const clock = (seconds: number) => {
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
const axis = "#8b95a3";
const grid = "#2a313c";

export class RateChart {
  private readonly times: number[] = [];
  private readonly stream: number[] = [];
  private readonly received: number[] = [];
  private readonly plot: uPlot;

  constructor(host: HTMLElement) {
    this.plot = new uPlot(
      {
        width: Math.max(300, host.clientWidth),
        height: 140,
        legend: { show: true },
        // The last two minutes, whatever the data: one point would otherwise stretch the axis over years.
        scales: {
          x: { time: true, range: () => [Date.now() / 1000 - windowSeconds, Date.now() / 1000] },
          y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] },
        },
        axes: [
          {
            stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid },
            // At least 90 px between labels (a label is ~60 px wide), so neighbours never overlap.
            space: 90,
            values: (_u, splits) => {
              const labels = splits.map(clock);
              host.dataset.ticks = labels.join(" "); // what is drawn on the canvas, for the browser test
              return labels;
            },
          },
          { label: "events/s", size: 60, stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid } },
        ],
        series: [
          {},
          { label: "stored (all sources)", stroke: "#4c8dff", width: 2 },
          { label: "matching this view", stroke: "#f0a020", width: 2 },
        ],
      },
      [[], [], []],
      host,
    );
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(300, host.clientWidth), height: 140 })).observe(host);
  }

  add(atMs: number, streamPerSecond: number, receivedPerSecond: number): void {
    this.times.push(atMs / 1000);
    this.stream.push(streamPerSecond);
    this.received.push(receivedPerSecond);
    while (this.times.length > windowSeconds) {
      this.times.shift();
      this.stream.shift();
      this.received.shift();
    }
    this.plot.setData([this.times, this.stream, this.received]);
  }
}
