// A read-only value with a Copy button: the clipboard API, else the value selected for Ctrl+C.
import { h } from "../dom.js";

/** copyField("https://…", {label: "DSN"}) → a labelled read-only input and its Copy button. */
export function copyField(value, { label = "DSN", id } = {}) {
  const inputId = id || "copy-" + Math.random().toString(36).slice(2, 10);
  const input = h("input", { id: inputId, class: "mono copy-value", readonly: true, value, spellcheck: "false" });
  input.addEventListener("focus", () => input.select());
  const done = h("span", { class: "copied muted", role: "status" });
  const button = h("button", { type: "button", "aria-label": `Copy ${label}` }, "Copy");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(value);
      done.textContent = "Copied";
    } catch {
      input.focus();
      input.select();
      done.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => (done.textContent = ""), 2500);
  });
  return h("div", { class: "copy-field" }, h("label", { for: inputId }, label), input, button, done);
}
