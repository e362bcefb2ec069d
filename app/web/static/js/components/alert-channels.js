// Alert channels: listed (kind, name, where they send), added with a form whose refusals are
// shown at the field named, deleted after a confirmation; a webhook's secret is shown once;
// "Send test" sends a test notification now and says in the row how it ended.
import { gql } from "../api.js";
import { h, replace, timeAgo } from "../dom.js";
import { copyField } from "./copy-field.js";
import { errorSlot, failed, loading, runFor, section } from "./detail-util.js";
import { field, formErrors } from "./form-fields.js";

const CREATE = `mutation($projectId: ID!, $kind: ChannelKind!, $name: String!, $url: String,
  $to: [String!]) {
  createChannel(projectId: $projectId, kind: $kind, name: $name, url: $url, to: $to) {
    id kind name secret
  }
}`;
const DELETE = `mutation($projectId: ID!, $id: ID!) { deleteChannel(projectId: $projectId, id: $id) }`;
const TEST = `mutation($projectId: ID!, $id: ID!) {
  testChannel(projectId: $projectId, id: $id) { id status lastError }
}`;

export const KINDS = { WEBHOOK: "Webhook", SLACK: "Slack", EMAIL: "Email" };
const INTRO =
  "Where alerts go: a webhook (signed with X-Faultline-Signature), a Slack-compatible " +
  "incoming webhook, or email.";
const ONCE = "Copy this signing secret now: you won't see it again.";

export function channelsPanel(store) {
  // Focused after a deletion, so the keyboard stays in the list rather than the page's top.
  const list = h("div", { class: "alert-list", tabindex: "-1" }, loading("Loading channels…"));
  const secretBox = h("div", { class: "secret-slot" });
  store.subscribe((error) => {
    if (error) replace(list, failed("The channels", error));
    else if (!store.channels.length) replace(list, h("p", { class: "muted" }, "No channels yet."));
    else replace(list, channelTable(store));
  });
  store.focusChannels = () => list.focus();
  return section(
    "Alert channels",
    h("p", { class: "hint muted" }, INTRO),
    list,
    secretBox,
    channelForm(store, secretBox),
  );
}

function destination(channel) {
  const text = channel.kind === "EMAIL" ? (channel.to || []).join(", ") : channel.url || "";
  return h("td", { class: "mono destination", title: text }, text);
}

