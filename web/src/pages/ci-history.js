// The CI page's history timeline (who, what, when, why, change request; paged by "More")
// and its diff between two picked times (attributes before/after, links opened/closed).
import { h, mount, table, field, when, text, errorBox, localInputValue } from "../dom.js";
import { t } from "../i18n.js";
import { historyPage, diff, namesOf } from "./ci-data.js";
import { ciRef } from "./ci-links.js";

const KIND_LABELS = {
  create: "ciKindCreate",
  change: "ciKindChange",
  link_open: "ciKindLinkOpen",
  link_close: "ciKindLinkClose",
};

/** What an event did, in words: an attribute's before -> after, or the link's type and
 * the CI at its other end. */
function what(event, asOf) {
  const kind = t(KIND_LABELS[event.kind] || event.kind);
  if (event.kind === "link_open" || event.kind === "link_close") {
    const link = event.after || event.before || {};
    const arrow = link.direction === "in" ? "←" : "→";
    const other = link.other ? ciRef({ uid: link.other, name: link.other_name }, asOf) : "—";
    return [h("strong", {}, kind), " ", link.type || "", " ", arrow, " ", other];
  }
  if (event.kind === "change") {
    return [h("strong", {}, kind), " ", h("code", {}, event.attribute), ": ",
      h("span", { class: "ci-before" }, text(event.before)), " → ",
      h("span", { class: "ci-after" }, text(event.after))];
  }
  return h("strong", {}, kind);
}

function changeRequestLink(id) {
  return id ? h("a", { href: `#/changes/${encodeURIComponent(id)}` }, id) : "—";
}

/** The history section: the newest page of events up to `asOf`, "More" for the next. */
export function historySection(uid, asOf) {
  const body = h("div", {}, h("p", { class: "loading", role: "status" }, t("loading")));
  const columns = [
    { label: t("when"), value: (e) => when(e.at) },
    { label: t("ciWhat"), value: (e) => what(e, asOf) },
    { label: t("who"), value: (e) => e.changeSet?.actor || "—" },
    { label: t("ciSource"), value: (e) => e.changeSet?.source || "—" },
    { label: t("ciWhy"), value: (e) => e.changeSet?.reason || "—" },
    { label: t("ciChangeRequest"), value: (e) => changeRequestLink(e.changeSet?.changeRequest) },
  ];
  const shown = [];
  const count = h("p", { class: "count", "data-testid": "ci-history-count", role: "status" });
  const more = h("button", { type: "button", class: "secondary" }, t("ciMore"));
  let cursor = null;
  let total = 0;
  let hasNext = false;
  const redraw = () => {
    count.textContent = t("ciHistoryCount", { shown: shown.length, count: total });
    mount(body, count, table(columns, shown, { testid: "ci-history", empty: t("none") }),
      hasNext ? more : null); // a hidden attribute loses to the buttons' display
  };
  const load = async () => {
    more.disabled = true;
    try {
      const page = await historyPage(uid, asOf, cursor);
      shown.push(...page.events);
      total = page.totalCount ?? shown.length;
      cursor = page.endCursor;
      hasNext = page.hasNextPage;
      redraw();
    } catch (error) {
      mount(body, errorBox(error));
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener("click", () => { load().then(() => more.focus()); });
  load();
  return h("section", { "aria-labelledby": "ci-history-title" },
    h("h2", { id: "ci-history-title" }, t("ciHistory")), body);
}

/** A datetime-local input holding `iso`: its exact time while the user leaves it as set. */
function timeInput(name, iso) {
  const input = h("input", { type: "datetime-local", step: 1, name, value: iso ? localInputValue(iso) : "" });
  input.dataset.exact = iso || "";
  input.dataset.shown = input.value;
  return input;
}

function picked(input) {
  if (!input.value) return null;
  if (input.value === input.dataset.shown && input.dataset.exact) return input.dataset.exact;
  const d = new Date(input.value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Two times (default: the last two event times) and "Compare": the `diff` between them. */
export function diffSection(uid, times) {
  const n = times.length;
  const from = timeInput("from", n >= 2 ? times[n - 2] : times[0]);
  const to = timeInput("to", n >= 1 ? times[n - 1] : null);
  const result = h("div", { "data-testid": "ci-diff", "aria-live": "polite" });
  const form = h("form", {
    class: "toolbar",
    onsubmit: async (event) => {
      event.preventDefault();
      const [a, b] = [picked(from), picked(to)];
      if (!a || !b) {
        mount(result, errorBox(t("ciDiffBadTime")));
        return;
      }
      mount(result, h("p", { class: "loading" }, t("loading")));
      try {
        mount(result, await diffView(uid, a, b));
      } catch (error) {
        mount(result, errorBox(error));
      }
    },
  },
  field(t("ciDiffFrom"), from),
  field(t("ciDiffTo"), to),
  h("button", { type: "submit" }, t("ciCompare")));
  return h("section", { "aria-labelledby": "ci-diff-title" },
    h("h2", { id: "ci-diff-title" }, t("ciDiff")), form, result);
}

async function diffView(uid, from, to) {
  const changes = await diff(uid, from, to);
  const links = [...changes.linksOpened, ...changes.linksClosed];
  if (!changes.attributes.length && !links.length) return h("p", { class: "notice" }, t("ciDiffNone"));
  const names = await namesOf(links.flatMap((l) => [l.source, l.target]));
  const end = (uid_) => ciRef(names.get(uid_) || { uid: uid_ });
  const linkColumns = [
    { label: t("ciLinkType"), value: (l) => l.type },
    { label: t("ciLinkFrom"), value: (l) => end(l.source) },
    { label: t("ciLinkTo"), value: (l) => end(l.target) },
  ];
  return [
    h("p", { class: "count" }, `${when(from)} → ${when(to)}`),
    table([
      { label: t("ciAttribute"), value: (c) => h("code", {}, c.attribute) },
      { label: t("ciBefore"), value: (c) => text(c.before) },
      { label: t("ciAfter"), value: (c) => text(c.after) },
    ], changes.attributes, { caption: t("ciAttributes"), testid: "ci-diff-attributes", empty: t("none") }),
    table(linkColumns, changes.linksOpened, { caption: t("ciLinksOpened"), testid: "ci-diff-opened", empty: t("none") }),
    table(linkColumns, changes.linksClosed, { caption: t("ciLinksClosed"), testid: "ci-diff-closed", empty: t("none") }),
  ];
}
