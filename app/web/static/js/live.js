// A small graphql-transport-ws client: one subscription per socket, reconnecting with backoff.
//
// connection_init → connection_ack → subscribe; `next` payloads go to onData; ping → pong.
// A dropped socket reconnects (0.5 s doubling to 15 s, with jitter) and, once subscribed again,
// calls onReconnect so the page can catch up on what it missed. 4401 (signed out) stops and
// reports UNAUTHENTICATED; the signal closes the socket for good.
import { reportUnauthenticated, ApiError } from "./api.js";

const PROTOCOL = "graphql-transport-ws";
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;
const ACK_TIMEOUT_MS = 10_000;

/**
 * subscribe(query, variables, {signal, onData, onError, onStatus, onReconnect})
 * onStatus receives "connecting" | "live" | "reconnecting" | "offline".
 */
export function subscribe(query, variables, { signal, onData, onError = () => {}, onStatus = () => {}, onReconnect = () => {} }) {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql";
  let socket = null;
  let attempts = 0;
  let everLive = false;
  let timer = null;
  let stopped = false;

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    window.removeEventListener("online", retryNow);
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "page left");
  };
  const retryNow = () => {
    if (stopped || (socket && socket.readyState <= WebSocket.OPEN)) return;
    clearTimeout(timer);
    connect();
  };

  function schedule() {
    if (stopped) return;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempts) * (0.75 + Math.random() / 2);
    attempts += 1;
    onStatus(navigator.onLine === false ? "offline" : "reconnecting");
    timer = setTimeout(connect, delay);
  }

  function connect() {
    if (stopped) return;
    onStatus(everLive ? "reconnecting" : "connecting");
    const ws = new WebSocket(url, PROTOCOL);
    socket = ws;
    const ackTimer = setTimeout(() => ws.close(4408, "connection_init timeout"), ACK_TIMEOUT_MS);
    ws.addEventListener("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: {} })));
    ws.addEventListener("message", (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return ws.close(4400, "invalid message");
      }
      switch (frame.type) {
        case "connection_ack":
          clearTimeout(ackTimer);
          ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
          attempts = 0;
          onStatus("live");
          if (everLive) onReconnect();
          everLive = true;
          break;
        case "ping":
          ws.send(JSON.stringify({ type: "pong" }));
          break;
        case "next":
          if (frame.payload && frame.payload.errors) onError(toError(frame.payload.errors));
          else if (frame.payload && frame.payload.data) onData(frame.payload.data);
          break;
        case "error":
          stopped = true; // the server refused the subscription itself: retrying cannot help
          onError(toError(frame.payload));
          onStatus("offline");
          ws.close(1000);
          break;
        case "complete":
          ws.close(1000); // the server ended it: subscribe again on a fresh connection
          break;
      }
    });
    ws.addEventListener("close", (event) => {
      clearTimeout(ackTimer);
      if (socket !== ws || stopped) return;
      if (event.code === 4401) {
        stopped = true;
        onStatus("offline");
        reportUnauthenticated(new ApiError(event.reason || "unauthenticated", "UNAUTHENTICATED"));
        return;
      }
      if (event.code === 4403) {
        stopped = true;
        onStatus("offline");
        onError(new ApiError(event.reason || "forbidden", "FORBIDDEN"));
        return;
      }
      schedule();
    });
  }

  if (signal) {
    if (signal.aborted) return;
    signal.addEventListener("abort", stop, { once: true });
  }
  window.addEventListener("online", retryNow);
  connect();
}

function toError(errors) {
  const first = (Array.isArray(errors) && errors[0]) || {};
  return new ApiError(first.message || "subscription failed", (first.extensions && first.extensions.code) || "ERROR", errors);
}
