// #/runs: discovery runs, newest first (of one job when asked), paged: the site whose
// collector ran it (or the centre), started, status, targets answered and failed, coverage.
// #/runs/<id>: one run per target: what each protocol covered (tables too) and each
// failure with the collector's error text.
import "./audits.css";
import { h, mount, table, field, when, badge, text } from "../dom.js";
import { gql } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";

const PAGE_SIZE = 20;
const COVERED = new Set(["answered", "complete", "ok"]);

export const messages = {
  en: {
    runsTitle: "Discovery runs",
    runsJob: "Job",
    runsSite: "Site",
    runsCentre: "centre",
    runsAnyJob: "Every job (or name one)",
    runsShow: "Show",
    runsId: "Run",
    runsStarted: "Started",
    runsFinished: "Finished",
    runsStatus: "Status",
    runsTargets: "Targets",
    runsAnswered: "Answered",
    runsFailed: "Failed",
    runsReached: "Reached",
    runsCoverage: "Coverage",
    runsCoverageText: "{covered} of {all} target protocols answered",
    runsNone: "No discovery run.",
    runsPages: "Pages of runs",
    runTitle: "Discovery run {id}",
    runNotFound: "There is no discovery run {id}.",
    runBack: "All discovery runs",
    runPerTarget: "Per target",
    runTarget: "Target",
    runResult: "Result",
    runProtocols: "Protocols",
    runErrors: "Errors",
    runOk: "answered",
    runFailedTarget: "failed",
    runFailures: "Failures",
    runProtocol: "Protocol",
    runKind: "Kind",
    runError: "Error",
    runCommand: "Command",
    runCoverage: "Coverage by target and protocol",
    runTables: "Tables",
    runNoFailures: "No target failed.",
  },
  zh: {
    runsTitle: "发现任务",
    runsJob: "任务",
    runsSite: "站点",
    runsCentre: "中心",
    runsAnyJob: "全部任务（或填写名称）",
    runsShow: "显示",
    runsId: "运行",
    runsStarted: "开始时间",
    runsFinished: "结束时间",
    runsStatus: "状态",
    runsTargets: "目标",
    runsAnswered: "已应答",
    runsFailed: "失败",
    runsReached: "已处理",
    runsCoverage: "覆盖",
    runsCoverageText: "{all} 个目标协议中 {covered} 个已应答",
    runsNone: "没有发现任务运行记录。",
    runsPages: "运行分页",
    runTitle: "发现任务运行 {id}",
    runNotFound: "没有发现任务运行 {id}。",
    runBack: "全部发现任务运行",
    runPerTarget: "按目标",
    runTarget: "目标",
    runResult: "结果",
    runProtocols: "协议",
    runErrors: "错误",
    runOk: "已应答",
    runFailedTarget: "失败",
    runFailures: "失败明细",
    runProtocol: "协议",
    runKind: "类型",
    runError: "错误信息",
    runCommand: "命令",
    runCoverage: "按目标和协议的覆盖情况",
    runTables: "数据表",
    runNoFailures: "没有失败的目标。",
  },
};

const RUN_FIELDS = `id job site status startedAt finishedAt targets reached answered failed
  failures { target protocol kind message command }
  coverage { target protocol status tables }`;
const RUNS = `query($job: String, $first: Int!, $after: String) {
  discoveryRuns(job: $job, first: $first, after: $after) {
    hasNextPage endCursor runs { ${RUN_FIELDS} } } }`;
const RUN = `query($id: String!) { discoveryRun(id: $id) { ${RUN_FIELDS} } }`;

function coverageText(run) {
  const covered = run.coverage.filter((c) => COVERED.has(c.status)).length;
  return t("runsCoverageText", { covered, all: run.coverage.length });
}

/** The remote site whose collector ran the run, or the centre (a run on its machine). */
function siteText(run) {
  return run.site ?? t("runsCentre");
}

async function renderRuns({ main, query }) {
  const { job = "", after = "" } = query;
  const hash = window.location.hash;
  const page = (await gql(RUNS, { job: job || null, first: PAGE_SIZE, after: after || null })).discoveryRuns;
  if (window.location.hash !== hash) return; // the user went on while this loaded
  const input = h("input", { name: "job", value: job, size: 20 });
  const columns = [
    { label: t("runsId"), value: (r) => h("a", { href: `#/runs/${encodeURIComponent(r.id)}` }, r.id) },
    { label: t("runsJob"), value: (r) => r.job },
    { label: t("runsSite"), value: siteText },
    { label: t("runsStarted"), value: (r) => when(r.startedAt) },
    { label: t("runsStatus"), value: (r) => badge(r.status) },
    { label: t("runsTargets"), value: (r) => String(r.targets), class: "num" },
    { label: t("runsAnswered"), value: (r) => String(r.answered), class: "num" },
    { label: t("runsFailed"), value: (r) => String(r.failed), class: "num" },
    { label: t("runsCoverage"), value: coverageText },
  ];
  mount(
    main,
    h("h1", {}, t("runsTitle")),
    h(
      "form",
      { class: "toolbar", onsubmit: (event) => { event.preventDefault(); navigate("/runs", { job: input.value.trim() }); } },
      field(t("runsAnyJob"), input),
      h("button", { type: "submit" }, t("runsShow")),
    ),
    table(columns, page.runs, { testid: "runs", empty: t("runsNone") }),
    h(
      "nav",
      { class: "pager", "aria-label": t("runsPages") },
      h("button", { type: "button", class: "secondary", disabled: !after, onclick: () => history.back() }, t("previous")),
      h("button", { type: "button", disabled: !page.hasNextPage, onclick: () => navigate("/runs", { job, after: page.endCursor }) }, t("next")),
    ),
  );
}

