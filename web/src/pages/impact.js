// The impact view (#/impact?cis=<uid or name>,...&mode=DOWN|MAINTENANCE&asOf=): pick the
// CIs that fail, see what is DOWN or DEGRADED as a graph of the explaining paths beside a
// table (owners, support, contracts and SLA), and export the table (CSV, XLSX) and the
// picture (PNG, SVG). Selecting a CI highlights its paths. Tests read window.cmdbImpact.
import "./impact.css";
import { h, mount, field, errorBox, table, download, when, localInputValue } from "../dom.js";
import { gql } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { messages as impactMessages } from "./impact-messages.js";
import { drawImpactGraph, failedCis, highlightPaths, pngBlob, svgText } from "./impact-graph.js";
import { affectedTable, orderedAffected, stateLabel, csvText, xlsxBlob } from "./impact-table.js";

export const messages = impactMessages;

const MODES = ["DOWN", "MAINTENANCE"];
const SUGGESTIONS = 10;
const IMPACT_QUERY = `query($cis: [String!]!, $mode: ImpactMode!, $asOf: DateTime) {
  impact(cis: $cis, mode: $mode, asOf: $asOf) {
    cis mode asOf maxDepth computedAt
    affected { uid name className state depth owners supportTeams businessServices
      paths { uid name className relationship direction }
      contracts { uid name contractNumber responseTimeHours onsiteTimeHours fixTimeHours endDate } }
    byClass { name down degraded }
    byBusinessService { name down degraded }
    byOwner { name down degraded } } }`;
const SEARCH_QUERY = "query($q: String!, $first: Int) { search(text: $q, first: $first) { uid name className } }";

let current = null; // the drawn analysis: its graph is destroyed when another is drawn

function finish() {
  if (current?.cy) current.cy.destroy();
  current = null;
  window.cmdbImpact = { isReady: false, cy: null, highlighted: null };
}

/** The picker: chips of CIs (removable), a name box with suggestions, mode, as of. */
function pickerForm({ cis, mode, asOf }) {
  const picked = [...cis];
  const problem = h("div", { "aria-live": "polite" });
  const suggestions = h("datalist", { id: "impact-suggestions" });
  const input = h("input", { type: "text", name: "ci", list: "impact-suggestions", autocomplete: "off", placeholder: "hq-core-01" });
  const chips = h("ul", { class: "impact-chips", "aria-label": t("impPicked"), "data-testid": "impact-chips" });
  const drawChips = () => mount(chips, picked.length
    ? picked.map((name, i) => h("li", { class: "impact-chip" }, h("span", {}, name), h("button", {
      type: "button",
      class: "link",
      "aria-label": t("impRemove", { name }),
      onclick: () => {
        picked.splice(i, 1);
        drawChips();
        (chips.querySelector("button") || input).focus();
      },
    }, "×")))
    : h("li", { class: "impact-chip-none" }, t("impNonePicked")));
  const add = () => {
    const name = input.value.trim();
    if (!name) return false;
    if (!picked.includes(name)) picked.push(name);
    input.value = "";
    mount(problem);
    drawChips();
    return true;
  };
  let asked = 0;
  input.addEventListener("input", async () => {
    const text = input.value.trim();
    const ask = ++asked;
    if (text.length < 2) return;
    try {
      const found = (await gql(SEARCH_QUERY, { q: text, first: SUGGESTIONS })).search;
      if (ask !== asked) return; // a newer letter was typed meanwhile
      mount(suggestions, found.map((ci) => h("option", { value: ci.name || ci.uid }, `${ci.name || ci.uid} · ${ci.className}`)));
    } catch (error) {
      mount(problem, errorBox(error));
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && input.value.trim()) {
      event.preventDefault();
      add();
    }
  });
  const modeSelect = h("select", { name: "mode" }, MODES.map((m) => h("option", { value: m, selected: m === mode }, m === "DOWN" ? t("impModeDown") : t("impModeMaintenance"))));
  const asOfInput = h("input", { type: "datetime-local", name: "asOf", step: "1", value: localInputValue(asOf) });
  const form = h(
    "form",
    {
      class: "impact-picker",
      "aria-label": t("impTitle"),
      onsubmit: (event) => {
        event.preventDefault();
        add();
        if (!picked.length) return mount(problem, errorBox(t("impNeedCi")));
        let at = null;
        if (asOfInput.value) {
          const d = new Date(asOfInput.value);
          if (Number.isNaN(d.getTime())) return mount(problem, errorBox(t("impBadAsOf", { value: asOfInput.value })));
          at = d.toISOString();
        }
        navigate("/impact", { cis: picked.join(","), mode: modeSelect.value, asOf: at });
      },
    },
    h("div", { class: "toolbar" },
      field(t("impCiInput"), input),
      h("button", { type: "button", class: "secondary", onclick: () => { add(); input.focus(); } }, t("impAdd")),
      suggestions),
    h("div", { class: "field" }, h("span", { class: "impact-chips-label" }, t("impPicked")), chips),
    h("div", { class: "toolbar" },
      field(t("impMode"), modeSelect),
      field(t("asOf"), asOfInput),
      h("button", { type: "submit", "data-testid": "impact-analyse" }, t("impAnalyse"))),
  );
  drawChips();
  return { form, problem, input };
}

