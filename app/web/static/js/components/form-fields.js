// Labelled form controls whose problems are shown next to them: the server's BAD_USER_INPUT
// names the argument at fault (extensions.field); that field shows the message, marked
// aria-invalid and described by it. Other errors go to the form's own slot.
import { h, replace } from "../dom.js";

let counter = 0;

/**
 * field("Name", input, {hint}) → {el, input, show(text), clear()}: a label, the control, and
 * a problem line under it (empty until shown, so an error is announced where it belongs).
 */
export function field(label, input, { hint, id, className = "" } = {}) {
  const inputId = id || input.id || `field-${++counter}`;
  input.id = inputId;
  const problem = h("p", { id: `${inputId}-problem`, class: "error field-problem", role: "alert" });
  const described = [problem.id];
  const hintEl = hint && h("p", { id: `${inputId}-hint`, class: "hint muted" }, hint);
  if (hintEl) described.unshift(hintEl.id);
  input.setAttribute("aria-describedby", described.join(" "));
  const el = h(
    "div",
    { class: `field ${className}`.trim() },
    h("label", { for: inputId }, label),
    input,
    hintEl,
    problem,
  );
  return { el, input, ...problemOf(input, problem) };
}

/** A group of checkboxes (or anything) under a legend, with its own problem line. */
export function fieldset(legend, content, { className = "" } = {}) {
  const problem = h("p", { id: `fieldset-${++counter}-problem`, class: "error field-problem", role: "alert" });
  const el = h(
    "fieldset",
    { class: `field-group ${className}`.trim(), "aria-describedby": problem.id },
    h("legend", {}, legend),
    content,
    problem,
  );
  return { el, ...problemOf(el, problem) };
}

function problemOf(control, problem) {
  return {
    show(text) {
      replace(problem, text);
      control.setAttribute("aria-invalid", "true");
    },
    clear() {
      replace(problem);
      control.removeAttribute("aria-invalid");
    },
  };
}

/**
 * formErrors({name: nameField, url: urlField}, slot) → {clear(), show(error)}: an ApiError
 * naming one of these arguments is shown next to it (and focuses it); any other in `slot`.
 */
export function formErrors(fields, slot) {
  const all = Object.values(fields);
  return {
    clear() {
      all.forEach((f) => f.clear());
      slot.clear();
    },
    show(error) {
      const first = error && error.errors && error.errors[0];
      const named = first && first.extensions && first.extensions.field;
      const target = error && error.code === "BAD_USER_INPUT" && named && fields[named];
      if (target) {
        target.show(error.message);
        const focusable = target.input || target.el.querySelector("input, select, textarea");
        if (focusable) focusable.focus();
      } else if (error && error.name !== "AbortError") {
        slot.show(error);
      }
    },
  };
}

/** The whole number typed in a number input: null when empty; a FieldProblem otherwise. */
export function wholeNumber(input) {
  const text = input.value.trim();
  if (input.validity.badInput) throw new FieldProblem("Enter a whole number.");
  if (text === "") return null;
  const value = Number(text);
  // Past the GraphQL Int range the server could not even say which argument it refused.
  if (!Number.isInteger(value) || Math.abs(value) > 2147483647) {
    throw new FieldProblem("Enter a whole number.");
  }
  return value;
}

/** A problem found before asking the server, shown on the field it concerns. */
export class FieldProblem extends Error {}
