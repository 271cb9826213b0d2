// The affected graph: the failed CIs (stars), the affected CIs (DOWN red octagons,
// DEGRADED amber triangles, their state in the label too) and the CIs between them on the
// explaining paths (small grey dots), joined along those paths. Highlighting a CI fades
// everything but its paths. Exports the picture as PNG and SVG.
import cytoscape from "cytoscape";
import svg from "cytoscape-svg";

if (!cytoscape("core", "svg")) cytoscape.use(svg);

const STYLE = [
  { selector: "node", style: {
    label: "data(label)", "font-size": 11, color: "#1b1f24", "text-valign": "bottom", "text-margin-y": 3,
    "text-wrap": "wrap", "text-max-width": 140, width: 22, height: 22, "border-width": 2, "border-color": "#1b1f24",
    "background-color": "#ffffff", "min-zoomed-font-size": 3,
  } },
  { selector: "node.down", style: { shape: "octagon", "background-color": "#d93025", width: 26, height: 26 } },
  { selector: "node.degraded", style: { shape: "triangle", "background-color": "#f0a020", width: 26, height: 26 } },
  { selector: "node.failed", style: { shape: "star", width: 34, height: 34, "border-width": 3, "font-weight": 700 } },
  { selector: "node.via", style: { width: 10, height: 10, "background-color": "#8a94a6", "border-width": 1, "font-size": 9, color: "#4a5260", label: "" } },
  { selector: "node.via.onpath", style: { label: "data(label)" } },
  { selector: "edge", style: {
    width: 1.5, "line-color": "#9aa3b1", "target-arrow-shape": "triangle", "target-arrow-color": "#9aa3b1",
    "curve-style": "bezier", "arrow-scale": 0.8,
  } },
  { selector: ".faded", style: { opacity: 0.18 } },
  { selector: "edge.onpath", style: {
    width: 4, "line-color": "#0b5cad", "target-arrow-color": "#0b5cad", label: "data(relationship)",
    "font-size": 9, "text-background-color": "#ffffff", "text-background-opacity": 0.9, "text-rotation": "autorotate",
  } },
  { selector: "node.onpath", style: { "border-color": "#0b5cad", "border-width": 4 } },
  { selector: "node:selected", style: { "border-color": "#f5a623", "border-width": 5 } },
];

/** The failed CIs (the API names them as asked: by uid or name): the affected at depth 0. */
export function failedCis(analysis) {
  return analysis.affected.filter((a) => a.depth === 0);
}

const edgeId = (from, to) => `path:${from}>${to}`;

/** Every step of every explaining path as graph elements, the failed CIs first. */
export function graphElements(analysis, stateName) {
  const failed = new Set(failedCis(analysis).map((a) => a.uid));
  const affected = new Map(analysis.affected.map((a) => [a.uid, a]));
  const nodes = new Map();
  const edges = new Map();
  const addNode = (uid, name) => {
    if (nodes.has(uid)) return;
    const hit = affected.get(uid);
    const classes = [hit ? hit.state.toLowerCase() : "via", failed.has(uid) ? "failed" : ""].join(" ").trim();
    const label = hit ? `${name || uid}\n${stateName(hit.state)}` : name || uid;
    nodes.set(uid, { group: "nodes", data: { id: uid, label, state: hit?.state || "" }, classes });
  };
  for (const uid of failed) addNode(uid, affected.get(uid).name);
  for (const a of analysis.affected) {
    addNode(a.uid, a.name);
    for (const path of a.paths) {
      path.forEach((step, i) => {
        addNode(step.uid, step.name);
        const next = path[i + 1];
        if (!next) return;
        const id = edgeId(step.uid, next.uid);
        if (!edges.has(id)) edges.set(id, { group: "edges", data: { id, source: step.uid, target: next.uid, relationship: step.relationship || "" } });
      });
    }
  }
  return [...nodes.values(), ...edges.values()];
}

function drawn() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

/** Draw `analysis` in `container`; resolves with the cytoscape instance once laid out. */
export async function drawImpactGraph(container, analysis, stateName) {
  const cy = cytoscape({
    container,
    elements: graphElements(analysis, stateName),
    style: STYLE,
    boxSelectionEnabled: false,
    selectionType: "single",
    minZoom: 0.05,
    maxZoom: 3,
    wheelSensitivity: 0.4,
  });
  const roots = cy.nodes(".failed");
  const layout = cy.layout({
    name: "breadthfirst", directed: true, roots: roots.nonempty() ? roots : undefined, spacingFactor: 1.1,
    padding: 30, animate: false, fit: true, nodeDimensionsIncludeLabels: true,
  });
  const stopped = new Promise((resolve) => layout.one("layoutstop", resolve));
  layout.run();
  await stopped;
  await drawn();
  return cy;
}

/** Fade all but the explaining paths of `affected`; the uids and edge ids highlighted. */
export function highlightPaths(cy, affected) {
  const nodeIds = new Set();
  const edgeIds = new Set();
  for (const path of affected.paths) {
    path.forEach((step, i) => {
      nodeIds.add(step.uid);
      if (path[i + 1]) edgeIds.add(edgeId(step.uid, path[i + 1].uid));
    });
  }
  nodeIds.add(affected.uid);
  cy.batch(() => {
    cy.elements().removeClass("onpath").addClass("faded");
    for (const id of [...nodeIds, ...edgeIds]) cy.getElementById(id).removeClass("faded").addClass("onpath");
    cy.elements(":selected").unselect();
    cy.getElementById(affected.uid).select();
  });
  const box = cy.getElementById(affected.uid).renderedBoundingBox();
  if (box.x2 < 0 || box.y2 < 0 || box.x1 > cy.width() || box.y1 > cy.height()) cy.center(cy.getElementById(affected.uid));
  return { nodes: [...nodeIds], edges: [...edgeIds] };
}

/** The whole graph as a PNG Blob (white background). */
export function pngBlob(cy) {
  return cy.png({ output: "blob", full: true, bg: "#ffffff", scale: 2 });
}

/** The whole graph as SVG text (white background). */
export function svgText(cy) {
  return cy.svg({ full: true, bg: "#ffffff" });
}