function countsTable(caption, counts) {
  return table(
    [
      { label: t("name"), value: (c) => c.name },
      { label: t("impDownCount"), value: (c) => c.down, class: "num" },
      { label: t("impDegradedCount"), value: (c) => c.degraded, class: "num" },
    ],
    counts,
    { caption, empty: t("none") },
  );
}

function summary(analysis) {
  const down = analysis.affected.filter((a) => a.state === "DOWN").length;
  const degraded = analysis.affected.filter((a) => a.state === "DEGRADED").length;
  return h(
    "section",
    { class: "impact-summary", "aria-label": t("impTitle") },
    h("p", { class: "impact-count impact-count-down" },
      h("span", { class: "impact-count-label" }, `▼ ${t("impDownCount")}`),
      h("strong", { "data-testid": "impact-down" }, String(down))),
    h("p", { class: "impact-count impact-count-degraded" },
      h("span", { class: "impact-count-label" }, `◆ ${t("impDegradedCount")}`),
      h("strong", { "data-testid": "impact-degraded" }, String(degraded))),
    h("p", { class: "count" }, t("impAsked", {
      mode: analysis.mode === "DOWN" ? t("impModeDown") : t("impModeMaintenance"),
      asOf: analysis.asOf ? when(analysis.asOf) : t("now"),
      depth: analysis.maxDepth,
      computed: when(analysis.computedAt),
    })),
  );
}

/** The explaining paths of one CI as text: a line per path, CI and link by link. */
function pathText(affected) {
  return h(
    "div",
    { "data-testid": "impact-path", dataset: { uid: affected.uid } },
    h("h2", {}, t("impPathOf", { name: affected.name || affected.uid, state: stateLabel(affected.state) })),
    h("ol", {}, affected.paths.map((path) => h("li", {}, path.map((step, i) => [
      h("span", { class: "impact-step" }, step.name || step.uid),
      i < path.length - 1 ? h("span", { class: "impact-link" }, ` —${step.relationship || ""}→ `) : null,
    ])))),
  );
}

function exportBar(name, rows, cyOf, status) {
  const run = async (make) => {
    try {
      await make();
      mount(status);
    } catch (error) {
      mount(status, errorBox(t("impExportFailed", { message: error?.message ?? error })));
    }
  };
  const base = `impact-${name.replace(/[^\p{L}\p{N}._-]+/gu, "_").slice(0, 60)}`;
  return h(
    "div",
    { class: "toolbar impact-exports", role: "group", "aria-label": t("impExport") },
    h("span", { class: "impact-export-label" }, t("impExport")),
    h("button", { type: "button", class: "secondary", onclick: () => run(async () => download(`${base}.csv`, csvText(rows), "text/csv;charset=utf-8")) }, t("impExportCsv")),
    h("button", { type: "button", class: "secondary", onclick: () => run(async () => download(`${base}.xlsx`, await xlsxBlob(rows))) }, t("impExportXlsx")),
    h("button", { type: "button", class: "secondary", onclick: () => run(async () => download(`${base}.png`, pngBlob(cyOf()))) }, t("impExportPng")),
    h("button", { type: "button", class: "secondary", onclick: () => run(async () => download(`${base}.svg`, svgText(cyOf()), "image/svg+xml")) }, t("impExportSvg")),
  );
}

