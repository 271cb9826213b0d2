// The web UI: a header (navigation, language, the signed-in token), and the pages, each a
// module with its routes and messages. Every page reads the public GraphQL API only.
import "./style.css";
import { h, mount, errorBox, field } from "./dom.js";
import { signIn, signOut, token, viewer, forgetViewer } from "./api.js";
import { addMessages, lang, setLang, t, missingKeys } from "./i18n.js";
import { addRoutes, render } from "./router.js";
import { messages as common } from "./messages.js";
import * as search from "./pages/search.js";
import * as ci from "./pages/ci.js";
import * as topology from "./pages/topology.js";
import * as impact from "./pages/impact.js";
import * as changes from "./pages/changes.js";
import * as audits from "./pages/audits.js";
import * as runs from "./pages/runs.js";

const pages = [search, ci, topology, impact, changes, audits, runs];
addMessages(common);
for (const page of pages) {
  addMessages(page.messages);
  addRoutes(page.routes);
}
window.cmdbMissingMessages = missingKeys; // read by the tests: both languages complete

const NAV = [
  ["#/", "navSearch"],
  ["#/topology", "navTopology"],
  ["#/impact", "navImpact"],
  ["#/changes", "navChanges"],
  ["#/audits", "navAudits"],
  ["#/runs", "navRuns"],
];

const header = document.getElementById("top");
const main = document.getElementById("main");

function signInPage(reason = null) {
  const input = h("input", { type: "password", name: "token", autocomplete: "off", required: true });
  const status = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "signin",
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await signIn(input.value);
          forgetViewer();
          await start();
        } catch (error) {
          mount(status, errorBox(error));
        }
      },
    },
    h("h1", {}, t("signInTitle")),
    h("p", {}, t("signInHelp")),
    field(t("token"), input),
    h("button", { type: "submit" }, t("signIn")),
    status,
  );
  mount(header, brand(), languageSwitch(() => signInPage(reason)));
  mount(main, reason ? errorBox(reason) : null, form);
  document.title = `${t("signInTitle")} · CMDB`;
  input.focus();
}

function brand() {
  return h("a", { class: "brand", href: "#/" }, "CMDB");
}

function languageSwitch(redraw) {
  const select = h(
    "select",
    { id: "lang", onchange: () => { setLang(select.value); redraw(); } },
    h("option", { value: "en", selected: lang() === "en" }, "English"),
    h("option", { value: "zh", selected: lang() === "zh" }, "中文"),
  );
  return h("div", { class: "lang" }, h("label", { for: "lang", class: "sr-only" }, t("language")), select);
}

async function drawHeader() {
  const me = await viewer();
  const current = window.location.hash.split("?")[0] || "#/";
  mount(
    header,
    brand(),
    h(
      "nav",
      { "aria-label": t("mainNav") },
      h("ul", {}, NAV.map(([href, key]) => h("li", {}, h("a", {
        href,
        "aria-current": (href === "#/" ? current === "#/" || current === "#" : current.startsWith(href)) ? "page" : false,
      }, t(key))))),
    ),
    languageSwitch(start),
    h("span", { class: "viewer", "data-testid": "viewer" }, `${me.name} · ${me.role}`),
    h("button", { type: "button", class: "link", onclick: () => { signOut(); forgetViewer(); signInPage(); } }, t("signOut")),
  );
}

async function start() {
  document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
  if (!token()) return signInPage();
  try {
    await drawHeader();
  } catch (error) {
    signOut();
    return signInPage(error);
  }
  await render(main, (error) => { signOut(); signInPage(error); });
}

// the skip link moves focus to the page's content (its href would be read as a route)
document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", () => start());
start();
