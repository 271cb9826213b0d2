// Beside the topology graph: the selected device's or link's details, and the graph's text
// alternative (every device and link as tables, collapsed), which is also where keyboard
// users select and expand devices.
import { h, mount, table, badge, ciLink, when } from "../dom.js";
import { t } from "../i18n.js";
import { portsLabel } from "./topology-graph.js";

/** The side panel's content for the device `node` (actions: `onExpand(uid)`). */
export function nodeDetails(node, { expanded, onExpand, asOf }) {
  const around = `#/topology/${encodeURIComponent(node.uid)}${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ""}`;
  return [
    h("h2", { id: "topology-selected" }, node.name || node.uid),
    h(
      "dl",
      { class: "kv", "data-testid": "topology-details" },
      h("dt", {}, t("class")), h("dd", {}, node.className || "—"),
      h("dt", {}, t("status")), h("dd", {}, node.status ? badge(node.status) : "—"),
      h("dt", {}, t("topoVendor")), h("dd", {}, node.vendor || "—"),
      h("dt", {}, t("topoModel")), h("dd", {}, node.model || "—"),
      h("dt", {}, t("topoManagementIp")), h("dd", {}, node.managementIp || "—"),
      node.outside ? [h("dt", {}, t("topoWhere")), h("dd", {}, t("topoOutside"))] : null,
    ),
    h(
      "p",
      { class: "topology-actions" },
      h("a", { href: `#/ci/${encodeURIComponent(node.uid)}` }, t("topoOpenCi")),
      h("a", { href: around }, t("topoAroundIt")),
      h("button", { type: "button", disabled: expanded, onclick: () => onExpand(node.uid) },
        expanded ? t("topoExpanded") : t("topoExpand")),
    ),
  ];
}

/** The side panel's content for one link between `source` and `target` devices. */
export function edgeDetails(edge, source, target) {
  return [
    h("h2", {}, t("topoLink")),
    h(
      "dl",
      { class: "kv", "data-testid": "topology-details" },
      h("dt", {}, t("topoFrom")), h("dd", {}, `${source?.name || edge.source} ${portsLabel(edge.sourcePorts)}`),
      h("dt", {}, t("topoTo")), h("dd", {}, `${target?.name || edge.target} ${portsLabel(edge.targetPorts)}`),
      h("dt", {}, t("topoLag")), h("dd", {}, edge.lag || "—"),
      h("dt", {}, t("topoEvidence")), h("dd", {}, edge.evidence || "—"),
      h("dt", {}, t("topoSince")), h("dd", {}, when(edge.since)),
    ),
  ];
}

/** The empty side panel. */
export function noSelection() {
  return h("p", { class: "count" }, t("topoPickHint"));
}

/** Fill `box` with the devices and links tables of `state` ({nodes: Map, edges: Map,
 * expanded: Set}); `onSelect(uid)` and `onExpand(uid)` are the rows' buttons. */
export function drawTextAlternative(box, state, { onSelect, onExpand }) {
  const nodes = [...state.nodes.values()].sort((a, b) => (a.name || "").localeCompare(b.name || ""));
  const edges = [...state.edges.values()];
  const nameOf = (uid) => state.nodes.get(uid)?.name || uid;
  mount(
    box,
    table(
      [
        { label: t("name"), value: (n) => h("button", { type: "button", class: "link", onclick: () => onSelect(n.uid) }, n.name || n.uid) },
        { label: t("class"), value: (n) => n.className },
        { label: t("status"), value: (n) => (n.status ? badge(n.status) : "—") },
        { label: t("topoWhere"), value: (n) => (n.outside ? t("topoOutside") : "") },
        { label: t("topoCiPage"), value: (n) => ciLink(n) },
        {
          label: t("topoExpand"),
          value: (n) => h("button", {
            type: "button", class: "secondary", disabled: state.expanded.has(n.uid),
            "aria-label": t("topoExpandName", { name: n.name || n.uid }), onclick: () => onExpand(n.uid),
          }, state.expanded.has(n.uid) ? t("topoExpanded") : t("topoExpand")),
        },
      ],
      nodes,
      { caption: t("topoDevices"), testid: "topology-nodes", empty: t("none") },
    ),
    table(
      [
        { label: t("topoFrom"), value: (e) => `${nameOf(e.source)} ${portsLabel(e.sourcePorts)}` },
        { label: t("topoTo"), value: (e) => `${nameOf(e.target)} ${portsLabel(e.targetPorts)}` },
        { label: t("topoLag"), value: (e) => e.lag || "" },
        { label: t("topoEvidence"), value: (e) => e.evidence || "" },
        { label: t("topoSince"), value: (e) => when(e.since) },
      ],
      edges,
      { caption: t("topoLinks"), testid: "topology-links", empty: t("none") },
    ),
  );
}
