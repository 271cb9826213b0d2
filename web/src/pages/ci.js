// One CI's page (#/ci/<uid>?asOf=<ISO>): its header, attributes with the source owning
// each value, relationships by type, ownership and place, interfaces and neighbours of a
// device, its history, a time slider that re-reads the whole page as of an event's time,
// and the diff between two times. Everything is read through the public GraphQL API.
import "./ci.css";
import { h, mount, table, when, text, badge, errorBox } from "../dom.js";
import { NotSignedIn } from "../api.js";
import { t } from "../i18n.js";
import { replaceQuery } from "../router.js";
import { loadCi, eventTimes } from "./ci-data.js";
import { historySection, diffSection } from "./ci-history.js";
import { messages } from "./ci-messages.js";
import { ciRef } from "./ci-links.js";

export { messages };

let drawing = 0; // the newest draw wins when the slider moves faster than the API answers

async function render({ main, params, query }) {
  try {
    await draw(main, params[0], query.asOf || null, false);
  } catch (error) {
    // a time the API refuses (say, asOf=yesterday): its message, and the way back to now
    if (!query.asOf || error instanceof NotSignedIn) throw error;
    mount(main, h("h1", {}, t("ciTitle")), errorBox(error), backToNow(main, params[0]));
  }
}

async function draw(main, uid, asOf, focusSlider) {
  const mine = ++drawing;
  const [view, times] = await Promise.all([loadCi(uid, asOf), eventTimes(uid)]);
  if (mine !== drawing) return;
  if (!view) {
    const message = asOf ? t("ciUnknownAsOf", { uid, time: when(asOf) }) : t("ciUnknown", { uid });
    mount(
      main,
      h("h1", {}, t("ciTitle")),
      errorBox(message),
      asOf ? backToNow(main, uid) : null,
    );
    return;
  }
  const { ci } = view;
  document.title = `${ci.name || ci.uid} · CMDB`;
  const slider = timeSlider(main, uid, ci, times, asOf);
  mount(
    main,
    header(view, asOf),
    asOf ? h("div", { class: "notice ci-asof", role: "status", "data-testid": "ci-asof" },
      t("ciAsOfNotice", { time: when(asOf) }), " ", backToNow(main, uid)) : null,
    slider.element,
    h("div", { class: "cols" },
      h("div", {}, attributesSection(view), relationshipsSection(ci, asOf)),
      h("div", {}, placeSection(ci, asOf), view.device ? deviceSection(ci, asOf) : null)),
    historySection(uid, asOf),
    diffSection(uid, times),
  );
  if (focusSlider) slider.input.focus();
}

function backToNow(main, uid) {
  return h("button", {
    type: "button",
    class: "secondary",
    onclick: () => {
      replaceQuery({});
      draw(main, uid, null, true).catch((error) => mount(main, h("h1", {}, t("ciTitle")), errorBox(error)));
    },
  }, t("ciBackToNow"));
}

function header(view, asOf) {
  const { ci } = view;
  const uid = encodeURIComponent(ci.uid);
  return h("div", { class: "ci-head" },
    h("h1", {}, ci.name || ci.uid, " ", badge(ci.status)),
    h("dl", { class: "kv", "data-testid": "ci-head" },
      h("dt", {}, t("class")), h("dd", {}, ci.className),
      h("dt", {}, t("ciUid")), h("dd", {}, h("code", {}, ci.uid)),
      h("dt", {}, t("firstSeen")), h("dd", {}, when(ci.firstSeen)),
      h("dt", {}, t("lastSeen")), h("dd", {}, when(ci.lastSeen)),
      asOf ? [h("dt", {}, t("asOf")), h("dd", {}, when(asOf))] : null),
    h("p", { class: "ci-links", "data-testid": "ci-links" },
      view.device ? h("a", { href: `#/topology/${uid}` }, t("ciTopology")) : null,
      h("a", { href: `#/impact?cis=${uid}` }, t("ciImpact"))));
}

/** A range input over the CI's event times (and now): releasing it or an arrow key reads
 * the page again as of the time it points at, and keeps that time in the URL. */
function timeSlider(main, uid, ci, times, asOf) {
  const steps = times.slice();
  if (ci.firstSeen && (!steps.length || Date.parse(ci.firstSeen) < Date.parse(steps[0]))) steps.unshift(ci.firstSeen);
  const label = (i) => (i >= steps.length ? t("ciSliderNow") : when(steps[i]));
  let index = steps.length;
  if (asOf) {
    const at = Date.parse(asOf);
    index = Math.max(0, steps.filter((s) => Date.parse(s) <= at).length - 1);
  }
  const output = h("output", { class: "ci-slider-time", "data-testid": "ci-slider-time" }, label(index));
  const input = h("input", {
    type: "range", min: 0, max: steps.length, step: 1, value: index, name: "asOf",
    "aria-valuetext": label(index), "data-testid": "ci-slider",
    oninput: () => {
      const i = Number(input.value);
      output.textContent = label(i);
      input.setAttribute("aria-valuetext", label(i));
    },
    onchange: () => {
      const i = Number(input.value);
      const picked = i >= steps.length ? null : steps[i];
      replaceQuery(picked ? { asOf: picked } : {});
      draw(main, uid, picked, true).catch((error) => mount(main, h("h1", {}, t("ciTitle")), errorBox(error)));
    },
  });
  input.id = "ci-slider";
  output.setAttribute("for", input.id);
  const ticks = h("div", { class: "ci-ticks", "aria-hidden": "true" },
    h("span", {}, steps.length ? when(steps[0]) : ""), h("span", {}, t("ciSliderNow")));
  const element = h("div", { class: "panel ci-slider" },
    h("label", { for: input.id }, t("ciSlider")),
    h("div", { class: "ci-slider-row" }, input, output),
    ticks,
    h("small", {}, t("ciSliderHint", { count: steps.length + 1 })));
  return { element, input };
}

