// Boot: the application frame, then the router. Unauthenticated answers lead to sign-in.
import { onUnauthenticated } from "./api.js";
import { navigate, start } from "./router.js";

onUnauthenticated(() => {
  if (location.pathname !== "/sign-in") {
    const next = location.pathname + location.search;
    navigate("/sign-in?next=" + encodeURIComponent(next), { replace: true });
  }
});

start(document.getElementById("app"));
