// The frame's live indicator: one status element that the page with a subscription drives.
import { h } from "../dom.js";

const LABELS = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline" };
const indicator = h("span", { class: "live", role: "status", "aria-live": "polite", hidden: true });

/** The element, placed once by the frame. */
export function liveIndicator() {
  return indicator;
}

/** "connecting" | "live" | "reconnecting" | "offline", or null to hide it (no subscription). */
export function setLive(state, detail) {
  indicator.hidden = state === null;
  indicator.dataset.state = state || "";
  indicator.textContent = state ? LABELS[state] : "";
  indicator.title = detail || "";
}
