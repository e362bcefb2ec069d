// The head of an issue page: where it belongs, what it is, its state and the actions on it.
import { gql } from "../api.js";
import { formatCount, h, timeAgo } from "../dom.js";
import { navigate } from "../router.js";
import { errorSlot, runFor } from "./detail-util.js";

// The transitions app/issues/states.py allows, as the buttons that make them.
const ACTIONS = {
  OPEN: [["RESOLVED", "Resolve"], ["MUTED", "Mute"]],
  RESOLVED: [["OPEN", "Reopen"], ["MUTED", "Mute"]],
  MUTED: [["OPEN", "Unmute"], ["RESOLVED", "Resolve"]],
};

const UPDATE = `mutation($id: ID!, $state: IssueState!) {
  updateIssue(id: $id, state: $state) { id state }
}`;
const DELETE = `mutation($id: ID!) { deleteIssue(id: $id) }`;

function stat(label, value) {
  return h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, value));
}

/** `onChanged()` is called after a state change succeeded (the page reloads the issue). */
export function issueHeader(issue, { onChanged }) {
  const errors = errorSlot();
  const state = issue.state.toLowerCase();
  const listPath = `/projects/${issue.project.id}/issues`;
  const buttons = ACTIONS[issue.state].map(([state, label]) => {
    const button = h("button", {
      type: "button",
      class: state === "RESOLVED" ? "primary" : "",
      onclick: async () => {
        const done = await runFor(button, errors, () => gql(UPDATE, { id: issue.id, state }));
        if (done) onChanged();
      },
    }, label);
    return button;
  });
  const remove = h("button", {
    type: "button",
    class: "danger",
    onclick: async () => {
      const question = `Delete issue ${issue.shortId} and all its events? This cannot be undone.`;
      if (!confirm(question)) return;
      const done = await runFor(remove, errors, () => gql(DELETE, { id: issue.id }));
      if (done) navigate(listPath);
    },
  }, "Delete");

  return h(
    "header",
    { class: "issue-head" },
    h(
      "nav",
      { class: "crumbs", "aria-label": "Breadcrumb" },
      h("a", { href: "/projects" }, "Projects"),
      " / ",
      h("a", { href: listPath }, issue.project.name),
      " / ",
      h("span", { class: "mono" }, issue.shortId),
    ),
    h(
      "div",
      { class: "issue-title-row" },
      h(
        "div",
        { class: "issue-title-box" },
        h(
          "h1",
          { class: "issue-title" },
          h("span", { class: `level level-${issue.level}` }, issue.level),
          " ",
          issue.title,
        ),
        issue.culprit ? h("p", { class: "culprit mono" }, issue.culprit) : null,
      ),
      h(
        "div",
        { class: "issue-actions", role: "group", "aria-label": "Issue actions" },
        h("span", { class: `state state-${state}` }, state),
        buttons,
        remove,
      ),
    ),
    errors.el,
    h(
      "dl",
      { class: "stats" },
      stat("Issue", h("span", { class: "mono" }, issue.shortId)),
      stat("Events", h("span", { class: "event-count" }, formatCount(issue.eventCount))),
      stat("First seen", timeAgo(issue.firstSeen)),
      stat("Last seen", timeAgo(issue.lastSeen)),
      stat("Platform", issue.platform),
    ),
  );
}
