// A minimal graphql-transport-ws client for one subscription: reconnects with backoff until
// `signal` aborts. The socket is same-origin, so the session cookie (or the browser's
// Authorization header) authenticates it.

const PROTOCOL = "graphql-transport-ws";
const MAX_BACKOFF_MS = 30_000;

/**
 * subscribe(query, variables, {signal, onData, onReconnect}): `onData(data)` for each `next`;
 * `onReconnect()` after a connection was re-established (changes may have been missed).
 */
export function subscribe(query, variables, { signal, onData, onReconnect }) {
  let backoff = 1000;
  let opened = 0;
  let socket = null;
  let timer = null;

  const connect = () => {
    if (signal.aborted) return;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
    socket = new WebSocket(url, PROTOCOL);
    const send = (message) => socket.send(JSON.stringify(message));
    socket.addEventListener("open", () => send({ type: "connection_init", payload: {} }));
    socket.addEventListener("message", (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (frame.type === "connection_ack") {
        backoff = 1000;
        if (opened++ > 0 && onReconnect) onReconnect();
        send({ id: "1", type: "subscribe", payload: { query, variables } });
      } else if (frame.type === "ping") {
        send({ type: "pong" });
      } else if (frame.type === "next" && frame.payload && frame.payload.data) {
        onData(frame.payload.data);
      }
    });
    socket.addEventListener("close", (event) => {
      // Signed out or refused: trying again cannot help (the next page load signs in again).
      if (signal.aborted || event.code === 4401 || event.code === 4403) return;
      timer = setTimeout(connect, backoff);
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    });
  };

  signal.addEventListener("abort", () => {
    clearTimeout(timer);
    if (socket) socket.close(1000);
  });
  connect();
}
