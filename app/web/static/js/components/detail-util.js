// Small building blocks of the detail pages (issue, event, tokens, settings): sections,
// key/value tables of JSON values, request states, and buttons that run one mutation.
// Everything is built with h()/textContent: event data is attacker-controlled text.
import { h, replace } from "../dom.js";

/** A titled block of the page. */
export function section(title, ...children) {
  return h("section", { class: "panel", "aria-label": title }, h("h2", {}, title), children);
}

/** JSON text of any value: strings as they are, the rest pretty-printed. */
export function jsonText(value, indent = 2) {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value, null, indent);
}

/** A value cell: text for scalars, a <pre> for objects and lists. */
export function valueCell(value) {
  if (value === null || value === undefined) return h("span", { class: "muted" }, "null");
  if (typeof value === "object") return h("pre", { class: "json" }, jsonText(value));
  return h("span", { class: "mono" }, String(value));
}

/** A two-column table of [key, value] pairs (values may be any JSON). */
export function kvTable(pairs, { label } = {}) {
  return h(
    "table",
    { class: "kv", "aria-label": label },
    h(
      "tbody",
      {},
      pairs.map(([key, value]) =>
        h("tr", {}, h("th", { scope: "row" }, String(key)), h("td", {}, valueCell(value))),
      ),
    ),
  );
}

/** The pairs of an object, or of a list of [key, value] pairs (request headers come as either). */
export function pairsOf(value) {
  if (Array.isArray(value)) {
    return value.filter((p) => Array.isArray(p) && p.length === 2).map(([k, v]) => [String(k), v]);
  }
  if (value && typeof value === "object") return Object.entries(value);
  return [];
}

export function loading(text = "Loading…") {
  return h("p", { class: "muted loading", role: "status" }, text);
}

/** The message of an error answer, for the place where the request was made. */
function errorText(error) {
  return error && error.message ? error.message : String(error);
}

/** "The issue could not be loaded: <why>", as an alert. */
export function failed(what, error) {
  const text = `${what} could not be loaded: ${errorText(error)}`;
  return h("p", { class: "error", role: "alert" }, text);
}

/** An element for errors of one control; `show(error)` / `clear()`. */
export function errorSlot() {
  const el = h("p", { class: "error", role: "alert", hidden: true });
  return {
    el,
    show(error) {
      replace(el, errorText(error));
      el.hidden = false;
    },
    clear() {
      replace(el);
      el.hidden = true;
    },
  };
}

/**
 * Run `action` for a button: disabled while it runs, its error shown in `slot`.
 * Resolves to the action's value, or undefined when it failed.
 */
export async function runFor(button, slot, action) {
  slot.clear();
  button.disabled = true;
  try {
    return await action();
  } catch (error) {
    if (error.name !== "AbortError") slot.show(error);
    return undefined;
  } finally {
    button.disabled = false;
  }
}

/** A button copying `text()` to the clipboard, saying so for a moment. */
export function copyButton(text, label = "Copy") {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text());
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select and copy";
    }
    setTimeout(() => (button.textContent = label), 1500);
  };
  const button = h("button", { type: "button", onclick: copy }, label);
  return button;
}

/** A page-level "not found" with a way out. */
export function notFound(root, what, link = "/projects", linkText = "Go to projects") {
  replace(root, h("h1", {}, `${what} not found`), h("p", {}, h("a", { href: link }, linkText)));
}

/** An exact time, for titles and tables. */
export function exactTime(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}
