// Accessible tabs (WAI-ARIA tablist): click or arrow keys switch the panel.
import { h } from "../dom.js";

let counter = 0;

/** tabs([{label, content: Node}], {label}) → a tablist with its panels; the first is shown. */
export function tabs(items, { label = "Tabs" } = {}) {
  const prefix = `tabs-${++counter}`;
  const buttons = [];
  const panels = [];
  const select = (index, focus = false) => {
    buttons.forEach((button, i) => {
      const on = i === index;
      button.setAttribute("aria-selected", String(on));
      button.tabIndex = on ? 0 : -1;
      panels[i].hidden = !on;
    });
    if (focus) buttons[index].focus();
  };
  items.forEach((item, i) => {
    const button = h(
      "button",
      { type: "button", role: "tab", id: `${prefix}-tab-${i}`, "aria-controls": `${prefix}-panel-${i}` },
      item.label,
    );
    button.addEventListener("click", () => select(i));
    button.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      select((i + step + items.length) % items.length, true);
    });
    buttons.push(button);
    panels.push(h("div", { role: "tabpanel", id: `${prefix}-panel-${i}`, "aria-labelledby": button.id, class: "tab-panel" }, item.content));
  });
  select(0);
  return h("div", { class: "tabs" }, h("div", { role: "tablist", "aria-label": label }, buttons), panels);
}
