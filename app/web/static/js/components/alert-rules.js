// Alert rules: listed (trigger, condition, channels, throttle, an Enabled switch), created and
// edited with one form (a spike's threshold and window appear for spikes), deleted after asking.
import { gql } from "../api.js";
import { h, replace } from "../dom.js";
import { errorSlot, failed, loading, runFor, section } from "./detail-util.js";
import { FieldProblem, field, fieldset, formErrors, wholeNumber } from "./form-fields.js";

const RULE_FIELDS = "id trigger channelIds throttleMinutes threshold windowMinutes enabled createdAt";
const CREATE = `mutation($projectId: ID!, $trigger: AlertTrigger!, $channelIds: [ID!]!,
  $throttleMinutes: Int!, $threshold: Int, $windowMinutes: Int) {
  createAlertRule(projectId: $projectId, trigger: $trigger, channelIds: $channelIds,
    throttleMinutes: $throttleMinutes, threshold: $threshold, windowMinutes: $windowMinutes) {
    ${RULE_FIELDS}
  }
}`;
const UPDATE = `mutation($projectId: ID!, $id: ID!, $trigger: AlertTrigger, $channelIds: [ID!],
  $throttleMinutes: Int, $threshold: Int, $windowMinutes: Int) {
  updateAlertRule(projectId: $projectId, id: $id, trigger: $trigger, channelIds: $channelIds,
    throttleMinutes: $throttleMinutes, threshold: $threshold, windowMinutes: $windowMinutes) {
    ${RULE_FIELDS}
  }
}`;
const ENABLE = `mutation($projectId: ID!, $id: ID!, $enabled: Boolean) {
  updateAlertRule(projectId: $projectId, id: $id, enabled: $enabled) { id enabled }
}`;
const DELETE = `mutation($projectId: ID!, $id: ID!) { deleteAlertRule(projectId: $projectId, id: $id) }`;

export const TRIGGERS = { NEW_ISSUE: "New issue", REGRESSION: "Regression", SPIKE: "Spike" };
const INTRO =
  "When to alert: a new issue, a resolved issue seen again (regression), or a spike of events. " +
  "An issue alerts a rule at most once per throttle period.";
const DEFAULT_THROTTLE = 30;

export function rulesPanel(store) {
  const list = h("div", { class: "alert-list", tabindex: "-1" }, loading("Loading rules…"));
  // Shown at once (offering no channel yet), so the page below does not move when they arrive.
  const create = h("div", {}, ruleForm(store, null, () => reload(null)));
  // What keeps the keyboard's place across the redraw after a write: the edited rule's Edit
  // button, or the list after a deletion.
  let refocus = null;
  const reload = async (focus) => {
    refocus = focus;
    await store.reload();
  };
  store.subscribe((error) => {
    if (error) {
      replace(list, failed("The rules", error));
      return;
    }
    const empty = h("p", { class: "muted" }, "No alert rules yet.");
    replace(list, store.rules.length ? ruleTable(store, reload) : empty);
    replace(create, ruleForm(store, null, () => reload(null)));
    const target = refocus && (refocus === "list" ? list : list.querySelector(refocus));
    refocus = null;
    if (target) target.focus();
  });
  return section("Alert rules", h("p", { class: "hint muted" }, INTRO), list, create);
}

/** "Spike to ops, on call": how a rule is named to assistive technology and in confirmations. */
function ruleName(store, rule) {
  const names = rule.channelIds.map((id) => store.channelName(id)).join(", ");
  return `${TRIGGERS[rule.trigger] || rule.trigger} to ${names}`;
}

function condition(rule) {
  if (rule.trigger !== "SPIKE") return h("span", { class: "muted" }, "—");
  const events = rule.threshold === 1 ? "event" : "events";
  return `more than ${rule.threshold.toLocaleString()} ${events} in ${rule.windowMinutes} min`;
}

const COLUMNS = ["Trigger", "Condition", "Channels", "Throttle", "Enabled", ""];

