// The topology drawing: devices as cytoscape nodes (colour by status, outside nodes dashed),
// links as edges labelled with their ports at each end, a LAG as one thicker edge labelled
// with its name. A merge adds what an expansion brought, placed around the expanded node
// without moving the rest; a big graph gets a fast layout (cose is slow past a hundred or so).
import cytoscape from "cytoscape";

// nodes: above this, a radial tree (linear time) instead of cose, whose passes cost n² each
// (0.8 s at 200 devices in bench/web_topology.py; with fewer passes a tree came out tangled)
const FAST_LAYOUT_ABOVE = 100;
const PLAIN_VIEWPORT_UP_TO = 500; // nodes: above, pan and zoom move a snapshot, edges hidden
const MAX_FIT_ZOOM = 1.4;
const STATUS_COLOURS = { active: "#2e8b57", planned: "#8a94a6", absent: "#c0392b", retired: "#5c6370" };
const UNKNOWN_COLOUR = "#0b5cad";

// long interface names as devices print them short: GigabitEthernet1/0/1 -> Gi1/0/1
const SHORT_PORTS = [
  [/^HundredGig(abit)?E(thernet)?/i, "Hu"],
  [/^FortyGig(abit)?E(thernet)?/i, "Fo"],
  [/^TwentyFiveGig(abit)?E(thernet)?/i, "Twe"],
  [/^TenGig(abit)?E(thernet)?/i, "Te"],
  [/^GigabitEthernet/i, "Gi"],
  [/^FastEthernet/i, "Fa"],
  [/^Port-channel/i, "Po"],
  [/^Ethernet/i, "Eth"],
];

/** An interface name as short as a device prints it. */
export function shortPort(name) {
  for (const [long, short] of SHORT_PORTS) if (long.test(name)) return name.replace(long, short);
  return name;
}

/** The ports of one end as one short label ("Gi1/0/1, Gi1/0/2"). */
export function portsLabel(ports) {
  return (ports || []).map(shortPort).join(", ");
}

