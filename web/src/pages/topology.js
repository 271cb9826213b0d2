// The topology view: a device and its neighbours to a depth of 1-4 hops
// (#/topology/<uid>?depth=&asOf=), or every device of a site with its links and the
// devices they reach outside it (#/topology/site/<site>?asOf=), drawn with cytoscape.
// Clicking a device (or its Expand button in the text alternative) reads its neighbours
// and merges them in. Tests and the browser benchmark read window.cmdbTopology.
import "./topology.css";
import { h, mount, field, errorBox, localInputValue } from "../dom.js";
import { gql } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { drawGraph, mergeGraph, focusNode, linkKey } from "./topology-graph.js";
import { nodeDetails, edgeDetails, noSelection, drawTextAlternative } from "./topology-panel.js";
import { messages as topologyMessages } from "./topology-messages.js";

export const messages = topologyMessages;

const DEPTHS = [1, 2, 3, 4];
const TOPOLOGY_FIELDS = `nodes { uid name className status vendor model managementIp outside }
  edges { id source target sourcePorts targetPorts lag evidence since } truncated`;
const DEVICE_QUERY = `query($ci: String!, $depth: Int!, $asOf: DateTime) {
  topology(ci: $ci, depth: $depth, asOf: $asOf) { ${TOPOLOGY_FIELDS} } }`;
const SITE_QUERY = `query($site: String!, $asOf: DateTime) {
  siteTopology(site: $site, asOf: $asOf) { ${TOPOLOGY_FIELDS} } }`;

let current = null; // the drawn view: destroyed when another one is drawn
let renders = 0; // a view whose answer comes after a newer route began draws nothing

function viewForm({ kind, target, depth, asOf }) {
  const kindSelect = h(
    "select",
    { name: "kind" },
    h("option", { value: "device", selected: kind === "device" }, t("topoKindDevice")),
    h("option", { value: "site", selected: kind === "site" }, t("topoKindSite")),
  );
  const targetInput = h("input", { type: "text", name: "target", value: target, required: true, placeholder: "hq-core-01, HQ" });
  const depthSelect = h(
    "select",
    { name: "depth", disabled: kind === "site" },
    DEPTHS.map((d) => h("option", { value: String(d), selected: d === depth }, String(d))),
  );
  kindSelect.addEventListener("change", () => { depthSelect.disabled = kindSelect.value === "site"; });
  const asOfInput = h("input", { type: "datetime-local", name: "asOf", step: "1", value: localInputValue(asOf) });
  const problem = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "toolbar",
      "aria-label": t("topoTitle"),
      onsubmit: (event) => {
        event.preventDefault();
        const name = targetInput.value.trim();
        if (!name) return;
        let when = null;
        if (asOfInput.value) {
          const at = new Date(asOfInput.value);
          if (Number.isNaN(at.getTime())) return mount(problem, errorBox(t("topoBadAsOf", { value: asOfInput.value })));
          when = at.toISOString();
        }
        if (kindSelect.value === "site") navigate(`/topology/site/${encodeURIComponent(name)}`, { asOf: when });
        else navigate(`/topology/${encodeURIComponent(name)}`, { depth: depthSelect.value, asOf: when });
      },
    },
    field(t("topoKind"), kindSelect),
    field(t("topoTarget"), targetInput),
    field(t("topoDepth"), depthSelect),
    field(t("asOf"), asOfInput),
    h("button", { type: "submit" }, t("topoDraw")),
    asOf ? h("button", { type: "button", class: "secondary", onclick: () => { asOfInput.value = ""; form.requestSubmit(); } }, t("topoNow")) : null,
  );
  return { form, problem, targetInput };
}

async function renderForm({ main }) {
  finish();
  const { form, problem, targetInput } = viewForm({ kind: "device", target: "", depth: 1, asOf: null });
  mount(main, h("h1", {}, t("topoTitle")), h("p", {}, t("topoHelp")), form, problem);
  targetInput.focus();
}

function finish() {
  renders += 1;
  if (current?.cy) current.cy.destroy();
  current = null;
  window.cmdbTopology = { isReady: false, view: window.location.hash, expansions: 0, nodes: () => [], edges: () => [] };
}

