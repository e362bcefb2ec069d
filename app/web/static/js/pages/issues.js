// A project's issues: state tabs, search, sort and filters in the URL; bulk actions; live.
import { gql } from "../api.js";
import { deleteIssues, matchingIds, MAX_BULK, setState } from "../components/bulk-actions.js";
import { filterParams, filterVariables, issueFilters, readFilters } from "../components/issue-filters.js";
import { issueRow, matchesTab, ROW_FIELDS, updateRow } from "../components/issue-row.js";
import { setLive } from "../components/live-indicator.js";
import { setupSnippets } from "../components/setup-snippets.js";
import { formatCount, h, replace } from "../dom.js";
import { subscribe } from "../live.js";
import { pushQuery } from "../router.js";

const PAGE = 50;
const REFRESH_DELAY_MS = 200;
const COUNT = (alias, state) =>
  `${alias}: issues(${state ? `state: ${state}, ` : ""}search: $search, environment: $environment, release: $release, first: 1) @include(if: $counts) { totalCount }`;
const LIST = `query($p: ID!, $state: IssueState, $search: String, $sort: IssueSort!, $environment: String,
  $release: String, $after: String, $first: Int!, $counts: Boolean!, $choices: Boolean!) {
  project(id: $p) { id name dsn environments @include(if: $choices) releases @include(if: $choices)
    issues(state: $state, search: $search, sort: $sort, environment: $environment, release: $release,
      first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { ${ROW_FIELDS} } } }
    ${COUNT("open", "OPEN")} ${COUNT("resolved", "RESOLVED")} ${COUNT("muted", "MUTED")} ${COUNT("all", null)}
  } }`;
const CHANGES = `subscription($p: ID!) { issueChanged(projectId: $p) {
  kind issueId state lost interrupted issue { id eventCount lastSeen state level } } }`;

