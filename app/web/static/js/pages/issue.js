// An issue: its head and actions, one of its events, and its aggregates, history and grouping.
import { gql } from "../api.js";
import { h, replace } from "../dom.js";
import { frequencyPanel, namesPanel, tagsPanel } from "../components/detail-aggregates.js";
import { issueHeader } from "../components/detail-header.js";
import { groupingPanel, historyPanel } from "../components/detail-history.js";
import { errorText, loading, notFound } from "../components/detail-util.js";
import { eventView } from "../components/event-view.js";

const ISSUE = `query($id: ID!) {
  issue(id: $id) {
    id shortId title culprit level platform state eventCount firstSeen lastSeen grouping
    project { id name }
    history { from to cause at }
    frequency(period: DAY) { start count }
    environments releases
    tags(top: 5) { key total distinct other topValues { value count } }
  }
}`;

async function loadIssue(id, signal) {
  try {
    return (await gql(ISSUE, { id }, { signal })).issue;
  } catch (error) {
    if (error.code === "BAD_USER_INPUT" || error.code === "NOT_FOUND") return null;
    throw error;
  }
}

export async function render({ root, params, signal }) {
  const { issueId, eventId } = params;
  replace(root, loading("Loading issue…"));
  const events = eventView(issueId, eventId ? decodeURIComponent(eventId) : null, signal);
  const head = h("div", { class: "issue-head-box" });
  const side = h("aside", { class: "issue-side", "aria-label": "Issue details" });

  // The head and sidebar redraw after a state change; the event pane stays as it is.
  const draw = async () => {
    let issue;
    try {
      issue = await loadIssue(issueId, signal);
    } catch (error) {
      if (error.name === "AbortError") return false;
      replace(root, h("h1", {}, "Issue"), h("p", { class: "error", role: "alert" }, `The issue could not be loaded: ${errorText(error)}`));
      return false;
    }
    if (signal.aborted) return false;
    if (!issue) {
      notFound(root, "Issue");
      document.title = "Issue not found · Faultline";
      return false;
    }
    document.title = `${issue.shortId} ${issue.title} · Faultline`;
    replace(head, issueHeader(issue, { onChanged: draw }));
    replace(
      side,
      frequencyPanel(issue.id, issue.frequency, signal),
      tagsPanel(issue.tags),
      namesPanel("Environments", issue.environments),
      namesPanel("Releases", issue.releases),
      historyPanel(issue),
      groupingPanel(issue.grouping),
    );
    return true;
  };
  if (await draw()) {
    replace(root, head, h("div", { class: "issue-layout" }, h("div", { class: "issue-main" }, events), side));
  }
}