function attributesSection(view) {
  const withSources = view.attributeSources;
  const columns = [
    { label: t("ciAttribute"), value: (a) => a.name },
    { label: t("ciValue"), value: (a) => text(a.value) },
  ];
  if (withSources) {
    columns.push({ label: t("ciSource"), value: (a) => a.source || "—" });
    columns.push({ label: t("ciSourceSeen"), value: (a) => when(a.lastSeen) });
  }
  const rows = view.attributes.filter((a) => a.value !== null && a.value !== undefined);
  const coverage = view.ci.discoveryCoverage;
  return h("section", { "aria-labelledby": "ci-attrs" },
    h("h2", { id: "ci-attrs" }, t("ciAttributes")),
    table(columns, rows, { testid: "ci-attributes", empty: t("none") }),
    withSources ? null : h("dl", { class: "kv", "data-testid": "ci-sources" },
      h("dt", {}, t("ciSeenBy")),
      h("dd", {}, coverage.sources.length
        ? coverage.sources.map((s) => `${s.source} (${when(s.lastSeen)})`).join(", ") : "—"),
      coverage.scope ? [h("dt", {}, t("ciScope")), h("dd", {}, coverage.scope)] : null));
}

function relationshipsSection(ci, asOf) {
  const edges = ci.relationships.edges.map((e) => e.node);
  const groups = new Map();
  for (const rel of edges) {
    const key = `${rel.type} (${rel.direction === "OUT" ? t("ciDirOut") : t("ciDirIn")})`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(rel);
  }
  const columns = [
    { label: t("ciOther"), value: (r) => ciRef(r.other, asOf) },
    { label: t("class"), value: (r) => r.other.className },
    { label: t("status"), value: (r) => badge(r.other.status) },
    { label: t("ciSince"), value: (r) => when(r.since) },
    { label: t("ciSource"), value: (r) => r.source || "—" },
    { label: t("ciEvidence"), value: (r) => r.evidence || "—" },
  ];
  return h("section", { "aria-labelledby": "ci-rels", "data-testid": "ci-relationships" },
    h("h2", { id: "ci-rels" }, t("ciRelationships")),
    h("p", { class: "count" }, t("ciRelCount", { count: ci.relationships.totalCount })),
    [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([key, rels]) => table(columns, rels, { caption: key })));
}

function refs(list, asOf) {
  return list.length ? list.map((ci, i) => [i ? ", " : "", ciRef(ci, asOf)]) : "—";
}

function placeSection(ci, asOf) {
  return h("section", { class: "panel", "aria-labelledby": "ci-place" },
    h("h2", { id: "ci-place" }, t("ciPeople")),
    h("dl", { class: "kv", "data-testid": "ci-place" },
      h("dt", {}, t("owner")), h("dd", {}, ci.owner ? ciRef(ci.owner, asOf) : "—"),
      h("dt", {}, t("ciSupport")), h("dd", {}, refs(ci.supportedBy, asOf)),
      h("dt", {}, t("ciContracts")), h("dd", {}, refs(ci.contracts, asOf)),
      h("dt", {}, t("ciLocation")), h("dd", {}, refs(ci.location, asOf))));
}

function deviceSection(ci, asOf) {
  const interfaces = ci.interfaces || [];
  const neighbours = ci.neighbours || [];
  return h("section", { "aria-labelledby": "ci-device" },
    h("h2", { id: "ci-device" }, t("ciInterfaces")),
    table([
      { label: t("name"), value: (i) => ciRef(i, asOf) },
      { label: t("status"), value: (i) => badge(i.status) },
    ], interfaces, { testid: "ci-interfaces", empty: t("none") }),
    h("h2", {}, t("ciNeighbours")),
    table([
      { label: t("ciLocalPort"), value: (n) => ciRef(n.localPort, asOf) },
      { label: t("ciRemoteDevice"), value: (n) => ciRef(n.device, asOf) },
      { label: t("ciRemotePort"), value: (n) => ciRef(n.port, asOf) },
      { label: t("ciEvidence"), value: (n) => n.evidence || "—" },
    ], neighbours, { testid: "ci-neighbours", empty: t("none") }));
}

export const routes = [{ path: /^\/ci\/([^/]+)$/, title: "ciTitle", render }];