async function render({ main, query }) {
  finish();
  const cis = (query.cis || "").split(",").map((s) => s.trim()).filter(Boolean);
  const mode = MODES.includes(query.mode) ? query.mode : "DOWN";
  const asOf = query.asOf || null;
  const heading = h("h1", {}, t("impTitle"));
  const { form, problem, input } = pickerForm({ cis, mode, asOf });
  const intro = h("p", {}, t("impHelp"));
  if (!cis.length) {
    mount(main, heading, intro, form, problem);
    input.focus();
    return;
  }
  if (query.mode && !MODES.includes(query.mode)) {
    mount(main, heading, intro, form, problem, errorBox(t("impBadMode", { value: query.mode, modes: MODES.join(", ") })));
    return;
  }
  mount(main, heading, form, problem, h("p", { class: "loading", role: "status" }, t("loading")));
  let analysis;
  try {
    analysis = (await gql(IMPACT_QUERY, { cis, mode, asOf })).impact;
  } catch (error) {
    mount(main, heading, form, problem, errorBox(error));
    window.cmdbImpact.failed = String(error.message || error);
    return;
  }
  const failed = failedCis(analysis);
  const failedNames = failed.length ? failed.map((a) => a.name || a.uid) : analysis.cis;
  heading.textContent = t("impFailedHeading", { names: failedNames.join(", ") });
  const rows = orderedAffected(analysis.affected);
  const byUid = new Map(rows.map((a) => [a.uid, a]));
  const view = { cy: null };
  current = view;

  const graphBox = h("div", {
    class: "graph impact-graph",
    role: "img",
    "aria-label": t("impGraphLabel", { count: rows.length }),
    "data-testid": "impact-graph",
  });
  const pathBox = h("div", { class: "impact-path-box", "aria-live": "polite" }, h("p", { class: "count" }, t("impPathNone")));
  const status = h("div", { "aria-live": "polite" });
  const select = (uid) => {
    const affected = byUid.get(uid);
    if (!affected) return;
    mount(pathBox, pathText(affected));
    for (const tr of tableBox.querySelectorAll("tbody tr")) {
      const on = tr.dataset.uid === uid;
      tr.classList.toggle("impact-selected", on);
      tr.querySelector("button")?.setAttribute("aria-pressed", String(on));
    }
    if (!view.cy) return;
    const highlighted = highlightPaths(view.cy, affected);
    window.cmdbImpact.highlighted = { uid, ...highlighted };
    graphBox.dataset.highlighted = uid;
  };
  const tableBox = h("div", { class: "impact-table-box" }, affectedTable(rows, select));
  mount(
    main,
    heading,
    form,
    problem,
    summary(analysis),
    rows.length > failed.length ? null : h("p", { class: "notice", role: "note" }, t("impNothing")),
    exportBar(failedNames.join("_"), rows, () => view.cy, status),
    status,
    h("div", { class: "cols impact-cols" },
      h("div", {}, graphBox, h("p", { class: "count" }, t("impGraphHelp"))),
      h("aside", { class: "panel impact-path-panel", "aria-label": t("impShowPath") }, pathBox)),
    tableBox,
    h("div", { class: "impact-breakdown" },
      countsTable(t("impByService"), analysis.byBusinessService),
      countsTable(t("impByOwner"), analysis.byOwner),
      countsTable(t("impByClass"), analysis.byClass)),
  );
  Object.assign(window.cmdbImpact, { analysis, select });
  view.cy = await drawImpactGraph(graphBox, analysis, stateLabel);
  if (current !== view) return;
  view.cy.on("tap", "node", (event) => select(event.target.id()));
  window.cmdbImpact.cy = view.cy;
  window.cmdbImpact.isReady = true;
  graphBox.dataset.state = "ready";
}

export const routes = [{ path: /^\/impact\/?$/, title: "impTitle", render }];
