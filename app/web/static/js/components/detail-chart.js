// A bar chart of counts over time (an issue's frequency), as SVG built node by node.
import { h } from "../dom.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 300;
const HEIGHT = 60;

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  el.append(...children);
  return el;
}

/**
 * buckets: [{start, count}] oldest first; `format(start)` labels a bucket for its tooltip.
 * Each bar carries a <title> ("12 events, 14:00"); the chart's label sums them up.
 */
export function barChart(buckets, { label, format }) {
  const counts = buckets.map((b) => Number(b.count));
  const max = Math.max(1, ...counts);
  const slot = WIDTH / Math.max(1, buckets.length);
  const gap = Math.min(2, slot / 4);
  const bars = buckets.map((bucket, i) => {
    const height = counts[i] ? Math.max(1.5, (counts[i] / max) * (HEIGHT - 2)) : 0;
    const events = `${counts[i].toLocaleString()} event${counts[i] === 1 ? "" : "s"}`;
    const text = `${events}, ${format(bucket.start)}`;
    const drawn = Math.max(height, 1); // an empty bucket shows as a baseline
    return svg(
      "g",
      { class: "bar" },
      svg("rect", { class: "hit", x: i * slot, y: 0, width: slot, height: HEIGHT }),
      svg("rect", {
        class: counts[i] ? "fill" : "fill empty",
        x: i * slot + gap / 2,
        y: HEIGHT - drawn,
        width: slot - gap,
        height: drawn,
      }),
      svg("title", {}, text),
    );
  });
  const chart = svg(
    "svg",
    {
      class: "chart",
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      preserveAspectRatio: "none",
      role: "img",
      "aria-label": label,
    },
    ...bars,
  );
  const first = buckets.length ? format(buckets[0].start) : "";
  const last = buckets.length ? format(buckets[buckets.length - 1].start) : "";
  return h(
    "figure",
    { class: "chart-box" },
    chart,
    h(
      "figcaption",
      { class: "chart-axis muted" },
      h("span", {}, first),
      h("span", {}, `max ${max.toLocaleString()}`),
      h("span", {}, last),
    ),
  );
}

/** One horizontal bar: the share of `count` in `total`, with both written out. */
export function shareBar(name, count, total) {
  const percent = total > 0 ? (count / total) * 100 : 0;
  const shown = percent >= 10 || percent === 0 ? Math.round(percent) : percent.toFixed(1);
  return h(
    "div",
    { class: "share", title: `${name}: ${count.toLocaleString()} of ${total.toLocaleString()}` },
    h("div", { class: "share-fill", style: { width: `${percent}%` } }),
    h("span", { class: "share-name" }, name),
    h("span", { class: "share-count" }, `${count.toLocaleString()} · ${shown}%`),
  );
}
