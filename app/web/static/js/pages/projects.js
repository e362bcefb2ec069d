// The projects: open issues and the last 24 hours of each, its DSN and SDK set-up; create one.
import { gql } from "../api.js";
import { setupSnippets } from "../components/setup-snippets.js";
import { sparkline } from "../components/sparkline.js";
import { formatCount, h, replace } from "../dom.js";

const PROJECTS = `{ projects { id name slug dsn createdAt
  open: issues(state: OPEN, first: 1) { totalCount }
  frequency { start count } } }`;
const ACCESS_TOKENS = `query($id: ID!) { project(id: $id) { accessTokens { token scopes } } }`;
const CREATE = `mutation($name: String!) { createProject(name: $name) { id } }`;

function createForm(onCreated, { prominent }) {
  const name = h("input", { id: "project-name", name: "name", required: true, maxlength: 100, placeholder: "e.g. Checkout API" });
  const problem = h("p", { class: "error", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, "Create project");
  const form = h(
    "form",
    { class: prominent ? "create-project prominent" : "create-project", onsubmit: submit },
    prominent && h("h2", {}, "Create your first project"),
    prominent && h("p", { class: "muted" }, "A project has its own DSN: point a Sentry SDK at it and its errors show up here."),
    h("div", { class: "row" }, h("label", { for: "project-name" }, "Name"), name, button),
    problem,
  );
  async function submit(event) {
    event.preventDefault();
    button.disabled = true;
    problem.textContent = "";
    try {
      const data = await gql(CREATE, { name: name.value });
      name.value = "";
      await onCreated(data.createProject.id);
    } catch (error) {
      problem.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  }
  return form;
}

function projectCard(project, open) {
  const issues = `/projects/${project.id}/issues`;
  const count = Number(project.open.totalCount);
  return h(
    "section",
    { class: "project-card", "aria-label": project.name, "data-project-id": project.id },
    h(
      "div",
      { class: "project-head" },
      h("h2", {}, h("a", { href: issues }, project.name)),
      h("a", { href: issues, class: "open-count" + (count ? "" : " none") }, `${formatCount(count)} open issue${count === 1 ? "" : "s"}`),
      h("span", { class: "spacer" }),
      h("span", { class: "muted small" }, "Last 24 h"),
      sparkline(project.frequency, { width: 144, height: 28, label: `${project.name}: events in the last 24 hours` }),
      h("a", { href: `/projects/${project.id}/settings`, class: "small" }, "Settings"),
    ),
    setupDetails(project, open),
  );
}

/** The set-up panel; the Rollbar token is read when the panel is first opened (not per card). */
function setupDetails(project, open) {
  const rollbarToken = async () => {
    const data = await gql(ACCESS_TOKENS, { id: project.id });
    const tokens = data.project ? data.project.accessTokens : [];
    const server = tokens.find((t) => t.scopes.includes("POST_SERVER_ITEM"));
    return server ? server.token : null;
  };
  const setup = setupSnippets(project.dsn, { rollbarToken });
  const details = h("details", { class: "project-setup", open }, h("summary", {}, "DSN and SDK set-up"), setup);
  details.addEventListener("toggle", () => details.open && setup.showRollbar());
  if (open) setup.showRollbar();
  return details;
}

export async function render({ root, signal }) {
  const list = h("div", { class: "projects" }, h("p", { class: "muted" }, "Loading projects…"));
  root.append(h("h1", {}, "Projects"), list);

  async function load(createdId) {
    let data;
    try {
      data = await gql(PROJECTS, {}, { signal });
    } catch (error) {
      if (error.name !== "AbortError") replace(list, h("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    const projects = data.projects;
    if (!projects.length) {
      replace(list, createForm(load, { prominent: true }));
      list.querySelector("input").focus();
      return;
    }
    replace(
      list,
      createForm(load, { prominent: false }),
      projects.map((project) => projectCard(project, project.id === createdId)),
    );
  }
  await load(null);
}
