// The audit page's tools for an auditor: a report made and downloaded (the download
// needs the bearer token, so it is fetched here and saved as a file), and a device
// register uploaded (a dry run by default), its bad rows listed.
import { h, mount, field, errorBox, download, table } from "../dom.js";
import { ApiError, gql, gqlUpload, token } from "../api.js";
import { lang, t } from "../i18n.js";

export const messages = {
  en: {
    audReports: "Reports",
    audReportKind: "Report",
    audReportRun: "Audit run",
    audNewestRun: "The newest",
    audKindstatus: "Configuration status",
    audKindinspection: "Inspection",
    audKindaudit: "Audit",
    audPeriod: "Period",
    audPeriodHint: "2026-11, 2026-Q4, 2026, last-month, this-month",
    audFormat: "Format",
    audFormatcsv: "CSV (.zip)",
    audReportLang: "Report language",
    audDownload: "Make and download",
    audReportDone: "{file}: {rows} rows in {sections} sections, downloaded.",
    audReportFailed: "The report could not be downloaded: {message}",
    audImport: "Import a device register",
    audImportFile: "Register file (.xlsx or .csv)",
    audImportReason: "Reason for the import",
    audImportSheet: "Sheet (optional)",
    audDryRun: "Dry run (write nothing)",
    audImportButton: "Upload",
    audImportDone: "{file}, sheet {sheet}: {imported} rows imported, {refused} refused, {skipped} skipped; {created} created, {updated} updated, {unchanged} unchanged.",
    audImportDry: "Dry run: nothing was written.",
    audRefused: "Refused rows",
    audRow: "Row",
    audColumn: "Column",
    audProblem: "Reason",
    audMessage: "Message",
  },
  zh: {
    audReports: "报表",
    audReportKind: "报表",
    audReportRun: "审计运行",
    audNewestRun: "最近一次",
    audKindstatus: "配置状态报告",
    audKindinspection: "巡检报告",
    audKindaudit: "审计报告",
    audPeriod: "周期",
    audPeriodHint: "2026-11、2026-Q4、2026、last-month、this-month",
    audFormat: "格式",
    audFormatcsv: "CSV（.zip）",
    audReportLang: "报表语言",
    audDownload: "生成并下载",
    audReportDone: "{file}：{sections} 个部分共 {rows} 行，已下载。",
    audReportFailed: "报表下载失败：{message}",
    audImport: "导入设备台账",
    audImportFile: "台账文件（.xlsx 或 .csv）",
    audImportReason: "导入原因",
    audImportSheet: "工作表（可选）",
    audDryRun: "试运行（不写入）",
    audImportButton: "上传",
    audImportDone: "{file}，工作表 {sheet}：导入 {imported} 行，拒绝 {refused} 行，跳过 {skipped} 行；新建 {created}，更新 {updated}，未变 {unchanged}。",
    audImportDry: "试运行：未写入任何内容。",
    audRefused: "被拒绝的行",
    audRow: "行",
    audColumn: "列",
    audProblem: "原因",
    audMessage: "说明",
  },
};

const REPORT = `mutation($kind: String!, $period: String!, $format: String!, $lang: String!, $run: String) {
  report(kind: $kind, period: $period, format: $format, lang: $lang, run: $run) {
    path fileName format rows sections } }`;
const IMPORT = `mutation($file: Upload!, $reason: String!, $sheet: String, $dryRun: Boolean!) {
  importRegister(file: $file, reason: $reason, sheet: $sheet, dryRun: $dryRun) {
    file sheet dryRun rowsImported rowsRefused rowsSkipped created updated unchanged
    refused { row column reason message } } }`;
const TYPES = {
  html: "text/html",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "application/zip",
};

function select(name, options) {
  return h("select", { name }, options.map(([value, label, selected]) => h("option", { value, selected: !!selected }, label)));
}

/** GET a report's path with the bearer token: its bytes, or the server's refusal. */
async function fetchReport(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token()}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(body?.error || body?.errors?.[0]?.message || `the server answered ${response.status}`);
  }
  return response.blob();
}

