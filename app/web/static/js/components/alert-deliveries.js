// The delivery log: the newest 20 notifications with their status, then "Load more" (the
// connection's cursor); a status filter starts again from the newest.
import { gql } from "../api.js";
import { h, replace, timeAgo } from "../dom.js";
import { errorSlot, section } from "./detail-util.js";

const PAGE = 20;
const DELIVERIES = `query($id: ID!, $first: Int!, $after: String, $status: DeliveryStatus) {
  project(id: $id) {
    deliveries(first: $first, after: $after, status: $status) {
      edges { node { id ruleId channelId issueId trigger status attempts lastError createdAt sentAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
const STATUSES = { "": "All", PENDING: "Pending", SENT: "Sent", FAILED: "Failed" };
const TRIGGERS = { new_issue: "New issue", regression: "Regression", spike: "Spike", test: "Test" };
const COLUMNS = ["Status", "Trigger", "Channel", "Issue", "Attempts", "Last error", "Created", "Sent"];
const INTRO =
  "Notifications, newest first: pending ones are retried with backoff until sent or given up.";

/** {el, refresh()}: the panel, and a way to read it again from the newest. */
export function deliveriesPanel(store) {
  const status = h(
    "select",
    { id: "delivery-status", name: "status" },
    Object.entries(STATUSES).map(([value, text]) => h("option", { value }, text)),
  );
  const refreshButton = h("button", { type: "button" }, "Refresh");
  const body = h("tbody", {});
  const table = h(
    "table",
    { class: "alert-table deliveries", "aria-label": "Deliveries" },
    h("thead", {}, h("tr", {}, COLUMNS.map((t) => h("th", { scope: "col" }, t)))),
    body,
  );
  const note = h("p", { class: "list-status", role: "status" }, "Loading deliveries…");
  const more = h("button", { type: "button", class: "load-more", hidden: true }, "Load more");
  const errors = errorSlot();
  let cursor = null;
  let generation = 0; // a newer read (filter, refresh) makes the answers of older ones moot

  const read = async (append) => {
    const mine = append ? generation : ++generation;
    errors.clear();
    more.disabled = true;
    if (!append) note.textContent = "Loading deliveries…";
    const variables = {
      id: store.projectId,
      first: PAGE,
      after: append ? cursor : null,
      status: status.value || null,
    };
    let connection;
    try {
      const { project } = await gql(DELIVERIES, variables, { signal: store.signal });
      if (!project) throw new Error("The project is gone.");
      connection = project.deliveries;
    } catch (error) {
      if (mine === generation) {
        errors.show(error);
        note.textContent = "";
      }
      return;
    } finally {
      if (mine === generation) more.disabled = false;
    }
    if (mine !== generation) return;
    const rows = connection.edges.map((edge) => deliveryRow(store, edge.node));
    if (append) body.append(...rows);
    else replace(body, rows);
    cursor = connection.pageInfo.endCursor;
    more.hidden = !connection.pageInfo.hasNextPage;
    table.hidden = body.childElementCount === 0;
    note.textContent = table.hidden ? emptyText(status.value) : "";
  };
  status.addEventListener("change", () => read(false));
  refreshButton.addEventListener("click", () => read(false));
  more.addEventListener("click", () => read(true));
  table.hidden = true;

  const el = section(
    "Deliveries",
    h("p", { class: "hint muted" }, INTRO),
    h(
      "div",
      { class: "form-row" },
      h("div", { class: "field" }, h("label", { for: status.id }, "Status"), status),
      refreshButton,
    ),
    errors.el,
    note,
    table,
    more,
  );
  return { el, refresh: () => read(false) };
}

function emptyText(status) {
  return status ? `No ${STATUSES[status].toLowerCase()} deliveries.` : "No deliveries yet.";
}

function deliveryRow(store, delivery) {
  const state = delivery.status.toLowerCase();
  const issue = delivery.issueId
    ? h("a", { href: `/issues/${delivery.issueId}` }, `Issue ${delivery.issueId}`)
    : h("span", { class: "muted" }, "—");
  const error = delivery.lastError
    ? h("span", { class: "last-error", title: delivery.lastError }, delivery.lastError)
    : h("span", { class: "muted" }, "—");
  return h(
    "tr",
    { "data-delivery-id": delivery.id },
    h("td", {}, h("span", { class: `badge status-${state}` }, state)),
    h("td", {}, TRIGGERS[delivery.trigger] || delivery.trigger),
    h("td", { class: "name" }, store.channelName(delivery.channelId)),
    h("td", { class: "nowrap" }, issue),
    h("td", { class: "num" }, String(delivery.attempts)),
    h("td", { class: "error-cell" }, error),
    h("td", { class: "nowrap" }, timeAgo(delivery.createdAt)),
    h("td", { class: "nowrap" }, timeAgo(delivery.sentAt)),
  );
}