/** The same link whichever way it was read: the unordered pair of ends and their ports. */
export function linkKey(edge) {
  const a = `${edge.source}|${[...edge.sourcePorts].sort().join(",")}`;
  const b = `${edge.target}|${[...edge.targetPorts].sort().join(",")}`;
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

function nodeElement(node) {
  return {
    group: "nodes",
    data: { id: node.uid, label: node.name || node.uid, colour: STATUS_COLOURS[node.status] || UNKNOWN_COLOUR },
    classes: node.outside ? "outside" : "",
  };
}

function edgeElement(edge) {
  return {
    group: "edges",
    data: {
      id: `link:${linkKey(edge)}`,
      source: edge.source,
      target: edge.target,
      sourceLabel: edge.lag ? "" : portsLabel(edge.sourcePorts),
      targetLabel: edge.lag ? "" : portsLabel(edge.targetPorts),
      lagLabel: edge.lag || "",
    },
    classes: edge.lag ? "lag" : "",
  };
}

const STYLE = [
  { selector: "node", style: {
    "background-color": "data(colour)", label: "data(label)", "font-size": 11, color: "#1b1f24",
    "text-valign": "bottom", "text-margin-y": 3, width: 22, height: 22, "border-width": 2,
    "border-color": "#1b1f24", "min-zoomed-font-size": 7,
  } },
  { selector: "node.outside", style: { "border-style": "dashed", "background-opacity": 0.35 } },
  { selector: "node.expanded", style: { "border-width": 4 } },
  { selector: "node:selected", style: { "border-color": "#f5a623", "border-width": 5 } },
  { selector: "edge", style: {
    width: 2, "line-color": "#6b7585", "curve-style": "bezier", "font-size": 9, color: "#1b1f24",
    "source-label": "data(sourceLabel)", "target-label": "data(targetLabel)",
    "source-text-offset": 28, "target-text-offset": 28, "text-background-color": "#ffffff",
    "text-background-opacity": 0.85, "text-background-padding": 1, "min-zoomed-font-size": 8,
  } },
  { selector: "edge.lag", style: { width: 6, "line-color": "#0b5cad", label: "data(lagLabel)", "font-weight": 600 } },
  { selector: "edge:selected", style: { "line-color": "#f5a623" } },
];

/** A radial tree around the best-connected device, in linear time: a breadth-first walk
 * makes the tree (other components hang off the centre too), each subtree gets an arc
 * in proportion to its leaves, and each hop is one ring further out. */
export function radialPositions(cy) {
  const byDegree = cy.nodes().sort((a, b) => b.degree(false) - a.degree(false));
  const children = new Map();
  const depth = new Map();
  const roots = [];
  for (const start of byDegree) { // one tree per component, rooted at its best connected
    if (depth.has(start.id())) continue;
    roots.push(start.id());
    depth.set(start.id(), 1);
    const queue = [start];
    for (let i = 0; i < queue.length; i += 1) {
      const node = queue[i];
      const kids = [];
      node.neighborhood("node").forEach((n) => {
        if (depth.has(n.id())) return;
        depth.set(n.id(), depth.get(node.id()) + 1);
        kids.push(n.id());
        queue.push(n);
      });
      children.set(node.id(), kids);
    }
  }
  const centre = roots.length === 1 ? roots[0] : null; // one component: its root in the middle
  const top = centre ? children.get(centre) : roots;
  const order = []; // depth-first, parents before children
  const stack = [...top].reverse();
  while (stack.length) {
    const id = stack.pop();
    order.push(id);
    stack.push(...[...children.get(id)].reverse());
  }
  const leaves = new Map();
  for (let i = order.length - 1; i >= 0; i -= 1) {
    const kids = children.get(order[i]);
    leaves.set(order[i], kids.length ? kids.reduce((sum, k) => sum + leaves.get(k), 0) : 1);
  }
  const total = top.reduce((sum, id) => sum + leaves.get(id), 0) || 1;
  const lift = centre ? 1 : 0; // rings counted from the centre
  const rings = Math.max(1, ...order.map((id) => depth.get(id) - lift));
  const gap = Math.max(70, (total * 26) / (2 * Math.PI * rings)); // ~26 units between leaves
  const positions = new Map();
  if (centre) positions.set(centre, { x: 0, y: 0 });
  const arcs = new Map();
  let from = 0;
  for (const id of top) {
    arcs.set(id, [from, from + (2 * Math.PI * leaves.get(id)) / total]);
    from = arcs.get(id)[1];
  }
  for (const id of order) {
    const [a, b] = arcs.get(id);
    const r = gap * (depth.get(id) - lift);
    positions.set(id, { x: r * Math.cos((a + b) / 2), y: r * Math.sin((a + b) / 2) });
    let at = a;
    for (const kid of children.get(id)) {
      const span = ((b - a) * leaves.get(kid)) / leaves.get(id);
      arcs.set(kid, [at, at + span]);
      at += span;
    }
  }
  return positions;
}

function layoutOptions(cy) {
  if (cy.nodes().length <= FAST_LAYOUT_ABOVE) {
    // long edges: room for a port label at each end
    return { name: "cose", animate: false, fit: true, padding: 30, randomize: true, nodeDimensionsIncludeLabels: true, idealEdgeLength: () => 110 };
  }
  const positions = radialPositions(cy);
  return { name: "preset", fit: true, padding: 20, positions: (node) => positions.get(node.id()) };
}

function drawn() {
  // cytoscape draws in animation frames: two frames after a change it is on the screen
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

/** A graph in `container` of `topology` ({nodes, edges}); resolves once laid out and drawn. */
export async function drawGraph(container, topology) {
  const big = topology.nodes.length > PLAIN_VIEWPORT_UP_TO;
  const cy = cytoscape({
    container,
    elements: [],
    style: STYLE,
    boxSelectionEnabled: false,
    selectionType: "single",
    minZoom: 0.02,
    maxZoom: 4,
    wheelSensitivity: 0.4,
    // keep panning and zooming smooth on thousands of elements
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    pixelRatio: big ? 1 : "auto",
  });
  const seen = new Set();
  cy.add([...topology.nodes.map(nodeElement), ...freshEdges(topology.edges, seen, cy)]);
  const layout = cy.layout(layoutOptions(cy));
  const stopped = new Promise((resolve) => layout.one("layoutstop", resolve));
  layout.run();
  await stopped;
  if (cy.zoom() > MAX_FIT_ZOOM) { // a few devices: drawn at a readable size, not blown up
    cy.zoom(MAX_FIT_ZOOM);
    cy.center();
  }
  await drawn();
  return cy;
}

function freshEdges(edges, seen, cy) {
  const out = [];
  for (const edge of edges) {
    const element = edgeElement(edge);
    if (seen.has(element.data.id) || cy.getElementById(element.data.id).nonempty()) continue;
    seen.add(element.data.id);
    out.push(element);
  }
  return out;
}

/** Add the nodes and edges of `topology` not drawn yet, the new nodes in a ring around
 * `aroundUid`; resolves with the counts added once drawn. */
export async function mergeGraph(cy, topology, aroundUid) {
  const centre = cy.getElementById(aroundUid);
  const origin = centre.nonempty() ? centre.position() : { x: 0, y: 0 };
  const newNodes = topology.nodes.filter((n) => cy.getElementById(n.uid).empty());
  const radius = 90 + newNodes.length * 6;
  const nodeElements = newNodes.map((node, i) => {
    const angle = (2 * Math.PI * i) / Math.max(newNodes.length, 1);
    return { ...nodeElement(node), position: { x: origin.x + radius * Math.cos(angle), y: origin.y + radius * Math.sin(angle) } };
  });
  const edgeElements = freshEdges(topology.edges, new Set(), cy);
  cy.batch(() => cy.add([...nodeElements, ...edgeElements]));
  centre.addClass("expanded");
  await drawn();
  return { nodes: nodeElements.length, edges: edgeElements.length };
}

/** Select `uid` and bring it into view (keeps the zoom unless it is off the screen). */
export function focusNode(cy, uid) {
  const node = cy.getElementById(uid);
  if (node.empty()) return;
  cy.elements(":selected").unselect();
  node.select();
  const box = node.renderedBoundingBox();
  if (box.x2 < 0 || box.y2 < 0 || box.x1 > cy.width() || box.y1 > cy.height()) cy.center(node);
}
