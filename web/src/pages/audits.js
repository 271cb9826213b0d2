// #/audits: the findings of a filter (severity, status, rule, CI) counted by severity and
// status, paged, with what each recent audit run found; an auditor (run_audits) runs
// the rules, acknowledges and waives findings, makes reports and imports a register.
import "./audits.css";
import { h, mount, table, field, when, ciLink, errorBox, text } from "../dom.js";
import { gql, viewer } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import * as summary from "./audits-summary.js";
import * as actions from "./audits-actions.js";
import * as tools from "./audits-reports.js";

const PAGE_SIZE = 25;
const RECENT_RUNS = 12;
const STATUSES = ["OPEN", "ACKNOWLEDGED", "WAIVED", "RESOLVED"];

const own = {
  en: {
    audTitle: "Audits",
    audSeverity: "Severity",
    audAnySeverity: "Any severity",
    audStatus: "Status",
    audUnresolved: "Open or acknowledged",
    audAnyStatus: "Any status",
    audRule: "Rule",
    audCi: "CI (name or uid)",
    audFilter: "Filter",
    audClear: "Clear",
    audCount: "{count} findings",
    audFindings: "Findings",
    audId: "Finding",
    audOpened: "Opened",
    audDetected: "Last detected",
    audWaiver: "Waiver",
    audWaiverText: "until {until} ({approver}): {reason}",
    audActions: "Actions",
    audEvidence: "Evidence",
    audHistory: "History",
    audGone: "{name} (gone)",
    audNoCi: "No CI named or with uid “{ci}”.",
    audRuns: "Audit runs",
    audKind: "Kind",
    audActor: "By",
    audStarted: "Started",
    audViolations: "Violations",
    audOpenedN: "Opened",
    audReopenedN: "Reopened",
    audResolvedN: "Resolved",
    audStillOpen: "Still open",
    audWaivedN: "Waived",
    audRunsCount: "{count} audit runs in all; the newest {shown}.",
    audPages: "Pages of findings",
  },
  zh: {
    audTitle: "审计",
    audSeverity: "严重程度",
    audAnySeverity: "全部严重程度",
    audStatus: "状态",
    audUnresolved: "未处理或已确认",
    audAnyStatus: "全部状态",
    audRule: "规则",
    audCi: "配置项（名称或 UID）",
    audFilter: "筛选",
    audClear: "清除",
    audCount: "共 {count} 项发现",
    audFindings: "发现",
    audId: "编号",
    audOpened: "首次发现",
    audDetected: "最近检测",
    audWaiver: "豁免",
    audWaiverText: "至 {until}（{approver}）：{reason}",
    audActions: "操作",
    audEvidence: "证据",
    audHistory: "历史",
    audGone: "{name}（已不存在）",
    audNoCi: "没有名称或 UID 为“{ci}”的配置项。",
    audRuns: "审计运行",
    audKind: "类型",
    audActor: "执行人",
    audStarted: "开始时间",
    audViolations: "违规",
    audOpenedN: "新开",
    audReopenedN: "重开",
    audResolvedN: "解决",
    audStillOpen: "仍未解决",
    audWaivedN: "豁免",
    audRunsCount: "共 {count} 次审计运行；显示最近 {shown} 次。",
    audPages: "发现分页",
  },
};

export const messages = {
  en: { ...own.en, ...summary.messages.en, ...actions.messages.en, ...tools.messages.en },
  zh: { ...own.zh, ...summary.messages.zh, ...actions.messages.zh, ...tools.messages.zh },
};

const FINDINGS = `query($filter: FindingFilter, $first: Int, $after: String) {
  findings(filter: $filter, first: $first, after: $after) {
    totalCount
    totals { bySeverity { key count } byStatus { key count } }
    edges { node {
      id rule title severity status ciUid ciName evidence openedAt lastDetectedAt
      waiver { reason approver until }
      history { seq action toStatus actor at comment }
      ci { uid name }
    } }
    pageInfo { hasNextPage endCursor }
  } }`;
const RUNS = `query($first: Int) { auditRuns(first: $first) {
  totalCount edges { node {
    id kind actor reason startedAt violations opened reopened resolved stillOpen waived } } } }`;
const CI_BY = `query($v: String!) { byUid: ci(uid: $v) { uid } byName: ci(name: $v) { uid } }`;