async function renderView(main, { kind, target, depth, asOf }) {
  finish();
  const mine = renders;
  const { form, problem } = viewForm({ kind, target, depth, asOf });
  const heading = h("h1", {}, kind === "site" ? t("topoSiteHeading", { site: target }) : t("topoDeviceHeading", { name: target }));
  mount(main, heading, form, problem, h("p", { class: "loading", role: "status" }, t("loading")));
  if (!Number.isInteger(depth) || !DEPTHS.includes(depth)) {
    mount(main, heading, form, errorBox(t("topoBadDepth", { value: depth })));
    return;
  }
  let answer;
  try {
    answer = kind === "site"
      ? (await gql(SITE_QUERY, { site: target, asOf })).siteTopology
      : (await gql(DEVICE_QUERY, { ci: target, depth, asOf })).topology;
  } catch (error) {
    if (mine !== renders) return;
    mount(main, heading, form, errorBox(error));
    window.cmdbTopology.failed = String(error.message || error);
    return;
  }
  if (mine !== renders) return;
  window.cmdbTopology.answeredAt = performance.now(); // the benchmark: the API's share
  const state = { nodes: new Map(), edges: new Map(), expanded: new Set(), pending: new Set(), asOf };
  absorb(state, answer);
  const centre = answer.nodes.find((n) => n.uid === target) || answer.nodes.find((n) => n.name === target);
  if (kind === "device" && centre) {
    state.expanded.add(centre.uid);
    heading.textContent = t("topoDeviceHeading", { name: centre.name || centre.uid });
  }

  const counts = h("p", { class: "count", "data-testid": "topology-counts", role: "status" });
  const news = h("div", { class: "topology-news", "aria-live": "polite" });
  const graphBox = h("div", { class: "graph topology-graph", role: "img", "data-testid": "topology-graph" });
  const panel = h("aside", { class: "panel topology-panel", "aria-live": "polite", "aria-label": t("topoDetails") }, noSelection());
  const textBox = h("div", {});
  const textAlt = h("details", { class: "topology-text" }, h("summary", {}, t("topoTextAlternative")), textBox);
  mount(
    main,
    heading,
    form,
    problem,
    answer.truncated ? h("div", { class: "notice", role: "note" }, t("topoTruncated", { count: answer.nodes.length })) : null,
    counts,
    news,
    h("div", { class: "cols" }, graphBox, panel),
    textAlt,
  );

  const view = { state, cy: null, selected: null };
  current = view;
  const refresh = () => {
    counts.textContent = t("topoCounts", { nodes: state.nodes.size, edges: state.edges.size });
    graphBox.setAttribute("aria-label", t("topoGraphLabel", { nodes: state.nodes.size, edges: state.edges.size }));
    if (textAlt.open) drawTextAlternative(textBox, state, actions);
    if (view.selected) showNode(view.selected);
  };
  const showNode = (uid) => {
    const node = state.nodes.get(uid);
    if (!node) return;
    view.selected = uid;
    mount(panel, nodeDetails(node, { expanded: state.expanded.has(uid), onExpand: expand, asOf }));
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (current !== view) return;
      window.cmdbTopology.shown = uid; // read by the benchmark: the selection drawn
      window.cmdbTopology.shownAt = performance.now();
    }));
  };
  const select = (uid) => {
    if (view.cy) focusNode(view.cy, uid);
    showNode(uid);
  };
  const expand = async (uid) => {
    if (state.expanded.has(uid) || state.pending.has(uid) || !view.cy) return;
    state.pending.add(uid);
    const name = state.nodes.get(uid)?.name || uid;
    mount(news, h("p", { class: "loading" }, t("topoExpanding", { name })));
    try {
      const more = (await gql(DEVICE_QUERY, { ci: uid, depth: 1, asOf })).topology;
      if (current !== view) return; // another view was drawn meanwhile
      const added = absorb(state, more);
      await mergeGraph(view.cy, more, uid);
      if (current !== view) return;
      state.expanded.add(uid);
      mount(news, h("p", {}, t("topoExpandedNews", { name, nodes: added.nodes, edges: added.edges })));
      refresh();
      window.cmdbTopology.expandedAt = performance.now();
      window.cmdbTopology.expansions += 1;
    } catch (error) {
      mount(news, errorBox(error));
    } finally {
      state.pending.delete(uid);
    }
  };
  const actions = { onSelect: select, onExpand: expand };
  textAlt.addEventListener("toggle", () => { if (textAlt.open) drawTextAlternative(textBox, state, actions); });
  refresh();

  let markReady;
  const ready = new Promise((resolve) => { markReady = resolve; });
  Object.assign(window.cmdbTopology, {
    ready,
    nodes: () => [...state.nodes.values()],
    edges: () => [...state.edges.values()],
    expand,
    select,
  });
  view.cy = await drawGraph(graphBox, answer);
  if (current !== view) return;
  window.cmdbTopology.cy = view.cy;
  view.cy.on("tap", "node", (event) => { showNode(event.target.id()); expand(event.target.id()); });
  view.cy.on("tap", "edge", (event) => {
    const edge = state.edges.get(event.target.id().replace(/^link:/, ""));
    if (!edge) return;
    view.selected = null;
    mount(panel, edgeDetails(edge, state.nodes.get(edge.source), state.nodes.get(edge.target)));
  });
  if (centre) select(centre.uid);
  window.cmdbTopology.readyAt = performance.now();
  window.cmdbTopology.isReady = true;
  graphBox.dataset.state = "ready";
  markReady(true);
}

/** Merge an answer into the state; what it added ({nodes, edges}). */
function absorb(state, answer) {
  const before = { nodes: state.nodes.size, edges: state.edges.size };
  for (const node of answer.nodes) if (!state.nodes.has(node.uid)) state.nodes.set(node.uid, node);
  for (const edge of answer.edges) {
    const key = linkKey(edge);
    if (!state.edges.has(key)) state.edges.set(key, edge);
  }
  return { nodes: state.nodes.size - before.nodes, edges: state.edges.size - before.edges };
}

function depthOf(query) {
  if (query.depth === undefined || query.depth === "") return 1;
  return /^\d+$/.test(query.depth) ? Number(query.depth) : query.depth;
}

export const routes = [
  { path: /^\/topology\/?$/, title: "topoTitle", render: renderForm },
  {
    path: /^\/topology\/site\/(.+)$/,
    title: "topoTitle",
    render: ({ main, params, query }) => renderView(main, { kind: "site", target: params[0], depth: 1, asOf: query.asOf || null }),
  },
  {
    path: /^\/topology\/([^/]+)$/,
    title: "topoTitle",
    render: ({ main, params, query }) => renderView(main, { kind: "device", target: params[0], depth: depthOf(query), asOf: query.asOf || null }),
  },
];
