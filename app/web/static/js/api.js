// The UI's only data source: /graphql (same origin; the session cookie authenticates).

export class ApiError extends Error {
  /** `code` is the first error's extensions.code (UNAUTHENTICATED, BAD_USER_INPUT, …). */
  constructor(message, code, errors) {
    super(message);
    this.code = code;
    this.errors = errors || [];
  }
}

const listeners = new Set();
/** Called with the error whenever a request comes back UNAUTHENTICATED. */
export function onUnauthenticated(listener) {
  listeners.add(listener);
}

/** Tell the listeners (main.js: go to sign-in); the live client calls it on a 4401 close. */
export function reportUnauthenticated(error) {
  for (const listener of listeners) listener(error);
}

/** Run a query or mutation; resolves to `data`, rejects with ApiError. */
export async function gql(query, variables = {}, { signal } = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("The server cannot be reached.", "NETWORK");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`The server answered ${response.status}.`, "HTTP_" + response.status);
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const code = (first.extensions && first.extensions.code) || "ERROR";
    const error = new ApiError(first.message, code, body.errors);
    if (code === "UNAUTHENTICATED") reportUnauthenticated(error);
    throw error;
  }
  return body.data;
}

/** A plain JSON request to the sign-in endpoints (/auth/…). */
export async function auth(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    credentials: "same-origin",
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null; // not JSON (a proxy's error page): the status says enough
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
