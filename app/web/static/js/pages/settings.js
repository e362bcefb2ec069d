// A project's settings: its name, rate limit and DSN, and deleting it (the name typed to confirm).
import { gql } from "../api.js";
import { h, replace } from "../dom.js";
import { navigate } from "../router.js";
import { copyButton, errorSlot, errorText, loading, notFound, runFor, section } from "../components/detail-util.js";

const PROJECT = `query($id: ID!) { project(id: $id) { id name slug dsn rateLimitPerMinute } }`;
const RENAME = `mutation($id: ID!, $name: String!) { updateProject(id: $id, name: $name) { id name slug } }`;
const RATE = `mutation($id: ID!, $perMinute: Int) {
  setProjectRateLimit(id: $id, perMinute: $perMinute) { id rateLimitPerMinute }
}`;
const DELETE = `mutation($id: ID!) { deleteProject(id: $id) }`;

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
  replace(root, loading("Loading project…"));
  let project;
  try {
    project = await loadProject(params.projectId, signal);
  } catch (error) {
    if (error.name !== "AbortError") replace(root, h("h1", {}, "Project settings"), h("p", { class: "error", role: "alert" }, `The project could not be loaded: ${errorText(error)}`));
    return;
  }
  if (signal.aborted) return;
  if (!project) return notFound(root, "Project");
  const title = h("h1", {}, `${project.name} · Settings`);
  const crumbName = h("a", { href: `/projects/${project.id}/issues` }, project.name);
  const confirmName = h("strong", { class: "mono" }, project.name);
  document.title = `${project.name} settings · Faultline`;

  replace(
    root,
    h(
      "div",
      { class: "settings" },
      h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/projects" }, "Projects"), " / ", crumbName, " / Settings"),
      title,
      nameForm(project, (renamed) => {
        project.name = renamed.name;
        title.textContent = `${renamed.name} · Settings`;
        crumbName.textContent = renamed.name;
        confirmName.textContent = renamed.name;
      }),
      rateForm(project),
      section("DSN", h("p", { class: "hint muted" }, "Configure your Sentry SDK with this DSN."), h("div", { class: "dsn" }, h("code", { class: "dsn-value" }, project.dsn), copyButton(() => project.dsn, "Copy DSN"))),
      deleteZone(project, confirmName),
    ),
  );
}

function nameForm(project, onRenamed) {
  const errors = errorSlot();
  const saved = h("span", { class: "muted", role: "status" });
  const input = h("input", { name: "name", value: project.name, required: true, maxlength: "200", autocomplete: "off" });
  const save = h("button", { type: "submit" }, "Save name");
  return section(
    "Name",
    h("form", {
      class: "form-row",
      onsubmit: async (event) => {
        event.preventDefault();
        saved.textContent = "";
        const data = await runFor(save, errors, () => gql(RENAME, { id: project.id, name: input.value }));
        if (!data) return;
        onRenamed(data.updateProject);
        saved.textContent = "Saved.";
      },
    }, field("project-name", "Project name", input), save, saved),
    errors.el,
  );
}

function rateForm(project) {
  const errors = errorSlot();
  const saved = h("span", { class: "muted", role: "status" });
  const value = project.rateLimitPerMinute;
  const input = h("input", { type: "number", name: "rate", min: "0", step: "1", value: value === null ? "" : String(value), placeholder: "server default" });
  const save = h("button", { type: "submit" }, "Save rate limit");
  return section(
    "Rate limit",
    h("p", { class: "hint muted" }, "Events accepted per minute; more are refused with 429 until the minute ends. Empty: the server's default."),
    h("form", {
      class: "form-row",
      onsubmit: async (event) => {
        event.preventDefault();
        saved.textContent = "";
        const text = input.value.trim();
        if (text === "" && input.validity.badInput) return errors.show(new Error("Enter a whole number, or nothing for the server default."));
        const perMinute = text === "" ? null : Number(text);
        if (perMinute !== null && !Number.isSafeInteger(perMinute)) return errors.show(new Error("Enter a whole number, or nothing for the server default."));
        const data = await runFor(save, errors, () => gql(RATE, { id: project.id, perMinute }));
        if (!data) return;
        const now = data.setProjectRateLimit.rateLimitPerMinute;
        input.value = now === null ? "" : String(now);
        saved.textContent = now === null ? "Saved: the server default applies." : `Saved: ${now.toLocaleString()} events per minute.`;
      },
    }, field("project-rate", "Events per minute", input), save, saved),
    errors.el,
  );
}

function deleteZone(project, confirmName) {
  const errors = errorSlot();
  const confirmInput = h("input", { name: "confirm", autocomplete: "off" });
  const remove = h("button", { type: "submit", class: "danger", disabled: true }, "Delete project");
  confirmInput.addEventListener("input", () => {
    remove.disabled = confirmInput.value !== project.name;
  });
  const zone = section(
    "Delete project",
    h("p", {}, "Deleting the project deletes all its issues and events. This cannot be undone. Type ", confirmName, " below to confirm."),
    h("form", {
      class: "form-row",
      onsubmit: async (event) => {
        event.preventDefault();
        if (confirmInput.value !== project.name) return;
        const done = await runFor(remove, errors, () => gql(DELETE, { id: project.id }));
        if (done) navigate("/projects");
        else remove.disabled = confirmInput.value !== project.name;
      },
    }, field("project-delete-confirm", "Project name to delete", confirmInput), remove),
    errors.el,
  );
  zone.classList.add("danger-zone");
  return zone;
}
