// An event's exception chain: each exception with its stack trace, most recent call first.
// In-app frames open with their source lines, library frames closed; local variables on demand.
import { h, replace } from "../dom.js";
import { kvTable, pairsOf } from "./detail-util.js";

let frameIds = 0;

function toggle(button, body, open) {
  button.setAttribute("aria-expanded", String(open));
  body.hidden = !open;
}

function sourceLines(frame) {
  const lines = [];
  const start = frame.lineno !== null ? frame.lineno - frame.preContext.length : null;
  const number = (i) => (start === null ? "" : String(start + i));
  frame.preContext.forEach((text, i) => lines.push([number(i), text, false]));
  if (frame.contextLine !== null) lines.push([number(frame.preContext.length), frame.contextLine, true]);
  const after = frame.preContext.length + 1;
  frame.postContext.forEach((text, i) => lines.push([number(after + i), text, false]));
  if (!lines.length) return h("p", { class: "muted no-source" }, "No source lines were sent for this frame.");
  return h(
    "div",
    { class: "source", role: "table", "aria-label": "Source" },
    lines.map(([n, text, current]) =>
      h(
        "div",
        { class: current ? "line current" : "line", role: "row", "aria-current": current ? "true" : null },
        h("span", { class: "lineno", role: "cell" }, n),
        h("code", { role: "cell" }, text),
      ),
    ),
  );
}

function varsBlock(frame) {
  if (!frame.vars) return null;
  const id = `vars-${++frameIds}`;
  const table = h("div", { id, class: "vars", hidden: true });
  const button = h("button", {
    type: "button",
    class: "link-button",
    "aria-expanded": "false",
    "aria-controls": id,
    onclick: () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      if (open && !table.firstChild) replace(table, kvTable(pairsOf(frame.vars), { label: "Local variables" }));
      toggle(button, table, open);
      button.textContent = open ? "Hide local variables" : "Show local variables";
    },
  }, "Show local variables");
  return [button, table];
}

function frameRow(frame, open) {
  const id = `frame-${++frameIds}`;
  const where = frame.filename || frame.absPath || frame.module || "<unknown>";
  const body = h("div", { id, class: "frame-body", hidden: !open }, sourceLines(frame), varsBlock(frame));
  const head = h(
    "button",
    { type: "button", class: "frame-head", "aria-expanded": String(open), "aria-controls": id },
    h("span", { class: "frame-file mono" }, where),
    frame.function ? [h("span", { class: "muted" }, "in"), h("span", { class: "frame-function mono" }, frame.function)] : null,
    frame.lineno !== null ? [h("span", { class: "muted" }, "at line"), h("span", { class: "mono" }, String(frame.lineno))] : null,
    h("span", { class: frame.inApp ? "badge in-app" : "badge library" }, frame.inApp ? "in app" : "library"),
  );
  head.addEventListener("click", () => toggle(head, body, head.getAttribute("aria-expanded") !== "true"));
  return h("li", { class: frame.inApp ? "frame in-app" : "frame library" }, head, body);
}

function exceptionBlock(exception) {
  const frames = exception.stacktrace ? [...exception.stacktrace.frames].reverse() : [];
  const anyInApp = frames.some((f) => f.inApp);
  const rows = frames.map((frame, i) => frameRow(frame, anyInApp ? Boolean(frame.inApp) : i === 0));
  const showAll = frames.length
    ? h("button", {
        type: "button",
        class: "link-button",
        "aria-pressed": "false",
        onclick: () => {
          const all = showAll.getAttribute("aria-pressed") !== "true";
          showAll.setAttribute("aria-pressed", String(all));
          showAll.textContent = all ? "Collapse library frames" : "Show all frames";
          rows.forEach((row, i) => {
            const frame = frames[i];
            const open = all || (anyInApp ? Boolean(frame.inApp) : i === 0);
            toggle(row.querySelector(".frame-head"), row.querySelector(".frame-body"), open);
          });
        },
      }, "Show all frames")
    : null;
  return h(
    "div",
    { class: "exception" },
    h(
      "div",
      { class: "exception-head" },
      h("h3", { class: "exception-type mono" }, exception.type || "Error"),
      exception.module ? h("span", { class: "muted mono" }, ` ${exception.module}`) : null,
      showAll,
    ),
    exception.value ? h("p", { class: "exception-value mono" }, exception.value) : null,
    frames.length
      ? h("ol", { class: "frames", "aria-label": "Stack trace, most recent call first" }, rows)
      : h("p", { class: "muted" }, "No stack trace."),
  );
}

/** The chain with the exception that was raised last on top (SDKs send the cause first). */
export function exceptionChain(exceptions) {
  const chain = [...exceptions].reverse();
  return chain.map((exception, i) => [
    i > 0 ? h("p", { class: "chain-note muted" }, "Raised while handling (or caused by) this exception:") : null,
    exceptionBlock(exception),
  ]);
}