function ruleTable(store, reload) {
  return h(
    "table",
    { class: "alert-table", "aria-label": "Alert rules" },
    h("thead", {}, h("tr", {}, COLUMNS.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, store.rules.map((rule) => ruleRow(store, rule, reload))),
  );
}

function ruleRow(store, rule, reload) {
  const name = ruleName(store, rule);
  const errors = errorSlot();
  const enabled = h("input", { type: "checkbox", checked: rule.enabled, "aria-label": `Enabled: ${name}` });
  const said = h("span", { class: "visually-hidden", role: "status" });
  // Not disabled while saving (that would take the keyboard's focus away): busy, clicks ignored.
  const pending = { disabled: false };
  enabled.addEventListener("click", (event) => {
    if (pending.disabled) event.preventDefault();
  });
  enabled.addEventListener("change", async () => {
    said.textContent = "";
    enabled.setAttribute("aria-busy", "true");
    const variables = { projectId: store.projectId, id: rule.id, enabled: enabled.checked };
    const data = await runFor(pending, errors, () => gql(ENABLE, variables));
    enabled.removeAttribute("aria-busy");
    if (data) {
      rule.enabled = data.updateAlertRule.enabled; // no other field changed: no re-read
      said.textContent = rule.enabled ? "Rule enabled." : "Rule disabled.";
    }
    enabled.checked = rule.enabled;
  });
  const edit = h("button", { type: "button", class: "edit", "aria-label": `Edit ${name}` }, "Edit");
  const remove = h("button", { type: "button", class: "danger", "aria-label": `Delete ${name}` }, "Delete");
  remove.addEventListener("click", async () => {
    if (!confirm(`Delete the rule "${name}"? Its deliveries stay in the log.`)) return;
    const variables = { projectId: store.projectId, id: rule.id };
    if (await runFor(remove, errors, () => gql(DELETE, variables))) await reload("list");
    else remove.focus(); // it was disabled while asking
  });
  const row = h(
    "tr",
    { "data-rule-id": rule.id },
    h("td", {}, h("span", { class: "badge trigger" }, TRIGGERS[rule.trigger] || rule.trigger)),
    h("td", {}, condition(rule)),
    h("td", { class: "channels" }, rule.channelIds.map((id) => store.channelName(id)).join(", ")),
    h("td", { class: "nowrap" }, `${rule.throttleMinutes} min`),
    h("td", {}, enabled, said),
    h("td", { class: "actions" }, edit, remove, errors.el),
  );
  edit.addEventListener("click", () => {
    const cancel = () => {
      editor.replaceWith(row);
      edit.focus();
    };
    const saved = () => reload(`tr[data-rule-id="${rule.id}"] button.edit`);
    const form = ruleForm(store, rule, saved, cancel);
    const editor = h("tr", { class: "editing" }, h("td", { colspan: COLUMNS.length }, form));
    row.replaceWith(editor);
    form.querySelector("select").focus();
  });
  return row;
}

/** The create form (rule null) or the edit form of `rule` (with Cancel). */
function ruleForm(store, rule, saved, cancel) {
  const editing = Boolean(rule);
  const prefix = editing ? `rule-${rule.id}` : "rule-new";
  const trigger = h(
    "select",
    { name: "trigger" },
    Object.entries(TRIGGERS).map(([value, text]) => h("option", { value }, text)),
  );
  trigger.value = editing ? rule.trigger : "NEW_ISSUE";
  const number = (value, min, max) =>
    h("input", { type: "number", min, max, step: "1", value: value ?? "", class: "short" });
  const boxes = store.channels.map((channel) =>
    h("input", {
      type: "checkbox",
      name: "channel",
      value: channel.id,
      id: `${prefix}-channel-${channel.id}`,
      checked: editing && rule.channelIds.includes(channel.id),
    }),
  );
  const channelList = store.channels.length
    ? h(
        "div",
        { class: "checks" },
        store.channels.map((channel, i) =>
          h("label", { for: boxes[i].id }, boxes[i], ` ${channel.name} `, h("span", { class: "muted" }, `(${channel.kind.toLowerCase()})`)),
        ),
      )
    : h("p", { class: "muted" }, "Add a channel first: a rule sends to at least one.");
  const fields = {
    trigger: field("Trigger", trigger, { id: `${prefix}-trigger` }),
    threshold: field("More than (events)", number(editing ? rule.threshold : null, 1, 1000000), {
      id: `${prefix}-threshold`,
    }),
    windowMinutes: field("Within (minutes)", number(editing ? rule.windowMinutes : null, 1, 1440), {
      id: `${prefix}-window`,
    }),
    throttleMinutes: field(
      "Throttle (minutes)",
      number(editing ? rule.throttleMinutes : DEFAULT_THROTTLE, 1, 10080),
      { id: `${prefix}-throttle` },
    ),
    channelIds: fieldset("Channels", channelList),
  };
  const spike = h("div", { class: "spike-fields" }, fields.threshold.el, fields.windowMinutes.el);
  const showSpike = () => {
    const on = trigger.value === "SPIKE";
    spike.classList.toggle("off", !on); // keeps its room: the form does not jump
    spike.setAttribute("aria-hidden", String(!on));
    fields.threshold.input.disabled = !on;
    fields.windowMinutes.input.disabled = !on;
  };
  trigger.addEventListener("change", showSpike);
  showSpike();
  const general = errorSlot();
  const errors = formErrors(fields, general);
  const save = h("button", { type: "submit", class: "primary" }, editing ? "Save rule" : "Create rule");
  save.disabled = !store.channels.length;

  const submit = async (event) => {
    event.preventDefault();
    errors.clear();
    const isSpike = trigger.value === "SPIKE";
    const variables = {
      projectId: store.projectId,
      trigger: trigger.value,
      channelIds: boxes.filter((box) => box.checked).map((box) => box.value),
    };
    for (const name of ["throttleMinutes", "threshold", "windowMinutes"]) {
      if (!isSpike && name !== "throttleMinutes") {
        variables[name] = null;
        continue;
      }
      try {
        variables[name] = wholeNumber(fields[name].input);
      } catch (problem) {
        if (!(problem instanceof FieldProblem)) throw problem;
        fields[name].show(problem.message);
        fields[name].input.focus();
        return;
      }
    }
    if (variables.throttleMinutes === null) variables.throttleMinutes = DEFAULT_THROTTLE;
    if (editing) variables.id = rule.id;
    const slot = { clear() {}, show: (error) => errors.show(error) };
    const data = await runFor(save, slot, () => gql(editing ? UPDATE : CREATE, variables));
    if (!data) return;
    await saved();
  };
  const title = editing ? `Edit rule: ${ruleName(store, rule)}` : "Create a rule";
  const cancelButton = cancel && h("button", { type: "button", onclick: cancel }, "Cancel");
  const form = h(
    "form",
    { class: "alert-form", "aria-label": title, novalidate: true, onsubmit: submit },
    !editing && h("h3", {}, "Create a rule"),
    h("div", { class: "form-row" }, fields.trigger.el, spike, fields.throttleMinutes.el),
    fields.channelIds.el,
    h("div", { class: "form-row" }, save, cancelButton),
    general.el,
  );
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && cancel) {
      event.preventDefault();
      cancel();
    }
  });
  return form;
}