let notice = null; // what the last action did, shown once on the redraw after it

/** The CI filter's uid: the CI of that uid, else of that name, else one clear error. */
async function ciUid(ci) {
  if (!ci) return null;
  const found = await gql(CI_BY, { v: ci });
  const uid = found.byUid?.uid ?? found.byName?.uid;
  if (!uid) throw new Error(t("audNoCi", { ci }));
  return uid;
}

async function render(ctx) {
  const { main, query } = ctx;
  const { severity = "", status = "", rule = "", ci = "", after = "" } = query;
  const hash = window.location.hash;
  const me = await viewer();
  const mayAct = me.permissions.includes("run_audits");
  const filter = {};
  if (severity) filter.severity = [severity];
  if (status === "ALL") filter.status = STATUSES;
  else if (status) filter.status = [status];
  if (rule) filter.rule = rule;
  const heading = h("h1", {}, t("audTitle"));
  let uid;
  try {
    uid = await ciUid(ci);
  } catch (error) {
    mount(main, heading, filterForm(query), errorBox(error));
    return;
  }
  if (uid) filter.ciUid = uid;
  const [found, runs] = await Promise.all([
    gql(FINDINGS, { filter, first: PAGE_SIZE, after: after || null }),
    gql(RUNS, { first: RECENT_RUNS }),
  ]);
  if (window.location.hash !== hash) return; // the user went on while this loaded
  const page = found.findings;
  const recent = runs.auditRuns.edges.map((e) => e.node);
  const redraw = (message) => {
    notice = message;
    render(ctx).catch((error) => mount(main, heading, errorBox(error)));
  };
  // what the last action did, focused: a keyboard user goes on from there
  const announced = notice ? h("p", { class: "notice", role: "status", tabindex: "-1", "data-testid": "notice" }, notice) : null;
  notice = null;
  mount(
    main,
    heading,
    announced,
    h("div", { class: "aud-overview" }, summary.severityPanel(page.totals), summary.trendPanel(recent)),
    mayAct ? actions.runAuditForm(redraw) : null,
    h("h2", {}, t("audFindings")),
    filterForm(query),
    h("p", { class: "count", role: "status", "data-testid": "finding-count" }, t("audCount", { count: page.totalCount })),
    findingsTable(page.edges.map((e) => e.node), mayAct, redraw),
    pager(page, query),
    runsTable(recent, runs.auditRuns.totalCount),
    mayAct ? h("div", { class: "aud-tools" }, tools.reportBox(recent), tools.importBox()) : null,
  );
  announced?.focus();
}

function filterForm(query) {
  const severity = h(
    "select",
    { name: "severity" },
    h("option", { value: "" }, t("audAnySeverity")),
    summary.SEVERITIES.map((s) => h("option", { value: s, selected: s === query.severity }, t(`sev${s}`))),
  );
  const status = h(
    "select",
    { name: "status" },
    h("option", { value: "" }, t("audUnresolved")),
    STATUSES.map((s) => h("option", { value: s, selected: s === query.status }, t(`st${s}`))),
    h("option", { value: "ALL", selected: query.status === "ALL" }, t("audAnyStatus")),
  );
  const rule = h("input", { name: "rule", value: query.rule || "", size: 14 });
  const ci = h("input", { name: "ci", value: query.ci || "", size: 18 });
  const filtered = query.severity || query.status || query.rule || query.ci;
  return h(
    "form",
    {
      class: "toolbar",
      "aria-label": t("audFilter"),
      onsubmit: (event) => {
        event.preventDefault();
        navigate("/audits", { severity: severity.value, status: status.value, rule: rule.value.trim(), ci: ci.value.trim() });
      },
    },
    field(t("audSeverity"), severity),
    field(t("audStatus"), status),
    field(t("audRule"), rule),
    field(t("audCi"), ci),
    h("button", { type: "submit" }, t("audFilter")),
    filtered ? h("a", { href: "#/audits", class: "btn secondary" }, t("audClear")) : null,
  );
}

function evidence(value) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return text(value);
  const entries = Object.entries(value);
  if (!entries.length) return "—";
  return h("dl", { class: "kv aud-evidence" }, entries.map(([k, v]) => [h("dt", {}, k), h("dd", {}, text(v))]));
}

