// An event's exception chain: each exception with its stack trace, most recent call first.
// In-app frames open with their source lines, library frames closed; local variables on demand.
import { h, replace } from "../dom.js";
import { kvTable, pairsOf } from "./detail-util.js";

let ids = 0;

function setOpen(button, body, open) {
  button.setAttribute("aria-expanded", String(open));
  body.hidden = !open;
}

/** [line number, text, is the failing line] of the frame's source, numbered when known. */
function numbered(frame) {
  const first = frame.lineno !== null ? frame.lineno - frame.preContext.length : null;
  const texts = [...frame.preContext];
  if (frame.contextLine !== null) texts.push(frame.contextLine);
  texts.push(...frame.postContext);
  const current = frame.contextLine !== null ? frame.preContext.length : -1;
  return texts.map((text, i) => [first === null ? "" : String(first + i), text, i === current]);
}

function sourceLines(frame) {
  const lines = numbered(frame);
  if (!lines.length) {
    return h("p", { class: "muted no-source" }, "No source lines were sent for this frame.");
  }
  const rows = lines.map(([number, text, current]) =>
    h(
      "div",
      { class: current ? "line current" : "line", role: "row", "aria-current": current ? "true" : null },
      h("span", { class: "lineno", role: "cell" }, number),
      h("code", { role: "cell" }, text),
    ),
  );
  return h("div", { class: "source", role: "table", "aria-label": "Source" }, rows);
}

function varsBlock(frame) {
  if (!frame.vars) return null;
  const id = `vars-${++ids}`;
  const box = h("div", { id, class: "vars", hidden: true });
  const button = h(
    "button",
    { type: "button", class: "link-button", "aria-expanded": "false", "aria-controls": id },
    "Show local variables",
  );
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    if (open && !box.firstChild) {
      replace(box, kvTable(pairsOf(frame.vars), { label: "Local variables" }));
    }
    setOpen(button, box, open);
    button.textContent = open ? "Hide local variables" : "Show local variables";
  });
  return [button, box];
}

function frameRow(frame, open) {
  const id = `frame-${++ids}`;
  const where = frame.filename || frame.absPath || frame.module || "<unknown>";
  const body = h(
    "div",
    { id, class: "frame-body", hidden: !open },
    sourceLines(frame),
    varsBlock(frame),
  );
  const muted = (text) => h("span", { class: "muted" }, text);
  const head = h(
    "button",
    { type: "button", class: "frame-head", "aria-expanded": String(open), "aria-controls": id },
    h("span", { class: "frame-file mono" }, where),
    frame.function ? [muted("in"), h("span", { class: "frame-function mono" }, frame.function)] : null,
    frame.lineno !== null ? [muted("at line"), h("span", { class: "mono" }, String(frame.lineno))] : null,
    frame.inApp
      ? h("span", { class: "badge in-app" }, "in app")
      : h("span", { class: "badge library" }, "library"),
  );
  head.addEventListener("click", () => {
    setOpen(head, body, head.getAttribute("aria-expanded") !== "true");
  });
  return h("li", { class: frame.inApp ? "frame in-app" : "frame library" }, head, body);
}

function exceptionBlock(exception) {
  const frames = exception.stacktrace ? [...exception.stacktrace.frames].reverse() : [];
  // Open: the in-app frames; when none is marked in-app, the frame that failed.
  const anyInApp = frames.some((f) => f.inApp);
  const opensAlone = (frame, i) => (anyInApp ? Boolean(frame.inApp) : i === 0);
  const rows = frames.map((frame, i) => frameRow(frame, opensAlone(frame, i)));
  let showAll = null;
  if (frames.length) {
    const props = { type: "button", class: "link-button", "aria-pressed": "false" };
    showAll = h("button", props, "Show all frames");
    showAll.addEventListener("click", () => {
      const all = showAll.getAttribute("aria-pressed") !== "true";
      showAll.setAttribute("aria-pressed", String(all));
      showAll.textContent = all ? "Collapse library frames" : "Show all frames";
      rows.forEach((row, i) => {
        const open = all || opensAlone(frames[i], i);
        setOpen(row.querySelector(".frame-head"), row.querySelector(".frame-body"), open);
      });
    });
  }
  return h(
    "div",
    { class: "exception" },
    h(
      "div",
      { class: "exception-head" },
      h("h3", { class: "exception-type mono" }, exception.type || "Error"),
      exception.module ? h("span", { class: "muted mono" }, exception.module) : null,
      showAll,
    ),
    exception.value ? h("p", { class: "exception-value mono" }, exception.value) : null,
    frames.length
      ? h("ol", { class: "frames", "aria-label": "Stack trace, most recent call first" }, rows)
      : h("p", { class: "muted" }, "No stack trace."),
  );
}

const CHAINED = "Raised while handling (or caused by) this exception:";

/** The chain with the exception that was raised last on top (SDKs send the cause first). */
export function exceptionChain(exceptions) {
  return [...exceptions]
    .reverse()
    .map((exception, i) => [
      i > 0 ? h("p", { class: "chain-note muted" }, CHAINED) : null,
      exceptionBlock(exception),
    ]);
}
