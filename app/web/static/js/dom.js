// DOM helpers: build elements from data, never from HTML strings (no injection by design).

/**
 * h("a", {href: "/x", class: "link", onclick: fn}, "text", child, [more]) → Element.
 * Props starting with "on" become listeners; `class`, `for`, `aria-*`, `data-*` are
 * attributes; `style` takes an object (the CSP refuses style attributes); false/null/undefined props and children are skipped; arrays are flattened.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "style" && typeof value === "object") {
      Object.assign(el.style, value); // CSSOM: allowed by the CSP, unlike a style attribute
    } else if (key === "value" || key === "checked" || key === "disabled" || key === "hidden") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replace every child of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const UNITS = [
  ["year", 365 * 86400], ["month", 30 * 86400], ["day", 86400],
  ["hour", 3600], ["minute", 60], ["second", 1],
];
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** "3 minutes ago" for an ISO timestamp; the exact time goes in a title by the caller. */
export function relativeTime(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") {
      return relative.format(Math.round(seconds / size), unit);
    }
  }
  return "";
}

/** A <time> showing the relative time, the exact one on hover. */
export function timeAgo(iso) {
  if (!iso) return h("span", { class: "muted" }, "—");
  return h("time", { datetime: iso, title: new Date(iso).toLocaleString() }, relativeTime(iso));
}

const counts = new Intl.NumberFormat();
export function formatCount(n) {
  return counts.format(Number(n));
}
