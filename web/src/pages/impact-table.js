// The affected CIs as a table, and the same rows as CSV (UTF-8 with a BOM, so Excel reads
// Chinese right) and XLSX: one list of columns, so the files hold what the table shows.
import writeXlsxFile from "write-excel-file/universal";
import { h, badge, ciLink } from "../dom.js";
import { t } from "../i18n.js";

const STATE_ORDER = { DOWN: 0, DEGRADED: 1 };

/** The affected CIs in the table's order: DOWN first, then by depth and name. */
export function orderedAffected(affected) {
  return [...affected].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]
      || a.depth - b.depth
      || (a.name || a.uid).localeCompare(b.name || b.uid),
  );
}

export function stateLabel(state) {
  return state === "DOWN" ? t("impDown") : t("impDegraded");
}

function hours(value) {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

/** One contract's SLA as short text: "response 4 h · on-site 8 h · until 2027-12-31". */
function slaText(contract) {
  const parts = [];
  if (contract.responseTimeHours != null) parts.push(t("impSlaResponse", { hours: hours(contract.responseTimeHours) }));
  if (contract.onsiteTimeHours != null) parts.push(t("impSlaOnsite", { hours: hours(contract.onsiteTimeHours) }));
  if (contract.fixTimeHours != null) parts.push(t("impSlaFix", { hours: hours(contract.fixTimeHours) }));
  if (contract.endDate) parts.push(t("impSlaUntil", { date: contract.endDate }));
  return parts.join(" · ");
}

const list = (values) => values.join(", ");

/** The columns: heading, the cell's text (files), and the cell's node (page). */
function columns() {
  return [
    { key: "ci", label: t("impColCi"), text: (a) => a.name || a.uid, node: (a) => ciLink(a) },
    { key: "class", label: t("impColClass"), text: (a) => a.className },
    { key: "state", label: t("impColState"), text: (a) => stateLabel(a.state), node: (a) => badge(a.state, stateLabel(a.state)) },
    { key: "depth", label: t("impColDepth"), text: (a) => a.depth, class: "num" },
    { key: "services", label: t("impColServices"), text: (a) => list(a.businessServices) },
    { key: "owners", label: t("impColOwners"), text: (a) => list(a.owners) },
    { key: "support", label: t("impColSupport"), text: (a) => list(a.supportTeams) },
    { key: "contracts", label: t("impColContracts"), text: (a) => list(a.contracts.map((c) => c.contractNumber || c.name || c.uid)) },
    { key: "sla", label: t("impColSla"), text: (a) => a.contracts.map(slaText).filter(Boolean).join("; ") },
  ];
}

/** The table: a row per affected CI with a "Path" button that calls onPath(uid). */
export function affectedTable(rows, onPath) {
  const cols = columns();
  return h(
    "table",
    { class: "grid impact-table", "data-testid": "impact-table" },
    h("caption", {}, t("impTableCaption")),
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col", class: c.class }, c.label)), h("th", { scope: "col" }, h("span", { class: "sr-only" }, t("impShowPath"))))),
    h(
      "tbody",
      {},
      rows.map((a) => h(
        "tr",
        { dataset: { uid: a.uid, state: a.state } },
        cols.map((c) => h("td", { class: c.class }, c.node ? c.node(a) : String(c.text(a)))),
        h("td", {}, h("button", {
          type: "button",
          class: "secondary impact-path-button",
          "aria-pressed": "false",
          "aria-label": t("impShowPathOf", { name: a.name || a.uid }),
          onclick: () => onPath(a.uid),
        }, t("impShowPath"))),
      )),
    ),
  );
}

/** Headings and rows of text (the depth a number), as the files hold them. */
export function sheetRows(rows) {
  const cols = columns();
  return [cols.map((c) => c.label), ...rows.map((a) => cols.map((c) => c.text(a)))];
}

function csvCell(value) {
  const text = String(value ?? "");
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV text with a BOM and CRLF line ends (as Excel writes it). */
export function csvText(rows) {
  return "\uFEFF" + sheetRows(rows).map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** The rows as an XLSX Blob: the headings bold, the columns wide enough to read. */
export async function xlsxBlob(rows) {
  const [headings, ...body] = sheetRows(rows);
  const data = [
    headings.map((value) => ({ value, fontWeight: "bold" })),
    ...body.map((row) => row.map((value) => (value === "" ? null : { value }))),
  ];
  const widths = headings.map((_, i) => Math.min(60, Math.max(8, ...[headings, ...body].map((row) => String(row[i]).length + 2))));
  return writeXlsxFile(data, { sheet: t("impSheet"), columns: widths.map((width) => ({ width })) }).toBlob();
}
