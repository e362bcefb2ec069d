// A project's alerts on its settings page: channels, rules and the delivery log, sharing one
// read of the channels and rules (a rule lists channels by name, its form offers them all).
import { gql } from "../api.js";
import { channelsPanel } from "./alert-channels.js";
import { deliveriesPanel } from "./alert-deliveries.js";
import { rulesPanel } from "./alert-rules.js";

const CONFIG = `query($id: ID!) { project(id: $id) {
  channels { id kind name url to createdAt }
  alertRules { id trigger channelIds throttleMinutes threshold windowMinutes enabled createdAt }
} }`;

/**
 * The store the three panels share: `channels` and `rules` as last read; `subscribe(fn)` calls
 * fn(error | null) after each read; `reload()` reads again (after a write).
 */
function alertsStore(projectId, signal) {
  const listeners = [];
  const store = {
    projectId,
    signal,
    channels: [],
    rules: [],
    subscribe(listener) {
      listeners.push(listener);
    },
    channelName(id) {
      const found = store.channels.find((c) => c.id === id);
      return found ? found.name : `channel ${id}`;
    },
    async reload() {
      let project;
      try {
        project = (await gql(CONFIG, { id: projectId }, { signal })).project;
      } catch (error) {
        if (error.name !== "AbortError") listeners.forEach((listener) => listener(error));
        return;
      }
      if (!project) return;
      store.channels = project.channels;
      store.rules = project.alertRules;
      listeners.forEach((listener) => listener(null));
    },
  };
  return store;
}

/** The panels of the alerts, loading as they are shown. */
export function alertsSections(project, signal) {
  const store = alertsStore(project.id, signal);
  const deliveries = deliveriesPanel(store);
  store.onChannelDeleted = () => deliveries.refresh(); // its deliveries went with it
  store.onChannelTested = () => deliveries.refresh(); // the test's delivery is the newest
  const panels = [channelsPanel(store), rulesPanel(store), deliveries.el];
  store.reload().then(() => deliveries.refresh());
  return panels;
}
