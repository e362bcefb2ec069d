// One row of the issue list, and its in-place updates from the live subscription.
import { formatCount, h, replace, timeAgo } from "../dom.js";
import { sparkline } from "./sparkline.js";

export const ROW_FIELDS = `id shortId title culprit level state eventCount firstSeen lastSeen
  frequency { start count }`;
const STATE_LABELS = { OPEN: "Open", RESOLVED: "Resolved", MUTED: "Muted" };

export function levelBadge(level) {
  const known = ["fatal", "error", "warning", "info", "debug"].includes(level) ? level : "other";
  return h("span", { class: `level level-${known}` }, level);
}

function chart(issue) {
  return sparkline(issue.frequency, { width: 96, height: 22, label: `${issue.shortId}: events in the last 24 hours` });
}

/** A <tr> for `issue`; `onSelect(id, checked)` follows its checkbox. */
export function issueRow(issue, { selected, onSelect }) {
  const box = h("input", { type: "checkbox", "aria-label": `Select ${issue.shortId}`, checked: selected });
  box.addEventListener("change", () => onSelect(issue.id, box.checked));
  const row = h(
    "tr",
    { "data-issue-id": issue.id, class: "issue-row" },
    h("td", { class: "select" }, box),
    h(
      "td",
      { class: "issue" },
      h("div", { class: "title-line" }, levelBadge(issue.level), h("a", { href: `/issues/${issue.id}`, class: "title" }, issue.title || "(no title)"), h("span", { class: "state-badge" })),
      h("div", { class: "meta" }, h("span", { class: "short-id mono" }, issue.shortId), h("span", { class: "culprit" }, issue.culprit)),
    ),
    h("td", { class: "graph" }, chart(issue)),
    h("td", { class: "num events" }, formatCount(issue.eventCount)),
    h("td", { class: "seen first-seen" }, timeAgo(issue.firstSeen)),
    h("td", { class: "seen last-seen" }, timeAgo(issue.lastSeen)),
  );
  row.issue = issue;
  showState(row, issue.state);
  return row;
}

function showState(row, state) {
  const badge = row.querySelector(".state-badge");
  badge.textContent = state === "OPEN" ? "" : STATE_LABELS[state] || state;
  badge.className = `state-badge state-${String(state).toLowerCase()}`;
}

/** Apply a live change ({eventCount, lastSeen, state, level}) to the row, in place. */
export function updateRow(row, change) {
  const issue = row.issue;
  const added = Number(change.eventCount) - Number(issue.eventCount);
  if (added > 0 && issue.frequency.length) {
    const last = issue.frequency[issue.frequency.length - 1];
    last.count = Number(last.count) + added; // the events are this hour's, near enough for a sparkline
    replace(row.querySelector(".graph"), chart(issue));
  }
  Object.assign(issue, change);
  row.querySelector(".events").textContent = formatCount(issue.eventCount);
  replace(row.querySelector(".last-seen"), timeAgo(issue.lastSeen));
  showState(row, issue.state);
}

/** Whether an issue in `state` belongs on the tab (null: All). */
export function matchesTab(state, tab) {
  return tab === null || state === tab;
}