function channelTable(store) {
  const head = ["Kind", "Name", "Sends to", "Created", ""];
  return h(
    "table",
    { class: "alert-table", "aria-label": "Alert channels" },
    h("thead", {}, h("tr", {}, head.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, store.channels.map((channel) => channelRow(store, channel))),
  );
}

function channelRow(store, channel) {
  const errors = errorSlot();
  const remove = h(
    "button",
    { type: "button", class: "danger", "aria-label": `Delete channel ${channel.name}` },
    "Delete",
  );
  remove.addEventListener("click", async () => {
    if (!confirm(`Delete the channel "${channel.name}"? Its delivery log goes with it.`)) return;
    const variables = { projectId: store.projectId, id: channel.id };
    const done = await runFor(remove, errors, () => gql(DELETE, variables));
    if (!done) {
      remove.focus(); // it was disabled while asking; the reason is announced (role=alert)
      return;
    }
    await store.reload();
    store.focusChannels();
    if (store.onChannelDeleted) store.onChannelDeleted();
  });
  return h(
    "tr",
    { "data-channel-id": channel.id },
    h("td", {}, h("span", { class: "badge kind" }, KINDS[channel.kind] || channel.kind)),
    h("td", { class: "name" }, channel.name),
    destination(channel),
    h("td", { class: "nowrap" }, timeAgo(channel.createdAt)),
    h("td", { class: "actions" }, testButton(store, channel, errors), remove, errors.el),
  );
}

/**
 * "Send test": disabled and "Sending…" while the server sends (it answers once the test has
 * ended), then "Sent" or "Failed: <why>" in a polite live region of the row; the deliveries
 * list is read again so the test shows at its top. Focus stays on the button.
 */
function testButton(store, channel, errors) {
  const name = (text) => `${text} to channel ${channel.name}`;
  const button = h("button", { type: "button", "aria-label": name("Send test") }, "Send test");
  // In the page from the start: a live region is only announced when it changes.
  const outcome = h("p", { class: "test-outcome", role: "status", "aria-live": "polite" });
  const show = (text, state) => {
    outcome.className = state ? `test-outcome ${state}` : "test-outcome";
    outcome.textContent = text; // the receiver's answer is text, never markup
  };
  const label = (text) => {
    button.textContent = text;
    button.setAttribute("aria-label", name(text));
  };
  button.addEventListener("click", async () => {
    show("", null);
    label("Sending…");
    const variables = { projectId: store.projectId, id: channel.id };
    const data = await runFor(button, errors, () => gql(TEST, variables));
    label("Send test");
    button.focus(); // it was disabled while sending, which may have taken the focus away
    if (!data) return; // the reason is in the row's error slot (role=alert)
    const delivery = data.testChannel;
    if (delivery.status === "SENT") show("Sent", "ok");
    else show(`Failed: ${delivery.lastError || delivery.status.toLowerCase()}`, "failed");
    if (store.onChannelTested) store.onChannelTested();
  });
  return [button, outcome];
}

function secretNotice(created, slot) {
  const done = h("button", { type: "button" }, "Done");
  const box = h(
    "div",
    { class: "new-token", role: "status", "aria-label": "Webhook secret" },
    h("p", { class: "warning" }, ONCE),
    copyField(created.secret, { label: "Signing secret", id: `channel-${created.id}-secret` }),
    h(
      "p",
      { class: "hint muted" },
      `Configure "${created.name}" to check X-Faultline-Signature (HMAC-SHA256 of the body) `,
      "with this secret.",
    ),
    done,
  );
  done.addEventListener("click", () => replace(slot));
  return box;
}

/** "a@x.org, b@y.org" or one per line → the list the server checks address by address. */
function addresses(text) {
  return text.split(/[\s,;]+/).filter(Boolean);
}

function channelForm(store, secretSlot) {
  const kind = h(
    "select",
    { name: "kind" },
    Object.entries(KINDS).map(([value, text]) => h("option", { value }, text)),
  );
  const attrs = { autocomplete: "off", spellcheck: "false" };
  const fields = {
    kind: field("Kind", kind, { id: "channel-kind" }),
    name: field("Name", h("input", { name: "name", maxlength: "200", ...attrs }), {
      id: "channel-name",
    }),
    url: field("URL", h("input", { name: "url", inputmode: "url", ...attrs }), {
      id: "channel-url",
      className: "wide",
    }),
    to: field("Recipients", h("input", { name: "to", inputmode: "email", ...attrs }), {
      id: "channel-to",
      className: "wide",
      hint: "Email addresses, separated by commas.",
    }),
  };
  const general = errorSlot();
  const errors = formErrors(fields, general);
  const added = h("span", { class: "muted", role: "status" });
  const submitButton = h("button", { type: "submit", class: "primary" }, "Add channel");
  const showKind = () => {
    const email = kind.value === "EMAIL";
    fields.url.el.hidden = email;
    fields.to.el.hidden = !email;
    fields.url.input.placeholder =
      kind.value === "SLACK" ? "https://hooks.slack.com/services/…" : "https://…";
  };
  kind.addEventListener("change", () => {
    errors.clear();
    showKind();
  });
  showKind();

  const submit = async (event) => {
    event.preventDefault();
    errors.clear();
    added.textContent = "";
    const email = kind.value === "EMAIL";
    const variables = {
      projectId: store.projectId,
      kind: kind.value,
      name: fields.name.input.value,
      url: email ? null : fields.url.input.value.trim(),
      to: email ? addresses(fields.to.input.value) : null,
    };
    replace(secretSlot);
    const slot = { clear() {}, show: (error) => errors.show(error) };
    const data = await runFor(submitButton, slot, () => gql(CREATE, variables));
    if (!data) return;
    const created = data.createChannel;
    [fields.name, fields.url, fields.to].forEach((f) => (f.input.value = ""));
    added.textContent = `Added ${KINDS[created.kind]} channel "${created.name}".`;
    if (created.secret) {
      replace(secretSlot, secretNotice(created, secretSlot));
      secretSlot.querySelector("input").focus();
    }
    await store.reload();
  };
  return h(
    "form",
    { class: "alert-form", "aria-label": "Add a channel", novalidate: true, onsubmit: submit },
    h("h3", {}, "Add a channel"),
    h("div", { class: "form-row" }, fields.kind.el, fields.name.el, fields.url.el, fields.to.el),
    h("div", { class: "form-row" }, submitButton, added),
    general.el,
  );
}
