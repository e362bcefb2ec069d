// One event of an issue (the latest, or the one in the URL) with Older / Newer navigation.
import { gql } from "../api.js";
import { h, replace, timeAgo } from "../dom.js";
import { failed, loading, section } from "./detail-util.js";
import {
  breadcrumbsPanel,
  contextsPanel,
  rawPanel,
  requestPanel,
  sdkLine,
  tagsList,
  userPanel,
} from "./event-sections.js";
import { exceptionChain } from "./event-stack.js";

const FIELDS = `
  id timestamp receivedAt environment release level platform message raw
  user { id email username ipAddress } tags { key value }
  exceptions { type value module stacktrace { frames {
    filename absPath function module lineno colno contextLine preContext postContext inApp vars
  } } }
  breadcrumbs { timestamp category message level type data }
  contexts request sdk issue { id } previousEvent { id } nextEvent { id }`;
const LATEST = `query($id: ID!) { issue(id: $id) { id latestEvent { ${FIELDS} } } }`;
const ONE = `query($id: ID!) { event(id: $id) { ${FIELDS} } }`;

async function fetchEvent(issueId, eventId, signal) {
  if (!eventId) {
    const data = await gql(LATEST, { id: issueId }, { signal });
    return data.issue ? data.issue.latestEvent : null;
  }
  try {
    const data = await gql(ONE, { id: eventId }, { signal });
    // An event of another issue is not found here.
    return data.event && data.event.issue.id === issueId ? data.event : null;
  } catch (error) {
    if (error.code === "NOT_FOUND" || error.code === "BAD_USER_INPUT") return null;
    throw error;
  }
}

function navButton(label, target, go) {
  return h("button", { type: "button", disabled: !target, onclick: () => go(target.id) }, label);
}

function meta(event) {
  const facts = [
    ["Event", h("span", { class: "mono event-id" }, event.id)],
    ["Time", timeAgo(event.timestamp)],
    ["Level", event.level],
    ["Environment", event.environment || "—"],
    ["Release", event.release ? h("span", { class: "mono" }, event.release) : "—"],
    ["SDK", sdkLine(event) || "—"],
  ];
  const stats = facts.map(([k, v]) => h("div", { class: "stat" }, h("dt", {}, k), h("dd", {}, v)));
  return h("dl", { class: "stats event-meta" }, stats);
}

function body(event) {
  const exceptions = event.exceptions.length > 0;
  return [
    event.message && !exceptions
      ? section("Message", h("pre", { class: "message" }, event.message))
      : null,
    exceptions ? section("Exception", exceptionChain(event.exceptions)) : null,
    breadcrumbsPanel(event.breadcrumbs),
    requestPanel(event.request),
    userPanel(event.user),
    contextsPanel(event.contexts),
    tagsList(event.tags),
    rawPanel(event.raw),
  ];
}

function missing(issueId, eventId) {
  if (!eventId) return h("p", { class: "muted" }, "This issue has no stored events.");
  const latest = h("a", { href: `/issues/${issueId}` }, "Show the latest event");
  return h("p", { class: "muted" }, "Event not found in this issue. ", latest);
}

/**
 * The event pane. `eventId` null means the latest event. Navigation pushes
 * /issues/:id/events/:eventId and redraws only this pane (back re-renders the page).
 */
export function eventView(issueId, eventId, signal) {
  const pane = h("div", { class: "event-view" });
  const show = async (id, push) => {
    replace(pane, loading("Loading event…"));
    let event;
    try {
      event = await fetchEvent(issueId, id, signal);
    } catch (error) {
      if (error.name === "AbortError") return;
      replace(pane, failed("The event", error));
      return;
    }
    if (signal.aborted) return;
    if (!event) {
      replace(pane, missing(issueId, id));
      return;
    }
    if (push) history.pushState(null, "", `/issues/${issueId}/events/${event.id}`);
    const go = (target) => show(target, true);
    replace(
      pane,
      h(
        "div",
        { class: "event-nav", role: "group", "aria-label": "Events" },
        h("h2", {}, id ? "Event" : "Latest event"),
        navButton("Older", event.previousEvent, go),
        navButton("Newer", event.nextEvent, go),
        id ? h("a", { href: `/issues/${issueId}`, class: "latest-link" }, "Latest") : null,
      ),
      meta(event),
      body(event),
    );
  };
  show(eventId, false);
  return pane;
}
