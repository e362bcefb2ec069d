// Sign in with email and password (POST /auth/sign-in sets the session cookie), then go on.
import { auth } from "../api.js";
import { h, replace } from "../dom.js";
import { navigate } from "../router.js";

/** Where to go after signing in: a same-origin path only (never "//host" or a full URL). */
export function safeNext(raw) {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/projects";
  const url = new URL(raw, location.origin);
  if (url.origin !== location.origin || url.pathname === "/sign-in") return "/projects";
  return url.pathname + url.search + url.hash;
}

function refusal(answer) {
  const said = answer.body && answer.body.error;
  if (said) return said; // the server's words (a 429 names its wait)
  const wait = answer.headers.get("Retry-After");
  if (answer.status === 429 && wait) return `Too many attempts. Try again in ${wait} s.`;
  return `Sign-in failed (HTTP ${answer.status}).`;
}

export async function render({ root, query }) {
  const next = safeNext(query.get("next"));
  const email = h("input", { id: "email", name: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const problem = h("p", { class: "error", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, "Sign in");
  const setup = h("div", { class: "first-user" });
  const form = h(
    "form",
    { class: "sign-in", onsubmit: submit, novalidate: false },
    h("div", { class: "brand-large" }, "Faultline"),
    h("h1", {}, "Sign in"),
    setup,
    h("label", { for: "email" }, "Email"),
    email,
    h("label", { for: "password" }, "Password"),
    password,
    problem,
    button,
  );
  root.classList.add("narrow");
  root.append(form);
  email.focus();

  async function submit(event) {
    event.preventDefault();
    button.disabled = true;
    problem.textContent = "";
    try {
      const answer = await auth("POST", "/auth/sign-in", { email: email.value.trim(), password: password.value });
      if (answer.status === 200) return navigate(next, { replace: true });
      problem.textContent = refusal(answer);
      if (answer.status === 401) password.select();
    } catch {
      problem.textContent = "The server cannot be reached.";
    } finally {
      button.disabled = false;
    }
  }

  try {
    const session = await auth("GET", "/auth/session");
    if (session.status !== 200 || !session.body) return;
    if (session.body.user) return navigate(next, { replace: true });
    if (!session.body.has_users && session.body.first_user_command) {
      replace(
        setup,
        h("p", {}, "No user exists yet. Create the first one on the server:"),
        h("pre", {}, h("code", {}, session.body.first_user_command)),
      );
    }
  } catch {
    // The form still works; a failed session check only hides the first-user hint.
  }
}
