// How to send events to a project: its DSN and the setup code of three Sentry SDKs, and the
// Rollbar endpoint with the project's access token for Rollbar SDKs.
import { h, replace } from "../dom.js";
import { copyField } from "./copy-field.js";
import { tabs } from "./tabs.js";

// JSON.stringify quotes the DSN as a string literal valid in Python and JavaScript alike.
const SNIPPETS = [
  [
    "Python",
    "pip install sentry-sdk",
    (dsn) => `import sentry_sdk\n\nsentry_sdk.init(dsn=${JSON.stringify(dsn)})\n\n# Try it: an uncaught exception is sent.\n1 / 0`,
  ],
  [
    "Node",
    "npm install @sentry/node",
    (dsn) => `const Sentry = require("@sentry/node");\n\nSentry.init({ dsn: ${JSON.stringify(dsn)} });\n\n// Try it:\nSentry.captureException(new Error("Hello from Node"));`,
  ],
  [
    "Browser JavaScript",
    "npm install @sentry/browser",
    (dsn) => `import * as Sentry from "@sentry/browser";\n\nSentry.init({ dsn: ${JSON.stringify(dsn)} });\n\n// Try it:\nSentry.captureException(new Error("Hello from the browser"));`,
  ],
];

// Rollbar SDKs: the endpoint is the server's /api/1/, the token a post_server_item one.
const ROLLBAR = [
  [
    "Python",
    "pip install rollbar",
    (endpoint, token) => `import rollbar\n\nrollbar.init(${JSON.stringify(token)}, environment="production", endpoint=${JSON.stringify(endpoint)})\n\n# Try it:\ntry:\n    1 / 0\nexcept ZeroDivisionError:\n    rollbar.report_exc_info()`,
  ],
  [
    "Node",
    "npm install rollbar",
    (endpoint, token) => `const Rollbar = require("rollbar");\n\nconst rollbar = new Rollbar({\n  accessToken: ${JSON.stringify(token)},\n  endpoint: ${JSON.stringify(endpoint)},\n});\n\n// Try it:\nrollbar.error(new Error("Hello from Node"));`,
  ],
];

/** The Rollbar endpoint of the server a DSN names: `<scheme>://<host>/api/1/`. */
export function rollbarEndpoint(dsn) {
  const url = new URL(dsn);
  return `${url.protocol}//${url.host}/api/1/`;
}

/** The Rollbar tab: filled by `fill()` (the token is read only when someone looks). */
function rollbarPanel(dsn, loadToken) {
  const panel = h("div", { class: "rollbar-setup" }, h("p", { class: "muted" }, "Loading the project's access token…"));
  let started = false;
  async function fill() {
    if (started) return;
    started = true;
    let token;
    try {
      token = await loadToken();
    } catch (error) {
      started = false;
      replace(panel, h("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    const endpoint = rollbarEndpoint(dsn);
    if (!token) {
      replace(panel, h("p", { class: "error" }, "This project has no post_server_item access token: create one with POST /api/projects/<id>/access_tokens."));
      return;
    }
    const items = ROLLBAR.map(([label, install, code]) => ({ label, content: snippet(install, code(endpoint, token)) }));
    replace(
      panel,
      h("p", { class: "muted" }, "Rollbar SDKs send here with the project's post_server_item access token."),
      copyField(endpoint, { label: "Endpoint" }),
      copyField(token, { label: "Access token" }),
      tabs(items, { label: "Rollbar SDK" }),
    );
  }
  return { panel, fill };
}

function snippet(install, code) {
  return [h("pre", { class: "code" }, h("code", {}, install)), h("pre", { class: "code" }, h("code", {}, code))];
}

/**
 * The DSN with its Copy button, and the SDK set-up in tabs (Python, Node, browser). With
 * `rollbarToken` (an async function giving the project's post_server_item token) a Rollbar tab
 * too, filled when the returned element's `showRollbar()` is first called.
 */
export function setupSnippets(dsn, { only, rollbarToken } = {}) {
  const chosen = SNIPPETS.filter(([name]) => !only || only.includes(name));
  const items = chosen.map(([label, install, code]) => ({ label, content: snippet(install, code(dsn)) }));
  const rollbar = rollbarToken && rollbarPanel(dsn, rollbarToken);
  if (rollbar) items.push({ label: "Rollbar", content: rollbar.panel });
  const setup = h(
    "div",
    { class: "setup" },
    copyField(dsn, { label: "DSN" }),
    items.length === 1 ? items[0].content : tabs(items, { label: "SDK" }),
  );
  setup.showRollbar = rollbar ? rollbar.fill : () => {};
  return setup;
}
