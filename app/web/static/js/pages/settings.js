// A project's settings: its name, rate limit, DSN and alerts, and deleting it (the name typed to confirm).
import { gql } from "../api.js";
import { h, replace } from "../dom.js";
import { navigate } from "../router.js";
import { alertsSections } from "../components/alerts.js";
import { copyField } from "../components/copy-field.js";
import {
  errorSlot,
  failed,
  loading,
  notFound,
  runFor,
  section,
} from "../components/detail-util.js";

const PROJECT = `query($id: ID!) { project(id: $id) { id name slug dsn rateLimitPerMinute } }`;
const RENAME = `mutation($id: ID!, $name: String!) {
  updateProject(id: $id, name: $name) { id name slug }
}`;
const RATE = `mutation($id: ID!, $perMinute: Int) {
  setProjectRateLimit(id: $id, perMinute: $perMinute) { id rateLimitPerMinute }
}`;
const DELETE = `mutation($id: ID!) { deleteProject(id: $id) }`;

const RATE_HINT =
  "Events accepted per minute; more are refused with 429 until the minute ends. " +
  "Empty: the server's default.";
const NOT_A_NUMBER = "Enter a whole number, or nothing for the server default.";

async function loadProject(id, signal) {
  try {
    return (await gql(PROJECT, { id }, { signal })).project;
  } catch (error) {
    if (error.code === "BAD_USER_INPUT" || error.code === "NOT_FOUND") return null;
    throw error;
  }
}

function field(id, label, input) {
  input.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), input);
}

export async function render({ root, params, signal }) {
  root.classList.add("detail"); // detail.css applies within
  replace(root, loading("Loading project…"));
  let project;
  try {
    project = await loadProject(params.projectId, signal);
  } catch (error) {
    if (error.name === "AbortError") return;
    replace(root, h("h1", {}, "Project settings"), failed("The project", error));
    return;
  }
  if (signal.aborted) return;
  if (!project) return notFound(root, "Project");

  // The places showing the name, renamed in place after a rename.
  const title = h("h1", {}, `${project.name} · Settings`);
  const crumbName = h("a", { href: `/projects/${project.id}/issues` }, project.name);
  const confirmName = h("strong", { class: "mono" }, project.name);
  const renamed = (name) => {
    project.name = name;
    title.textContent = `${name} · Settings`;
    crumbName.textContent = name;
    confirmName.textContent = name;
    document.title = `${name} settings · Faultline`;
  };
  renamed(project.name);

  replace(
    root,
    h(
      "div",
      { class: "settings" },
      h(
        "nav",
        { class: "crumbs", "aria-label": "Breadcrumb" },
        h("a", { href: "/projects" }, "Projects"),
        " / ",
        crumbName,
        " / Settings",
      ),
      title,
      nameForm(project, renamed),
      rateForm(project),
      section(
        "DSN",
        h("p", { class: "hint muted" }, "Configure your Sentry SDK with this DSN."),
        copyField(project.dsn, { label: "DSN", id: "project-dsn" }),
      ),
      alertsSections(project, signal),
      deleteZone(project, confirmName),
    ),
  );
}

function nameForm(project, renamed) {
  const errors = errorSlot();
  const saved = h("span", { class: "muted", role: "status" });
  const input = h("input", { name: "name", value: project.name, required: true, maxlength: "200" });
  const save = h("button", { type: "submit" }, "Save name");
  const submit = async (event) => {
    event.preventDefault();
    saved.textContent = "";
    const variables = { id: project.id, name: input.value };
    const data = await runFor(save, errors, () => gql(RENAME, variables));
    if (!data) return;
    renamed(data.updateProject.name);
    input.value = data.updateProject.name;
    saved.textContent = "Saved.";
  };
  return section(
    "Name",
    h(
      "form",
      { class: "form-row", onsubmit: submit },
      field("project-name", "Project name", input),
      save,
      saved,
    ),
    errors.el,
  );
}

function rateForm(project) {
  const errors = errorSlot();
  const saved = h("span", { class: "muted", role: "status" });
  const shown = (limit) => (limit === null ? "" : String(limit));
  const input = h("input", {
    type: "number",
    name: "rate",
    min: "0",
    step: "1",
    value: shown(project.rateLimitPerMinute),
    placeholder: "server default",
  });
  const save = h("button", { type: "submit" }, "Save rate limit");
  const submit = async (event) => {
    event.preventDefault();
    saved.textContent = "";
    const text = input.value.trim();
    const perMinute = text === "" ? null : Number(text);
    // A number input reads "" for text it cannot parse: that is no request for the default.
    if (input.validity.badInput || (perMinute !== null && !Number.isSafeInteger(perMinute))) {
      errors.show(new Error(NOT_A_NUMBER));
      return;
    }
    const data = await runFor(save, errors, () => gql(RATE, { id: project.id, perMinute }));
    if (!data) return;
    const now = data.setProjectRateLimit.rateLimitPerMinute;
    input.value = shown(now);
    saved.textContent =
      now === null
        ? "Saved: the server default applies."
        : `Saved: ${now.toLocaleString()} events per minute.`;
  };
  return section(
    "Rate limit",
    h("p", { class: "hint muted" }, RATE_HINT),
    h(
      "form",
      { class: "form-row", onsubmit: submit },
      field("project-rate", "Events per minute", input),
      save,
      saved,
    ),
    errors.el,
  );
}

function deleteZone(project, confirmName) {
  const errors = errorSlot();
  const typed = h("input", { name: "confirm", autocomplete: "off" });
  const remove = h("button", { type: "submit", class: "danger", disabled: true }, "Delete project");
  const matches = () => typed.value === project.name;
  typed.addEventListener("input", () => (remove.disabled = !matches()));
  const submit = async (event) => {
    event.preventDefault();
    if (!matches()) return;
    const done = await runFor(remove, errors, () => gql(DELETE, { id: project.id }));
    if (done) navigate("/projects");
    else remove.disabled = !matches();
  };
  const zone = section(
    "Delete project",
    h(
      "p",
      {},
      "Deleting the project deletes all its issues and events. This cannot be undone. Type ",
      confirmName,
      " below to confirm.",
    ),
    h(
      "form",
      { class: "form-row", onsubmit: submit },
      field("project-delete-confirm", "Project name to delete", typed),
      remove,
    ),
    errors.el,
  );
  zone.classList.add("danger-zone");
  return zone;
}
