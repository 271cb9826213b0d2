// The audit page's overview: the filter's findings counted by severity (bars), by status,
// and a trend of what each recent audit run found (an inline SVG bar chart).
import { h, badge, when } from "../dom.js";
import { t } from "../i18n.js";

export const SEVERITIES = ["critical", "major", "minor", "warning", "info"];
const SVG = "http://www.w3.org/2000/svg";

export const messages = {
  en: {
    audBySeverity: "Findings by severity",
    audByStatus: "By status",
    audTrend: "Findings per audit run",
    audTrendHelp: "Violations each of the last {count} runs found, oldest left.",
    audTrendBar: "{when} ({kind}): {count} violations",
    audNoRuns: "No audit run yet.",
    sevcritical: "critical",
    sevmajor: "major",
    sevminor: "minor",
    sevwarning: "warning",
    sevinfo: "info",
    stOPEN: "open",
    stACKNOWLEDGED: "acknowledged",
    stWAIVED: "waived",
    stRESOLVED: "resolved",
  },
  zh: {
    audBySeverity: "按严重程度统计的发现",
    audByStatus: "按状态",
    audTrend: "每次审计运行的发现数",
    audTrendHelp: "最近 {count} 次运行各自发现的违规数，最早的在左。",
    audTrendBar: "{when}（{kind}）：{count} 项违规",
    audNoRuns: "尚无审计运行。",
    sevcritical: "严重",
    sevmajor: "重要",
    sevminor: "次要",
    sevwarning: "警告",
    sevinfo: "提示",
    stOPEN: "未处理",
    stACKNOWLEDGED: "已确认",
    stWAIVED: "已豁免",
    stRESOLVED: "已解决",
  },
};

/** A severity as its badge, in the user's language. */
export function severityBadge(severity) {
  return badge(severity, t(`sev${severity}`));
}

/** A finding status (OPEN or open, ...) in the user's language (an unknown one as it is). */
export function statusLabel(status) {
  const key = `st${status.toUpperCase()}`;
  const label = t(key);
  return label === key ? status : label;
}

/** A finding status as its badge, in the user's language. */
export function statusBadge(status) {
  return badge(status.toLowerCase(), statusLabel(status));
}

/** Bars of the filter's counts by severity, worst first, and the counts by status. */
export function severityPanel(totals) {
  const bySeverity = Object.fromEntries(totals.bySeverity.map((c) => [c.key, c.count]));
  const most = Math.max(1, ...Object.values(bySeverity));
  return h(
    "section",
    { class: "panel", "aria-labelledby": "aud-by-severity" },
    h("h2", { id: "aud-by-severity" }, t("audBySeverity")),
    h(
      "dl",
      { class: "aud-bars", "data-testid": "severity-counts" },
      SEVERITIES.map((severity) => {
        const count = bySeverity[severity] ?? 0;
        return [
          h("dt", {}, severityBadge(severity)),
          h(
            "dd",
            { dataset: { severity } },
            h("span", { class: `aud-bar aud-bar-${severity}`, style: `width: ${(count / most) * 100}%` }),
            h("span", { class: "aud-count" }, String(count)),
          ),
        ];
      }),
    ),
    h("h3", {}, t("audByStatus")),
    h(
      "ul",
      { class: "aud-statuses", "data-testid": "status-counts" },
      totals.byStatus.map((c) => h("li", { dataset: { status: c.key } }, statusBadge(c.key), " ", String(c.count))),
    ),
  );
}

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  el.append(...children);
  return el;
}

function day(iso) {
  return new Date(iso).toLocaleDateString(undefined, { month: "numeric", day: "numeric" });
}

/** What each of `runs` (newest first) found, as bars oldest to newest. */
export function trendPanel(runs) {
  const oldestFirst = [...runs].reverse();
  const width = 360;
  const height = 140;
  const most = Math.max(1, ...oldestFirst.map((r) => r.violations));
  const slot = width / Math.max(8, oldestFirst.length); // a few runs: narrow bars, left
  const chart = svg(
    "svg",
    { viewBox: `0 0 ${width} ${height + 16}`, class: "aud-trend", role: "img", "aria-labelledby": "aud-trend-help", "data-testid": "trend" },
    ...oldestFirst.map((run, i) => {
      const bar = Math.max(1, (run.violations / most) * (height - 14));
      const label = t("audTrendBar", { when: when(run.startedAt), kind: run.kind, count: run.violations });
      return svg(
        "g",
        { "data-run": run.id, "data-violations": run.violations },
        svg("title", {}, label),
        svg("rect", { x: i * slot + slot * 0.15, y: height - bar, width: slot * 0.7, height: bar, class: `aud-trend-${run.kind}` }),
        svg("text", { x: i * slot + slot / 2, y: height - bar - 3, "text-anchor": "middle", class: "aud-trend-n" }, String(run.violations)),
        svg("text", { x: i * slot + slot / 2, y: height + 12, "text-anchor": "middle", class: "aud-trend-day" }, day(run.startedAt)),
      );
    }),
    svg("line", { x1: 0, y1: height, x2: width, y2: height, class: "aud-trend-axis" }),
  );
  return h(
    "section",
    { class: "panel", "aria-labelledby": "aud-trend" },
    h("h2", { id: "aud-trend" }, t("audTrend")),
    runs.length
      ? [h("p", { id: "aud-trend-help", class: "count" }, t("audTrendHelp", { count: runs.length })), chart]
      : h("p", { class: "count" }, t("audNoRuns")),
  );
}