export async function render({ root, params, query, signal }) {
  const projectId = params.projectId;
  let filters = readFilters(query);
  let controls = null;
  let cursor = null;
  let counts = {};
  let allMatching = false;
  let choices = null; // the project's environments and releases, asked for once
  let lastGaps = null; // lost + interrupted of the last change heard
  const selected = new Set();
  const rows = new Map(); // issue id → <tr>

  const heading = h("h1", {}, "Issues");
  const controlsSlot = h("div");
  const status = h("div", { class: "list-status", role: "status" });
  const selectPage = h("input", { type: "checkbox", id: "select-page", "aria-label": "Select all on this page" });
  const body = h("tbody");
  const table = h(
    "table",
    { class: "issues", "aria-label": "Issues" },
    h("thead", {}, h("tr", {}, h("th", { class: "select" }, selectPage), h("th", {}, "Issue"), h("th", {}, "Last 24 h"), h("th", { class: "num" }, "Events"), h("th", {}, "First seen"), h("th", {}, "Last seen"))),
    body,
  );
  const more = h("button", { type: "button", class: "load-more", hidden: true }, "Load more");
  const empty = h("div", { class: "empty" });
  const bulk = bulkBar();
  bulk.update();
  root.append(heading, controlsSlot, bulk.element, table, empty, more, status);

  selectPage.addEventListener("change", () => {
    const on = selectPage.checked;
    for (const id of rows.keys()) select(id, on);
    for (const row of rows.values()) row.querySelector(".select input").checked = on;
    allMatching = false;
    bulk.update();
  });
  more.addEventListener("click", () => load({ append: true }));

  function select(id, on) {
    if (on) selected.add(id);
    else {
      selected.delete(id);
      allMatching = false;
    }
    bulk.update();
  }

  function showControls() {
    const focused = document.activeElement && document.activeElement.id;
    controls = issueFilters(filters, (change) => {
      filters = { ...filters, ...change };
      generation += 1;
      pushQuery(filterParams(filters));
      showControls();
      clearSelection();
      load({});
    });
    controls.setCounts(counts);
    if (choices) controls.setChoices(choices);
    replace(controlsSlot, controls.element);
    if (focused && controls.element.querySelector("#" + focused)) controls.element.querySelector("#" + focused).focus();
  }

  function clearSelection() {
    selected.clear();
    allMatching = false;
    selectPage.checked = false;
    for (const row of rows.values()) row.querySelector(".select input").checked = false;
    bulk.update();
  }

  function variables(extra) {
    return { p: projectId, ...filterVariables(filters), first: PAGE, after: null, counts: true, choices: false, ...extra };
  }

  let generation = 0; // answers to requests made before the latest filter change are dropped
  async function fetchPage(extra) {
    const asked = generation;
    try {
      const data = await gql(LIST, variables(extra), { signal });
      if (asked !== generation) return null;
      controls.showProblem(null, null);
      return data.project ? data : { missing: true };
    } catch (error) {
      if (error.name === "AbortError" || asked !== generation) return null;
      if (error.code === "NOT_FOUND") return { missing: true };
      const field = error.errors && error.errors[0] && error.errors[0].extensions && error.errors[0].extensions.field;
      controls.showProblem(field || "other", error.message);
      status.textContent = "";
      return null;
    }
  }

  let named = false;
  function showName(project) {
    named = true;
    heading.replaceChildren(project.name, " ", h("a", { href: `/projects/${project.id}/settings`, class: "small heading-link" }, "Settings"));
    document.title = `${project.name} · Faultline`;
  }
  async function nameProject() {
    // The list failed (a bad search): the heading still names the project.
    try {
      const data = await gql(`query($p: ID!) { project(id: $p) { id name } }`, { p: projectId }, { signal });
      if (data.project) showName(data.project);
    } catch {
      // the list's own error is already shown
    }
  }

  function makeRow(issue) {
    return issueRow(issue, { selected: selected.has(issue.id), onSelect: select });
  }

  function showCounts(project) {
    if (project.environments) {
      choices = { environments: project.environments, releases: project.releases };
      controls.setChoices(choices);
    }
    if (!project.all) return;
    counts = { open: project.open.totalCount, resolved: project.resolved.totalCount, muted: project.muted.totalCount, all: project.all.totalCount };
    controls.setCounts(counts);
    bulk.update();
  }

  function showEmpty(project) {
    const nothing = rows.size === 0;
    table.hidden = nothing;
    if (!nothing) return replace(empty);
    if (counts.all === 0 && !filters.query && !filters.environment && !filters.release) {
      replace(empty, h("h2", {}, "No issues yet"), h("p", {}, "Send a first event: install the Python SDK and run this with your DSN."), setupSnippets(project.dsn, { only: ["Python"] }));
    } else {
      replace(empty, h("p", { class: "muted" }, "No issues match."));
    }
  }

  async function load({ append = false }) {
    const asked = generation;
    status.textContent = "Loading…";
    const data = await fetchPage(append ? { after: cursor, counts: false } : { choices: choices === null });
    if (!data) {
      if (!append && !signal.aborted && asked === generation) {
        rows.clear();
        body.replaceChildren();
        table.hidden = more.hidden = true;
        replace(empty);
        bulk.update();
        if (!named) nameProject();
      }
      return;
    }
    if (data.missing) {
      replace(root, h("h1", {}, "Project not found"), h("p", {}, h("a", { href: "/projects" }, "All projects")));
      return false;
    }
    const project = data.project;
    showName(project);
    const connection = project.issues;
    if (!append) {
      rows.clear();
      body.replaceChildren();
    }
    for (const { node } of connection.edges) {
      if (rows.has(node.id)) continue;
      const row = makeRow(node);
      rows.set(node.id, row);
      body.append(row);
    }
    cursor = connection.pageInfo.endCursor;
    more.hidden = !connection.pageInfo.hasNextPage;
    showCounts(project);
    showEmpty(project);
    status.textContent = "";
    bulk.update();
    return true;
  }

  // Catch up after live changes: the first page again, merged into the rows shown.
  let refreshTimer = null;
  let refreshing = null;
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, REFRESH_DELAY_MS);
  }
  async function refresh() {
    if (refreshing) return refreshing.then(scheduleRefresh);
    refreshing = (async () => {
      const data = await fetchPage({});
      if (!data || data.missing) return;
      const fetched = data.project.issues;
      const fresh = fetched.edges.map((edge) => edge.node);
      const freshIds = new Set(fresh.map((issue) => issue.id));
      const onePage = rows.size <= PAGE;
      const kept = onePage ? [] : [...rows.values()].filter((row) => !freshIds.has(row.issue.id));
      const next = fresh.map((issue) => {
        const old = rows.get(issue.id);
        if (!old) {
          const row = makeRow(issue);
          row.classList.add("arrived");
          return row;
        }
        updateRow(old, issue);
        return old;
      });
      rows.clear();
      for (const row of [...next, ...kept]) rows.set(row.issue.id, row);
      body.replaceChildren(...rows.values());
      for (const id of [...selected]) if (!rows.has(id)) selected.delete(id);
      if (onePage) {
        cursor = fetched.pageInfo.endCursor;
        more.hidden = !fetched.pageInfo.hasNextPage;
      }
      showCounts(data.project);
      showEmpty(data.project);
    })();
    try {
      await refreshing;
    } finally {
      refreshing = null;
    }
  }

  function heard({ issueChanged: change }) {
    const gaps = Number(change.lost) + Number(change.interrupted);
    const missed = lastGaps !== null && gaps > lastGaps;
    lastGaps = gaps;
    const row = rows.get(change.issueId);
    const tab = filterVariables(filters).state;
    if (change.kind === "DELETED") {
      if (row) row.remove(), rows.delete(change.issueId), selected.delete(change.issueId);
    } else if (row && change.issue) {
      updateRow(row, change.issue);
      if (!matchesTab(change.issue.state, tab)) row.remove(), rows.delete(change.issueId), selected.delete(change.issueId);
    }
    if (change.kind !== "COUNT" || !row || missed) scheduleRefresh();
    bulk.update();
  }

  function bulkBar() {
    const note = h("span", { class: "selection" });
    const everything = h("button", { type: "button", class: "link-button", hidden: true });
    const problem = h("span", { class: "error", role: "alert" });
    const confirmBox = h("span", { class: "confirm", hidden: true });
    const buttons = [
      ["Resolve", "RESOLVED"],
      ["Mute", "MUTED"],
      ["Reopen", "OPEN"],
    ].map(([label, state]) => h("button", { type: "button", onclick: () => act(() => changeState(state)) }, label));
    const remove = h("button", { type: "button", class: "danger", onclick: askDelete }, "Delete");
    everything.addEventListener("click", () => {
      allMatching = true;
      update();
    });

    async function targets() {
      if (!allMatching) return [...selected];
      const vars = filterVariables(filters);
      return matchingIds(projectId, vars);
    }
    async function changeState(state) {
      await setState(await targets(), state);
    }
    function askDelete() {
      const n = allMatching ? Math.min(MAX_BULK, counts[filters.state]) : selected.size;
      const yes = h("button", { type: "button", class: "danger", onclick: () => act(async () => deleteIssues(await targets())) }, `Delete ${formatCount(n)}`);
      const no = h("button", { type: "button", onclick: () => (confirmBox.hidden = true) }, "Cancel");
      replace(confirmBox, `Delete ${formatCount(n)} issue${n === 1 ? "" : "s"} and all their events? `, yes, " ", no);
      confirmBox.hidden = false;
      yes.focus();
    }
    async function act(work) {
      problem.textContent = "";
      confirmBox.hidden = true;
      for (const button of [...buttons, remove]) button.disabled = true;
      try {
        await work();
        clearSelection();
        await refresh();
      } catch (error) {
        problem.textContent = error.message;
      } finally {
        update();
      }
    }
    function update() {
      const total = counts[filters.state];
      const n = allMatching ? Math.min(MAX_BULK, total || 0) : selected.size;
      for (const button of [...buttons, remove]) button.disabled = n === 0;
      note.textContent = n ? `${formatCount(n)} selected` : "";
      const pageAll = rows.size > 0 && [...rows.keys()].every((id) => selected.has(id));
      selectPage.checked = pageAll;
      const offer = pageAll && !allMatching && total > rows.size;
      everything.hidden = !offer;
      everything.textContent = offer ? `Select all ${formatCount(total)} matching` + (total > MAX_BULK ? ` (the first ${formatCount(MAX_BULK)})` : "") : "";
      if (allMatching) note.textContent = `All ${formatCount(n)} matching issues selected`;
    }
    const element = h("div", { class: "bulk-bar", role: "toolbar", "aria-label": "Bulk actions" }, buttons, remove, note, everything, confirmBox, problem);
    return { element, update };
  }

  showControls();
  const found = await load({});
  if (found === false || signal.aborted) return;
  subscribe(CHANGES, { p: projectId }, {
    signal,
    onData: heard,
    onStatus: (state) => setLive(signal.aborted ? null : state),
    onReconnect: scheduleRefresh,
    onError: (error) => setLive("offline", error.message),
  });
  signal.addEventListener("abort", () => clearTimeout(refreshTimer));
}
