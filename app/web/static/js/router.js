// The browser router: one table of pages, history navigation, and each page's lifetime.
//
// A page module exports `render({root, params, query, signal})`. `signal` aborts when the user
// leaves the page: pages close their subscriptions and timers on it. The server answers every
// path of this table with the shell (app/web/routes.py PAGES lists the same paths).

const ROUTES = [
  [/^\/$/, null],
  [/^\/sign-in$/, () => import("./pages/sign-in.js")],
  [/^\/projects$/, () => import("./pages/projects.js")],
  [/^\/projects\/(?<projectId>\d+)\/issues$/, () => import("./pages/issues.js")],
  [/^\/projects\/(?<projectId>\d+)\/settings$/, () => import("./pages/settings.js")],
  [/^\/issues\/(?<issueId>\d+)$/, () => import("./pages/issue.js")],
  [/^\/issues\/(?<issueId>\d+)\/events\/(?<eventId>[^/]+)$/, () => import("./pages/issue.js")],
  [/^\/tokens$/, () => import("./pages/tokens.js")],
];

let current = null; // { controller }
let outlet = null;
const routeListeners = new Set();

/** Called with the URL each time a page starts rendering (the frame marks its links). */
export function onRoute(listener) {
  routeListeners.add(listener);
}

export function start(root) {
  outlet = root;
  window.addEventListener("popstate", () => show(location.pathname + location.search));
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || link.target || link.hasAttribute("download")) return;
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  return show(location.pathname + location.search);
}

/** Go to `path` (push a history entry, or replace the current one). */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  return show(path);
}

/** A new history entry for `params` without re-rendering: the page already shows them, and
 * going back to the previous entry renders it from its URL. */
export function pushQuery(params) {
  const url = new URL(location.href);
  url.search = new URLSearchParams(params).toString();
  if (url.search !== location.search) history.pushState(null, "", url.pathname + url.search);
}

/** Rewrite the query string of the current entry without re-rendering (filters, tabs). */
export function setQuery(params) {
  const url = new URL(location.href);
  url.search = new URLSearchParams(params).toString();
  history.replaceState(null, "", url.pathname + url.search);
}

async function show(path) {
  const url = new URL(path, location.origin);
  if (current) current.controller.abort();
  const controller = new AbortController();
  current = { controller };
  for (const listener of routeListeners) listener(url);
  for (const [pattern, load] of ROUTES) {
    const match = pattern.exec(url.pathname);
    if (!match) continue;
    if (!load) return navigate("/projects", { replace: true });
    const module = await load();
    if (controller.signal.aborted) return;
    const root = document.createElement("main");
    root.id = "page";
    outlet.replaceChildren(root);
    window.scrollTo(0, 0);
    await module.render({
      root,
      params: match.groups || {},
      query: url.searchParams,
      signal: controller.signal,
    });
    return;
  }
  const root = document.createElement("main");
  root.id = "page";
  root.append(Object.assign(document.createElement("h1"), { textContent: "Page not found" }));
  outlet.replaceChildren(root);
}
