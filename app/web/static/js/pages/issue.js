// An issue: its head and actions, one of its events, and its aggregates, history and grouping.
import { gql } from "../api.js";
import { h, replace } from "../dom.js";
import { frequencyPanel, namesPanel, tagsPanel } from "../components/detail-aggregates.js";
import { issueHeader } from "../components/detail-header.js";
import { groupingPanel, historyPanel } from "../components/detail-history.js";
import { failed, loading, notFound } from "../components/detail-util.js";
import { eventView } from "../components/event-view.js";
import { setLive } from "../components/live-indicator.js";
import { subscribe } from "../live.js";

const CHANGES = `subscription($projectId: ID) {
  issueChanged(projectId: $projectId) { kind issueId lost interrupted }
}`;
// Changes to this issue redraw its head and sidebar at most this often.
const REDRAW_MS = 1000;

const ISSUE = `query($id: ID!, $period: FrequencyPeriod!) {
  issue(id: $id) {
    id shortId title culprit level platform state eventCount firstSeen lastSeen grouping
    project { id name }
    history { from to cause actor at }
    frequency(period: $period) { start count }
    environments releases
    tags(top: 5) { key total distinct other topValues { value count } }
  }
}`;

/** A path segment as text; a malformed escape stays as it is (and is not found). */
function decoded(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function loadIssue(id, period, signal) {
  try {
    return (await gql(ISSUE, { id, period }, { signal })).issue;
  } catch (error) {
    if (error.code === "BAD_USER_INPUT" || error.code === "NOT_FOUND") return null;
    throw error;
  }
}

export async function render({ root, params, signal }) {
  root.classList.add("detail"); // detail.css applies within
  const { issueId, eventId } = params;
  replace(root, loading("Loading issue…"));
  const events = eventView(issueId, eventId ? decoded(eventId) : null, signal);
  const head = h("div", { class: "issue-head-box" });
  const side = h("aside", { class: "issue-side", "aria-label": "Issue details" });

  let period = "DAY"; // the frequency chart's, kept across redraws
  // The head and sidebar redraw after a state change; the event pane stays as it is.
  const draw = async () => {
    let issue;
    try {
      issue = await loadIssue(issueId, period, signal);
    } catch (error) {
      if (error.name === "AbortError") return null;
      replace(root, h("h1", {}, "Issue"), failed("The issue", error));
      return null;
    }
    if (signal.aborted) return null;
    if (!issue) {
      notFound(root, "Issue");
      document.title = "Issue not found · Faultline";
      return null;
    }
    document.title = `${issue.shortId} ${issue.title} · Faultline`;
    replace(head, issueHeader(issue, { onChanged: draw }));
    replace(
      side,
      frequencyPanel(issue.id, {
        period,
        buckets: issue.frequency,
        signal,
        onPeriod: (chosen) => (period = chosen),
      }),
      tagsPanel(issue.tags),
      namesPanel("Environments", issue.environments),
      namesPanel("Releases", issue.releases),
      historyPanel(issue),
      groupingPanel(issue.grouping),
    );
    return issue;
  };
  const issue = await draw();
  if (!issue) return;
  const main = h("div", { class: "issue-main" }, events);
  replace(root, head, h("div", { class: "issue-layout" }, main, side));
  follow(issue.project.id, issue.id, { root, head, draw, signal });
}

/** Live: redraw when the issue changes (counts, state, regressions); say so when deleted. */
function follow(projectId, issueId, { root, head, draw, signal }) {
  let pending = null;
  let seen = { lost: 0, interrupted: 0 };
  const later = () => {
    if (!pending) pending = setTimeout(() => ((pending = null), draw()), REDRAW_MS);
  };
  signal.addEventListener("abort", () => clearTimeout(pending));
  subscribe(CHANGES, { projectId }, {
    signal,
    onReconnect: later,
    onStatus: (state) => setLive(signal.aborted ? null : state),
    onError: (error) => setLive("offline", error.message),
    onData: ({ issueChanged: change }) => {
      const missed = change.lost !== seen.lost || change.interrupted !== seen.interrupted;
      seen = change;
      if (change.issueId !== issueId) return missed && later();
      if (change.kind !== "DELETED") return later();
      clearTimeout(pending);
      const back = h("a", { href: `/projects/${projectId}/issues` }, "Back to the issue list");
      replace(head, h("p", { class: "error", role: "alert" }, "This issue was deleted. ", back));
      root.querySelector(".issue-layout")?.remove();
    },
  });
}
