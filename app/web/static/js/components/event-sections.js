// The parts of an event besides its exceptions: breadcrumbs, request, user, contexts, tags, raw.
import { h } from "../dom.js";
import {
  copyButton,
  exactTime,
  jsonText,
  kvTable,
  pairsOf,
  section,
  valueCell,
} from "./detail-util.js";

function clock(iso) {
  if (!iso) return "";
  const time = new Date(iso);
  const pad = (n, size = 2) => String(n).padStart(size, "0");
  const seconds = `${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${seconds}`;
}

const COLUMNS = ["Time", "Category", "Level", "Message", "Data"];

function crumbTime(iso) {
  return iso ? h("time", { datetime: iso, title: exactTime(iso) }, clock(iso)) : "";
}

export function breadcrumbsPanel(crumbs) {
  if (!crumbs.length) return null;
  return section(
    "Breadcrumbs",
    h(
      "table",
      { class: "breadcrumbs", "aria-label": "Breadcrumbs" },
      h("thead", {}, h("tr", {}, COLUMNS.map((t) => h("th", { scope: "col" }, t)))),
      h(
        "tbody",
        {},
        crumbs.map((c) =>
          h(
            "tr",
            { class: `crumb level-${c.level || "info"}` },
            h("td", { class: "mono nowrap" }, crumbTime(c.timestamp)),
            h("td", { class: "mono" }, c.category || c.type || ""),
            h("td", {}, c.level || ""),
            h("td", { class: "crumb-message" }, c.message || ""),
            h("td", {}, c.data ? h("code", { class: "crumb-data" }, jsonText(c.data, 0)) : ""),
          ),
        ),
      ),
    ),
  );
}

export function requestPanel(request) {
  if (!request) return null;
  const method = typeof request.method === "string" ? request.method : "";
  const url = typeof request.url === "string" ? request.url : "";
  const query = request.query_string;
  const line = h("p", { class: "request-line mono" }, h("strong", {}, method), method ? " " : "", url);
  const parts = [line];
  const headers = pairsOf(request.headers);
  if (headers.length) parts.push(h("h3", {}, "Headers"), kvTable(headers, { label: "Headers" }));
  if (typeof query === "string" && query) {
    parts.push(h("h3", {}, "Query"), kvTable([...new URLSearchParams(query)], { label: "Query" }));
  } else if (pairsOf(query).length) {
    parts.push(h("h3", {}, "Query"), kvTable(pairsOf(query), { label: "Query" }));
  }
  if (request.data !== undefined && request.data !== null && request.data !== "") {
    parts.push(h("h3", {}, "Body"), valueCell(request.data));
  }
  const cookies = pairsOf(request.cookies);
  if (cookies.length) parts.push(h("h3", {}, "Cookies"), kvTable(cookies, { label: "Cookies" }));
  const env = pairsOf(request.env);
  if (env.length) parts.push(h("h3", {}, "Environment"), kvTable(env, { label: "Environment" }));
  return section("Request", parts);
}

export function userPanel(user) {
  if (!user) return null;
  const pairs = [
    ["ID", user.id],
    ["Email", user.email],
    ["Username", user.username],
    ["IP address", user.ipAddress],
  ].filter(([, v]) => v !== null);
  if (!pairs.length) return null;
  return section("User", kvTable(pairs, { label: "User" }));
}

/** One card per context (runtime, os, browser, device, …), its fields as key/value rows. */
export function contextsPanel(contexts) {
  const entries = pairsOf(contexts);
  if (!entries.length) return null;
  return section(
    "Contexts",
    h(
      "div",
      { class: "cards" },
      entries.map(([name, value]) =>
        h(
          "div",
          { class: "card", "data-context": name },
          h("h3", {}, name),
          value && typeof value === "object" && !Array.isArray(value)
            ? kvTable(Object.entries(value).filter(([k]) => k !== "type"), { label: name })
            : valueCell(value),
        ),
      ),
    ),
  );
}

export function tagsList(tags) {
  if (!tags.length) return null;
  return section(
    "Tags",
    h(
      "ul",
      { class: "chips" },
      tags.map((t) =>
        h(
          "li",
          { class: "chip" },
          h("span", { class: "chip-key" }, t.key),
          h("span", { class: "chip-value" }, t.value),
        ),
      ),
    ),
  );
}

/** The stored event as pretty JSON, built when first opened. */
export function rawPanel(raw) {
  const pre = h("pre", { class: "json raw" });
  const copy = copyButton(() => jsonText(raw), "Copy JSON");
  const details = h("details", { class: "raw-box" }, h("summary", {}, "Raw JSON"), copy, pre);
  details.addEventListener("toggle", () => {
    if (details.open && !pre.firstChild) pre.textContent = jsonText(raw);
  });
  return section("Raw event", details);
}

/** "sentry.python 2.75.0", or null when the SDK did not say. */
export function sdkLine(event) {
  const sdk = event.sdk || {};
  if (typeof sdk.name !== "string") return null;
  return typeof sdk.version === "string" ? `${sdk.name} ${sdk.version}` : sdk.name;
}
