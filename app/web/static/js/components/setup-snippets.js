// How to send events to a project: its DSN and the setup code of three Sentry SDKs.
import { h } from "../dom.js";
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

function snippet(install, code) {
  return [h("pre", { class: "code" }, h("code", {}, install)), h("pre", { class: "code" }, h("code", {}, code))];
}

/** The DSN with its Copy button, and the SDK set-up in tabs (Python, Node, browser). */
export function setupSnippets(dsn, { only } = {}) {
  const chosen = SNIPPETS.filter(([name]) => !only || only.includes(name));
  const items = chosen.map(([label, install, code]) => ({ label, content: snippet(install, code(dsn)) }));
  return h(
    "div",
    { class: "setup" },
    copyField(dsn, { label: "DSN" }),
    items.length === 1 ? items[0].content : tabs(items, { label: "SDK" }),
  );
}
