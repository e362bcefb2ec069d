// An issue's state history (who or what changed it) and how its events were grouped.
import { h } from "../dom.js";
import { exactTime, jsonText, section } from "./detail-util.js";

const CAUSES = {
  user: "changed by a user",
  regression: "regression: a new event arrived for the resolved issue",
};

/** State changes, newest first, with the first sighting at the bottom. */
export function historyPanel(issue) {
  const entries = [...issue.history].reverse().map((entry) =>
    h(
      "li",
      { class: `history-entry cause-${entry.cause}` },
      h("time", { datetime: entry.at, title: entry.at }, exactTime(entry.at)),
      h(
        "div",
        {},
        h("span", { class: `state state-${entry.from}` }, entry.from),
        " → ",
        h("span", { class: `state state-${entry.to}` }, entry.to),
        h("div", { class: "muted cause" }, entry.actor ? `changed by ${entry.actor}` : CAUSES[entry.cause] || entry.cause),
      ),
    ),
  );
  entries.push(
    h(
      "li",
      { class: "history-entry" },
      h("time", { datetime: issue.firstSeen, title: issue.firstSeen }, exactTime(issue.firstSeen)),
      h("div", {}, "first seen", h("div", { class: "muted cause" }, "its first event created it")),
    ),
  );
  return section("History", h("ol", { class: "history" }, entries));
}

// Keys of the explanation shown as facts; the others go under "Details" as JSON.
const SHOWN = new Set(["variant", "strategy", "hash", "version", "description", "values"]);

/** The grouping explanation: variant, what went into the hash, the hashed values. */
export function groupingPanel(grouping) {
  const facts = [
    ["Variant", grouping.variant],
    ["Strategy", grouping.strategy],
    ["Hash", grouping.hash],
    ["Version", grouping.version],
  ].filter(([, value]) => typeof value === "string");
  const values = Array.isArray(grouping.values) ? grouping.values : [];
  const rest = Object.fromEntries(Object.entries(grouping).filter(([key]) => !SHOWN.has(key)));
  return section(
    "Grouping",
    typeof grouping.description === "string"
      ? h("p", { class: "grouping-description" }, `Grouped by ${grouping.description}.`)
      : null,
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", { class: "mono" }, v)])),
    values.length
      ? [
          h("h3", {}, "Hashed values"),
          h("ol", { class: "grouping-values mono" }, values.map((v) => h("li", {}, v))),
        ]
      : null,
    Object.keys(rest).length
      ? h("details", {}, h("summary", {}, "Details"), h("pre", { class: "json" }, jsonText(rest)))
      : null,
  );
}