/** Each target of a run: its protocols' coverage and its failures, targets in order. */
function perTarget(run) {
  const targets = new Map();
  const entry = (target) => {
    if (!targets.has(target)) targets.set(target, { target, coverage: [], failures: [] });
    return targets.get(target);
  };
  for (const c of run.coverage) entry(c.target).coverage.push(c);
  for (const f of run.failures) entry(f.target).failures.push(f);
  return [...targets.values()].sort((a, b) => a.target.localeCompare(b.target, undefined, { numeric: true }));
}

function tables(value) {
  if (!value || typeof value !== "object") return text(value);
  return Object.entries(value).map(([name, status]) => `${name}: ${text(status)}`).join(", ");
}

async function renderRun({ main, params: [id] }) {
  const hash = window.location.hash;
  const run = (await gql(RUN, { id })).discoveryRun;
  if (window.location.hash !== hash) return; // the user went on while this loaded
  const back = h("p", {}, h("a", { href: "#/runs" }, t("runBack")));
  if (!run) {
    mount(main, h("h1", {}, t("runTitle", { id })), h("div", { class: "error", role: "alert" }, t("runNotFound", { id })), back);
    return;
  }
  const answered = (target) => target.coverage.some((c) => COVERED.has(c.status));
  const targetColumns = [
    { label: t("runTarget"), value: (r) => r.target },
    { label: t("runResult"), value: (r) => (answered(r) ? badge("ok", t("runOk")) : badge("failed", t("runFailedTarget"))) },
    { label: t("runProtocols"), value: (r) => r.coverage.map((c) => `${c.protocol}: ${c.status ?? "—"}`).join(", ") || "—" },
    { label: t("runErrors"), value: (r) => r.failures.map((f) => h("div", { class: "runs-failure" }, `${f.protocol} · ${f.kind}: ${f.message}`)) },
  ];
  const failureColumns = [
    { label: t("runTarget"), value: (f) => f.target },
    { label: t("runProtocol"), value: (f) => f.protocol },
    { label: t("runKind"), value: (f) => badge("failed", f.kind) },
    { label: t("runError"), value: (f) => f.message },
    { label: t("runCommand"), value: (f) => (f.command ? h("code", {}, f.command) : "—") },
  ];
  const coverageColumns = [
    { label: t("runTarget"), value: (c) => c.target },
    { label: t("runProtocol"), value: (c) => c.protocol },
    { label: t("runsStatus"), value: (c) => (c.status ? badge(c.status) : "—") },
    { label: t("runTables"), value: (c) => tables(c.tables) },
  ];
  mount(
    main,
    h("h1", {}, t("runTitle", { id: run.id })),
    back,
    h(
      "dl",
      { class: "kv panel", "data-testid": "run-summary" },
      [
        ["runsJob", run.job],
        ["runsSite", siteText(run)],
        ["runsStatus", badge(run.status)],
        ["runsStarted", when(run.startedAt)],
        ["runsFinished", when(run.finishedAt)],
        ["runsTargets", String(run.targets)],
        ["runsReached", String(run.reached ?? run.targets)],
        ["runsAnswered", String(run.answered)],
        ["runsFailed", String(run.failed)],
        ["runsCoverage", coverageText(run)],
      ].map(([key, value]) => [h("dt", {}, t(key)), h("dd", { dataset: { key } }, value)]),
    ),
    h("h2", {}, t("runPerTarget")),
    table(targetColumns, perTarget(run), { testid: "run-targets", empty: t("none") }),
    h("h2", {}, t("runFailures")),
    table(failureColumns, run.failures, { testid: "run-failures", empty: t("runNoFailures") }),
    h("h2", {}, t("runCoverage")),
    table(coverageColumns, run.coverage, { testid: "run-coverage", empty: t("none") }),
  );
}

export const routes = [
  { path: /^\/runs$/, title: "runsTitle", render: renderRuns },
  { path: /^\/runs\/([^/]+)$/, title: "runsTitle", render: renderRun },
];
