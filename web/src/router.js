// Hash routes (#/ci/<uid>?asOf=...): the server serves one page, the browser keeps the rest.
import { h, mount, errorBox } from "./dom.js";
import { NotSignedIn } from "./api.js";
import { t } from "./i18n.js";

const routes = [];

/** Add routes: [{path: RegExp over the hash path, render: async (ctx) => void, title: key}]. */
export function addRoutes(list) {
  routes.push(...list);
}

/** The current hash as {path, query}. */
export function location() {
  const raw = window.location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

/** Go to `path` with `query` (null values left out). */
export function navigate(path, query = {}) {
  const search = new URLSearchParams(
    Object.entries(query).filter(([, v]) => v !== null && v !== undefined && v !== ""),
  ).toString();
  window.location.hash = search ? `${path}?${search}` : path;
}

/** Rewrite the query of the current route without adding a history entry or re-rendering. */
export function replaceQuery(query) {
  const { path } = location();
  const search = new URLSearchParams(
    Object.entries(query).filter(([, v]) => v !== null && v !== undefined && v !== ""),
  ).toString();
  history.replaceState(null, "", `#${search ? `${path}?${search}` : path}`);
}

/** Render the route of the current hash into `main`; `onSignedOut` when the token is refused.
 * Each render draws into a view of its own, put in `main` at once: a slow render the user
 * has already left (another hash since) draws into a view no longer on the page. */
export async function render(main, onSignedOut) {
  const { path, query } = location();
  const view = h("div", { class: "view" });
  mount(main, view);
  const route = routes.find((r) => r.path.test(path));
  if (!route) {
    mount(view, h("h1", {}, t("notFound")), h("p", {}, path));
    return;
  }
  const params = path.match(route.path).slice(1).map(decodeURIComponent);
  document.title = `${t(route.title)} · CMDB`;
  mount(view, h("p", { class: "loading", role: "status" }, t("loading")));
  try {
    await route.render({ main: view, params, query });
  } catch (error) {
    if (!view.isConnected) return;
    if (error instanceof NotSignedIn) onSignedOut(error);
    else mount(view, h("h1", {}, t(route.title)), errorBox(error));
  }
}
