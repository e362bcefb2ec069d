// An issue's aggregates: its frequency (24 h or 30 d), tag values, environments and releases.
import { gql } from "../api.js";
import { h, replace } from "../dom.js";
import { barChart, shareBar } from "./detail-chart.js";
import { errorSlot, section } from "./detail-util.js";

const FREQUENCY = `query($id: ID!, $period: FrequencyPeriod!) {
  issue(id: $id) { id frequency(period: $period) { start count } }
}`;

const hourly = (iso) =>
  new Date(iso).toLocaleString(undefined, {
    hour: "2-digit", minute: "2-digit", day: "numeric", month: "short",
  });
const daily = (iso) =>
  new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
// [period, toggle text, words, bucket label]
const PERIODS = [
  ["DAY", "24 h", "the last 24 hours", hourly],
  ["MONTH", "30 d", "the last 30 days", daily],
];

/** The frequency panel, starting with `buckets` of `period`; the toggle refetches. */
export function frequencyPanel(issueId, { period, buckets, signal, onPeriod }) {
  const box = h("div", { class: "frequency" });
  const errors = errorSlot();
  const draw = (period, data) => {
    const [, , words, format] = PERIODS.find((p) => p[0] === period);
    const total = data.reduce((sum, b) => sum + Number(b.count), 0);
    const sum = `${plural(total, "event")} in ${words}`;
    const label = `Events per ${period === "DAY" ? "hour" : "day"} in ${words}`;
    const chart = barChart(data, { label, format });
    replace(box, h("p", { class: "muted frequency-total" }, sum), chart);
  };
  const toggles = PERIODS.map(([shown, text]) =>
    h("button", {
      type: "button",
      class: "toggle",
      "aria-pressed": String(shown === period),
      onclick: async (event) => {
        const button = event.currentTarget;
        if (button.getAttribute("aria-pressed") === "true") return;
        errors.clear();
        try {
          const data = await gql(FREQUENCY, { id: issueId, period: shown }, { signal });
          for (const other of toggles) other.setAttribute("aria-pressed", String(other === button));
          draw(shown, data.issue ? data.issue.frequency : []);
          onPeriod(shown);
        } catch (error) {
          if (error.name !== "AbortError") errors.show(error);
        }
      },
    }, text),
  );
  draw(period, buckets);
  const group = h("div", { class: "toggles", role: "group", "aria-label": "Period" }, toggles);
  return section("Frequency", group, errors.el, box);
}

function plural(n, word) {
  return `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;
}

/** Each tag key with its top values as bars of their share of the events carrying the key. */
export function tagsPanel(tags) {
  if (!tags.length) return section("Tags", h("p", { class: "muted" }, "No tags."));
  return section(
    "Tags",
    tags.map((tag) => {
      const total = Number(tag.total);
      const shown = tag.topValues.reduce((sum, v) => sum + Number(v.count), 0);
      const rest = total - shown;
      return h(
        "div",
        { class: "tag-summary", "data-key": tag.key },
        h(
          "h3",
          {},
          h("span", { class: "mono" }, tag.key),
          h("span", { class: "muted" }, ` ${plural(tag.distinct, "value")}`),
        ),
        tag.topValues.map((v) => shareBar(v.value, Number(v.count), total)),
        rest > 0 ? shareBar("(other values)", rest, total) : null,
      );
    }),
  );
}

/** Environments and releases, most events first. */
export function namesPanel(title, names) {
  return section(
    title,
    names.length
      ? h("ul", { class: "names" }, names.map((n) => h("li", { class: "mono" }, n)))
      : h("p", { class: "muted" }, "None."),
  );
}
