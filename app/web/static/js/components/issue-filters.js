// The issue list's controls: state tabs with counts, the search box, sort and filters.
import { formatCount, h, replace } from "../dom.js";

export const TABS = [
  ["open", "Open", "OPEN"],
  ["resolved", "Resolved", "RESOLVED"],
  ["muted", "Muted", "MUTED"],
  ["all", "All", null],
];
export const SORTS = [
  ["last_seen", "Last seen", "LAST_SEEN"],
  ["first_seen", "First seen", "FIRST_SEEN"],
  ["events", "Events", "EVENT_COUNT"],
];

/** The list's settings from a URL query (unknown values fall back to the defaults). */
export function readFilters(query) {
  const text = (name) => (query.get(name) || "").slice(0, 1000);
  const tab = TABS.find(([key]) => key === query.get("state")) || TABS[0];
  const sort = SORTS.find(([key]) => key === query.get("sort")) || SORTS[0];
  return { query: text("query"), state: tab[0], sort: sort[0], environment: text("environment"), release: text("release") };
}

/** The URL query of `filters`, defaults left out. */
export function filterParams(filters) {
  const params = {};
  if (filters.query) params.query = filters.query;
  if (filters.state !== "open") params.state = filters.state;
  if (filters.sort !== "last_seen") params.sort = filters.sort;
  if (filters.environment) params.environment = filters.environment;
  if (filters.release) params.release = filters.release;
  return params;
}

/** The GraphQL variables of `filters`. */
export function filterVariables(filters) {
  return {
    state: TABS.find(([key]) => key === filters.state)[2],
    sort: SORTS.find(([key]) => key === filters.sort)[2],
    search: filters.query || null,
    environment: filters.environment || null,
    release: filters.release || null,
  };
}

/** A bad query's message with a caret under the position it names ("search: at 7: …"). */
export function searchProblem(message, text) {
  const match = /\bat (\d+):/.exec(message);
  if (!match) return [h("span", {}, message)];
  const at = Math.min(Number(match[1]), text.length);
  return [
    h("span", {}, message),
    h("pre", { class: "caret", "aria-hidden": "true" }, h("code", {}, text.slice(0, 200) + "\n" + " ".repeat(Math.min(at, 200)) + "^")),
  ];
}

/**
 * The controls; `change(partial)` is called with the changed settings.
 * Returns {element, setCounts(counts), showProblem(field, message)}.
 */
export function issueFilters(filters, change) {
  const tabLinks = TABS.map(([key, label]) => {
    const count = h("span", { class: "count" });
    const link = h("a", { href: "?" + new URLSearchParams(filterParams({ ...filters, state: key })), class: "tab", "data-state": key }, label, " ", count);
    if (key === filters.state) link.setAttribute("aria-current", "page");
    link.addEventListener("click", (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      change({ state: key });
    });
    link.count = count;
    return link;
  });
  const search = h("input", { id: "issue-search", type: "search", name: "query", value: filters.query, placeholder: "is:open level:error TypeError", autocomplete: "off", spellcheck: "false", "aria-describedby": "search-problem" });
  const searchProblemEl = h("div", { id: "search-problem", class: "error field-problem", role: "alert" });
  const sort = h("select", { id: "issue-sort" }, SORTS.map(([key, label]) => h("option", { value: key }, label)));
  sort.value = filters.sort;
  sort.addEventListener("change", () => change({ sort: sort.value }));
  const environment = h("select", { id: "issue-environment" });
  const release = h("select", { id: "issue-release" });
  const fill = (select, values, current) => {
    const known = current && !values.includes(current) ? [current, ...values] : values;
    replace(select, h("option", { value: "" }, "All"), known.map((value) => h("option", { value }, value)));
    select.value = current;
  };
  fill(environment, [], filters.environment);
  fill(release, [], filters.release);
  for (const [select, key] of [[environment, "environment"], [release, "release"]]) {
    select.addEventListener("change", () => change({ [key]: select.value }));
  }
  const otherProblem = h("div", { class: "error field-problem", role: "alert" });
  const form = h(
    "form",
    { role: "search", class: "issue-search", onsubmit: (event) => (event.preventDefault(), change({ query: search.value.trim() })) },
    h("label", { for: "issue-search" }, "Search"),
    search,
    h("button", { type: "submit" }, "Search"),
  );
  const element = h(
    "div",
    { class: "issue-controls" },
    h("nav", { class: "state-tabs", "aria-label": "Issue state" }, tabLinks),
    form,
    searchProblemEl,
    h(
      "div",
      { class: "filters" },
      h("label", { for: "issue-sort" }, "Sort"), sort,
      h("label", { for: "issue-environment" }, "Environment"), environment,
      h("label", { for: "issue-release" }, "Release"), release,
    ),
    otherProblem,
  );
  return {
    element,
    search,
    /** The project's environments and releases as the filters' choices. */
    setChoices({ environments, releases }) {
      fill(environment, environments, filters.environment);
      fill(release, releases, filters.release);
    },
    setCounts(counts) {
      for (const link of tabLinks) {
        const value = counts[link.dataset.state];
        link.count.textContent = value === undefined ? "" : formatCount(value);
      }
    },
    showProblem(field, message) {
      replace(searchProblemEl);
      replace(otherProblem);
      if (!message) return;
      if (field === "search") replace(searchProblemEl, searchProblem(message, filters.query));
      else replace(otherProblem, message);
    },
  };
}