function details(finding) {
  return h(
    "details",
    {},
    h("summary", {}, t("audHistory")),
    h("h4", {}, t("audEvidence")),
    evidence(finding.evidence),
    h("ol", { class: "aud-history" }, finding.history.map((step) =>
      h("li", {}, `${when(step.at)} · ${step.action} → ${summary.statusLabel(step.toStatus)} · ${step.actor}`,
        step.comment ? ` · ${step.comment}` : ""))),
  );
}

/** The findings, one row each; an auditor's buttons open the action's form below the row. */
function findingsTable(findings, mayAct, redraw) {
  const columns = [
    { label: t("audId"), value: (f) => f.id },
    { label: t("audSeverity"), value: (f) => summary.severityBadge(f.severity) },
    { label: t("audRule"), value: (f) => [h("strong", {}, f.rule), h("div", { class: "aud-title" }, f.title), details(f)] },
    { label: "CI", value: (f) => (f.ci ? ciLink(f.ci) : t("audGone", { name: f.ciName || f.ciUid })), class: "aud-nowrap" },
    { label: t("audStatus"), value: (f) => summary.statusBadge(f.status) },
    { label: t("audOpened"), value: (f) => when(f.openedAt) },
    { label: t("audDetected"), value: (f) => when(f.lastDetectedAt) },
    { label: t("audWaiver"), value: (f) => (f.waiver ? t("audWaiverText", { until: f.waiver.until.slice(0, 10), approver: f.waiver.approver, reason: f.waiver.reason }) : "—") },
  ];
  if (mayAct) columns.push({ label: t("audActions"), value: (f) => actionButtons(f, columns.length, redraw) });
  const grid = table(columns, findings, { testid: "findings", empty: t("none") });
  grid.querySelectorAll("tbody tr").forEach((row, i) => { if (findings[i]) row.dataset.finding = findings[i].id; });
  return grid;
}

function actionButtons(finding, width, redraw) {
  const open = (kind) => (event) => {
    const row = event.target.closest("tr");
    row.nextElementSibling?.classList.contains("aud-form-row") && row.nextElementSibling.remove();
    const close = () => { formRow.remove(); event.target.focus(); };
    const form = actions.findingForm(kind, finding, { done: redraw, cancel: close });
    const formRow = h("tr", { class: "aud-form-row" }, h("td", { colspan: width }, form));
    row.after(formRow);
    form.querySelector("input").focus();
  };
  const unresolved = finding.status !== "RESOLVED";
  return h(
    "div",
    { class: "aud-buttons" },
    finding.status === "OPEN"
      ? h("button", { type: "button", class: "secondary", "aria-label": t("audAckOne", { id: finding.id }), onclick: open("ack") }, t("audAck"))
      : null,
    unresolved
      ? h("button", { type: "button", class: "secondary", "aria-label": t("audWaiveOne", { id: finding.id }), onclick: open("waive") }, t("audWaive"))
      : null,
  );
}

function pager(page, query) {
  return h(
    "nav",
    { class: "pager", "aria-label": t("audPages") },
    h("button", { type: "button", class: "secondary", disabled: !query.after, onclick: () => history.back() }, t("previous")),
    h("button", {
      type: "button",
      disabled: !page.pageInfo.hasNextPage,
      onclick: () => navigate("/audits", { ...query, after: page.pageInfo.endCursor }),
    }, t("next")),
  );
}

function runsTable(runs, total) {
  const count = (key, field) => ({ label: t(key), value: (r) => String(r[field]), class: "num" });
  const columns = [
    { label: "ID", value: (r) => r.id },
    { label: t("audKind"), value: (r) => r.kind },
    { label: t("audStarted"), value: (r) => when(r.startedAt) },
    { label: t("audActor"), value: (r) => r.actor },
    { label: t("reason"), value: (r) => r.reason || "—" },
    count("audViolations", "violations"),
    count("audOpenedN", "opened"),
    count("audReopenedN", "reopened"),
    count("audResolvedN", "resolved"),
    count("audStillOpen", "stillOpen"),
    count("audWaivedN", "waived"),
  ];
  return [
    h("h2", { id: "aud-runs" }, t("audRuns")),
    h("p", { class: "count" }, t("audRunsCount", { count: total, shown: runs.length })),
    table(columns, runs, { testid: "audit-runs", empty: t("audNoRuns") }),
  ];
}

export const routes = [{ path: /^\/audits$/, title: "audTitle", render }];
