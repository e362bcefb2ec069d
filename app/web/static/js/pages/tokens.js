// API tokens: listed masked; a new one shown in full once; revoking one asks first.
import { gql } from "../api.js";
import { h, replace, timeAgo } from "../dom.js";
import { copyField } from "../components/copy-field.js";
import { errorSlot, failed, loading, runFor } from "../components/detail-util.js";

const LIST = `{ tokens { id token description createdAt lastUsedAt } }`;
const CREATE = `mutation($description: String) {
  createToken(description: $description) { id token description createdAt }
}`;
const REVOKE = `mutation($id: ID!) { deleteToken(id: $id) }`;

const INTRO =
  "Tokens authenticate scripts and tools against the REST and GraphQL APIs. They are stored " +
  "hashed: only their first characters can be shown again.";
const ONCE = "Copy this token now: it is shown this once and cannot be shown again.";

function newTokenBox(created) {
  return h(
    "div",
    { class: "new-token", role: "status", "aria-label": "Token created" },
    h("p", { class: "warning" }, ONCE),
    copyField(created.token, { label: "New token", id: "new-token" }),
    h(
      "p",
      { class: "hint muted" },
      "Send it as ",
      h("code", {}, "Authorization: Bearer <token>"),
      " to the REST and GraphQL APIs.",
    ),
  );
}

export async function render({ root, signal }) {
  root.classList.add("detail"); // detail.css applies within
  document.title = "API tokens · Faultline";
  const list = h("div", { class: "token-list" }, loading("Loading tokens…"));
  const fresh = h("div", {});
  const errors = errorSlot();
  const description = h("input", {
    id: "token-description",
    name: "description",
    maxlength: "255",
    autocomplete: "off",
    placeholder: "e.g. CI, release script",
  });
  const create = h("button", { type: "submit", class: "primary" }, "Create token");

  const refresh = async () => {
    let tokens;
    try {
      tokens = (await gql(LIST, {}, { signal })).tokens;
    } catch (error) {
      if (error.name !== "AbortError") replace(list, failed("The tokens", error));
      return;
    }
    const empty = h("p", { class: "muted" }, "No API tokens yet.");
    replace(list, tokens.length ? tokenTable(tokens, refresh) : empty);
  };

  const submit = async (event) => {
    event.preventDefault();
    replace(fresh);
    const text = description.value.trim() || null;
    const data = await runFor(create, errors, () => gql(CREATE, { description: text }));
    if (!data) return;
    description.value = "";
    replace(fresh, newTokenBox(data.createToken));
    await refresh();
  };

  replace(
    root,
    h(
      "div",
      { class: "tokens" },
      h("h1", {}, "API tokens"),
      h("p", { class: "muted" }, INTRO),
      h(
        "form",
        { class: "form-row", "aria-label": "Create a token", onsubmit: submit },
        h(
          "div",
          { class: "field" },
          h("label", { for: "token-description" }, "Description"),
          description,
        ),
        create,
      ),
      errors.el,
      fresh,
      list,
    ),
  );
  await refresh();
}

const COLUMNS = ["Token", "Description", "Created", "Last used", ""];

function tokenTable(tokens, refresh) {
  return h(
    "table",
    { class: "token-table", "aria-label": "API tokens" },
    h("thead", {}, h("tr", {}, COLUMNS.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, tokens.map((token) => tokenRow(token, refresh))),
  );
}

function tokenRow(token, refresh) {
  const errors = errorSlot();
  const label = token.description || token.token;
  const revoke = h(
    "button",
    { type: "button", class: "danger", "aria-label": `Revoke ${label}` },
    "Revoke",
  );
  revoke.addEventListener("click", async () => {
    if (!confirm(`Revoke the token "${label}"? Programs using it will be refused.`)) return;
    const done = await runFor(revoke, errors, () => gql(REVOKE, { id: token.id }));
    if (done) await refresh();
  });
  const muted = (text) => h("span", { class: "muted" }, text);
  return h(
    "tr",
    { "data-token-id": token.id },
    h("td", { class: "mono" }, token.token),
    h("td", {}, token.description || muted("—")),
    h("td", {}, timeAgo(token.createdAt)),
    h("td", {}, token.lastUsedAt ? timeAgo(token.lastUsedAt) : muted("never")),
    h("td", {}, revoke, errors.el),
  );
}
