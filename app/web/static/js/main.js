// Boot: the application frame (top bar), then the router. Unauthenticated answers lead to sign-in.
import { auth, gql, onUnauthenticated } from "./api.js";
import { liveIndicator, setLive } from "./components/live-indicator.js";
import { h } from "./dom.js";
import { navigate, onRoute, start } from "./router.js";

const NAV = [
  ["/projects", "Projects", (path) => path === "/projects" || path.startsWith("/projects/") || path.startsWith("/issues/")],
  ["/tokens", "Tokens", (path) => path === "/tokens"],
];

const links = NAV.map(([href, text]) => h("a", { href }, text));
const email = h("span", { class: "viewer", "data-testid": "viewer" });
const signOut = h("button", { type: "button", onclick: leave }, "Sign out");
const header = h(
  "header",
  { class: "topbar" },
  h("a", { href: "/projects", class: "brand" }, h("img", { src: document.querySelector("link[rel=icon]").href, alt: "", width: 18, height: 18 }), "Faultline"),
  h("nav", { "aria-label": "Main" }, links),
  h("span", { class: "spacer" }),
  liveIndicator(),
  email,
  signOut,
);
const outlet = h("div", { id: "outlet" });
let viewerKnown = false;

async function leave() {
  signOut.disabled = true;
  try {
    await auth("POST", "/auth/sign-out");
  } finally {
    signOut.disabled = false;
    viewerKnown = false;
    email.textContent = "";
    navigate("/sign-in", { replace: true });
  }
}

async function showViewer() {
  viewerKnown = true;
  try {
    const data = await gql("{ viewer { email } }");
    email.textContent = (data.viewer && data.viewer.email) || "";
  } catch {
    viewerKnown = false; // signed out (the listener below goes to sign-in) or unreachable
  }
}

onRoute((url) => {
  const signingIn = url.pathname === "/sign-in";
  header.hidden = signingIn;
  setLive(null);
  NAV.forEach(([, , active], i) => {
    if (active(url.pathname)) links[i].setAttribute("aria-current", "page");
    else links[i].removeAttribute("aria-current");
  });
  if (signingIn) {
    viewerKnown = false;
    email.textContent = "";
  } else if (!viewerKnown) {
    showViewer();
  }
});

onUnauthenticated(() => {
  if (location.pathname !== "/sign-in") {
    const next = location.pathname + location.search;
    navigate("/sign-in?next=" + encodeURIComponent(next), { replace: true });
  }
});

document.getElementById("app").replaceChildren(header, outlet);
start(outlet);
