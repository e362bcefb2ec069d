// A small bar chart of event counts over time, as SVG (no library, no inline style strings).
import { formatCount } from "../dom.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  return el;
}

/**
 * sparkline([{start, count}], {width, height, label}) → <svg role="img">.
 * One bar per bucket, scaled to the largest; each bar has a <title> with its time and count,
 * and the whole chart an accessible label (default: the total).
 */
export function sparkline(buckets, { width = 96, height = 24, label } = {}) {
  const counts = buckets.map((b) => Number(b.count));
  const max = Math.max(1, ...counts);
  const total = counts.reduce((a, b) => a + b, 0);
  const chart = svg("svg", {
    class: "sparkline",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": label || `${formatCount(total)} events`,
  });
  const step = buckets.length ? width / buckets.length : width;
  const gap = step > 3 ? 1 : 0;
  buckets.forEach((bucket, i) => {
    const count = counts[i];
    const barHeight = count ? Math.max(2, Math.round((count / max) * (height - 1))) : 1;
    const bar = svg("rect", {
      x: (i * step).toFixed(2),
      y: height - barHeight,
      width: Math.max(1, step - gap).toFixed(2),
      height: barHeight,
      class: count ? "bar" : "bar empty",
    });
    const title = svg("title", {});
    title.textContent = `${new Date(bucket.start).toLocaleString()}: ${formatCount(count)}`;
    bar.append(title);
    chart.append(bar);
  });
  return chart;
}