/** The report form; an audit report is of one of `runs` (newest first; default the newest). */
export function reportBox(runs) {
  const kind = select("kind", ["status", "inspection", "audit"].map((k) => [k, t(`audKind${k}`)]));
  const run = select("run", [["", t("audNewestRun")], ...runs.map((r) => [r.id, `${r.id} (${r.kind})`])]);
  const runField = field(t("audReportRun"), run);
  runField.hidden = true;
  kind.addEventListener("change", () => { runField.hidden = kind.value !== "audit"; });
  const period = h("input", { name: "period", value: "this-month", required: true, list: "aud-periods", size: 14 });
  const periods = h("datalist", { id: "aud-periods" }, ["this-month", "last-month", new Date().toISOString().slice(0, 7)].map((p) => h("option", { value: p })));
  const format = select("format", [["html", "HTML"], ["xlsx", "Excel (.xlsx)"], ["csv", t("audFormatcsv")]]);
  const language = select("lang", [["en", "English", lang() === "en"], ["zh", "中文", lang() === "zh"]]);
  const status = h("div", { "aria-live": "polite", "data-testid": "report-status" });
  const button = h("button", { type: "submit" }, t("audDownload"));
  return h(
    "section",
    { class: "panel", "aria-labelledby": "aud-reports" },
    h("h2", { id: "aud-reports" }, t("audReports")),
    h(
      "form",
      {
        class: "toolbar",
        "data-testid": "report-form",
        onsubmit: async (event) => {
          event.preventDefault();
          button.disabled = true;
          try {
            const variables = {
              kind: kind.value, period: period.value.trim(), format: format.value, lang: language.value,
              run: kind.value === "audit" && run.value ? run.value : null,
            };
            const made = (await gql(REPORT, variables)).report;
            const blob = await fetchReport(made.path);
            download(made.fileName, new Blob([blob], { type: TYPES[made.format] }));
            mount(status, h("p", { class: "notice" }, t("audReportDone", { file: made.fileName, rows: made.rows, sections: made.sections.length })));
          } catch (error) {
            mount(status, errorBox(error));
          } finally {
            button.disabled = false;
          }
        },
      },
      field(t("audReportKind"), kind),
      runField,
      field(t("audPeriod"), period, t("audPeriodHint")),
      periods,
      field(t("audFormat"), format),
      field(t("audReportLang"), language),
      button,
    ),
    status,
  );
}

/** The register upload; its result stays under the form (findings change at the next run). */
export function importBox() {
  const file = h("input", { name: "file", type: "file", accept: ".xlsx,.csv", required: true });
  const reason = h("input", { name: "reason", required: true, size: 30 });
  const sheet = h("input", { name: "sheet", size: 12 });
  const dryRun = h("input", { name: "dryRun", type: "checkbox", checked: true });
  const status = h("div", { "aria-live": "polite", "data-testid": "import-status" });
  const button = h("button", { type: "submit" }, t("audImportButton"));
  return h(
    "section",
    { class: "panel", "aria-labelledby": "aud-import" },
    h("h2", { id: "aud-import" }, t("audImport")),
    h(
      "form",
      {
        class: "toolbar",
        "data-testid": "import-form",
        onsubmit: async (event) => {
          event.preventDefault();
          button.disabled = true;
          try {
            const variables = { reason: reason.value.trim(), sheet: sheet.value.trim() || null, dryRun: dryRun.checked };
            const result = (await gqlUpload(IMPORT, variables, file.files[0])).importRegister;
            mount(status, importResult(result));
          } catch (error) {
            mount(status, errorBox(error));
          } finally {
            button.disabled = false;
          }
        },
      },
      field(t("audImportFile"), file),
      field(t("audImportReason"), reason),
      field(t("audImportSheet"), sheet),
      h("div", { class: "field aud-check" }, dryRun, h("label", { for: (dryRun.id = "aud-dry-run") }, t("audDryRun"))),
      button,
    ),
    status,
  );
}

function importResult(result) {
  const summary = t("audImportDone", {
    file: result.file, sheet: result.sheet, imported: result.rowsImported, refused: result.rowsRefused,
    skipped: result.rowsSkipped, created: result.created, updated: result.updated, unchanged: result.unchanged,
  });
  const columns = [
    { label: t("audRow"), value: (r) => String(r.row), class: "num" },
    { label: t("audColumn"), value: (r) => r.column || "—" },
    { label: t("audProblem"), value: (r) => r.reason },
    { label: t("audMessage"), value: (r) => r.message },
  ];
  return [
    h("p", { class: "notice" }, summary, result.dryRun ? ` ${t("audImportDry")}` : ""),
    result.refused.length ? table(columns, result.refused, { caption: t("audRefused"), testid: "refused-rows" }) : null,
  ];
}
