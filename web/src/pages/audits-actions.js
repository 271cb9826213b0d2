// What an auditor does on the audit page: run the rules, acknowledge a finding (reason),
// waive it (reason and an expiry date, both required). Each action is a small form; the
// API's refusal is shown in the form, as the API worded it.
import { h, mount, field, errorBox } from "../dom.js";
import { gql } from "../api.js";
import { t } from "../i18n.js";

export const messages = {
  en: {
    audRunTitle: "Run the rules",
    audRunReason: "Reason for the audit run",
    audRun: "Run audit",
    audRunDone: "Audit run {id}: {opened} opened, {reopened} reopened, {resolved} resolved, {stillOpen} still open.",
    audAck: "Acknowledge",
    audAckOne: "Acknowledge {id}",
    audAckReason: "Why acknowledge {id}",
    audAckDone: "{id} acknowledged.",
    audWaive: "Waive",
    audWaiveOne: "Waive {id}",
    audWaiveReason: "Why waive {id}",
    audWaiveUntil: "Waived until (end of that day, UTC)",
    audWaiveDone: "{id} waived until {until}.",
    audConfirmAck: "Acknowledge",
    audConfirmWaive: "Waive",
  },
  zh: {
    audRunTitle: "运行规则",
    audRunReason: "本次审计的原因",
    audRun: "运行审计",
    audRunDone: "审计运行 {id}：新开 {opened}，重开 {reopened}，解决 {resolved}，仍未解决 {stillOpen}。",
    audAck: "确认",
    audAckOne: "确认 {id}",
    audAckReason: "确认 {id} 的原因",
    audAckDone: "{id} 已确认。",
    audWaive: "豁免",
    audWaiveOne: "豁免 {id}",
    audWaiveReason: "豁免 {id} 的原因",
    audWaiveUntil: "豁免截止（当天结束，UTC）",
    audWaiveDone: "{id} 已豁免至 {until}。",
    audConfirmAck: "确认",
    audConfirmWaive: "豁免",
  },
};

const RUN_AUDIT = `mutation($reason: String!) {
  runAudit(reason: $reason) { id opened reopened resolved stillOpen } }`;
const ACKNOWLEDGE = `mutation($finding: String!, $reason: String!) {
  acknowledge(finding: $finding, reason: $reason) { id status } }`;
const WAIVE = `mutation($finding: String!, $reason: String!, $until: DateTime!) {
  waive(finding: $finding, reason: $reason, until: $until) { id status waiver { until } } }`;

/** A form: `controls`, a submit button, a status line; `act()` runs on submit and says
 * what to announce (the page redraws through `done(message)`), or throws the API's error. */
function actionForm({ controls, submit, act, done, cancel = null, testid }) {
  const status = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "submit" }, submit);
  const form = h(
    "form",
    {
      class: "toolbar aud-action",
      "data-testid": testid,
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        try {
          done(await act());
        } catch (error) {
          mount(status, errorBox(error));
          button.disabled = false;
        }
      },
    },
    controls,
    button,
    cancel ? h("button", { type: "button", class: "secondary", onclick: cancel }, t("cancel")) : null,
    status,
  );
  return form;
}

/** The "run audit" form (a reason, then the rules run). */
export function runAuditForm(done) {
  const reason = h("input", { name: "reason", required: true, size: 40 });
  return h(
    "section",
    { class: "panel", "aria-labelledby": "aud-run" },
    h("h2", { id: "aud-run" }, t("audRunTitle")),
    actionForm({
      testid: "run-audit",
      controls: field(t("audRunReason"), reason),
      submit: t("audRun"),
      act: async () => {
        const run = (await gql(RUN_AUDIT, { reason: reason.value.trim() })).runAudit;
        return t("audRunDone", run);
      },
      done,
    }),
  );
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

/** The form acknowledging `finding` (kind "ack") or waiving it (kind "waive"). */
export function findingForm(kind, finding, { done, cancel }) {
  const id = finding.id;
  const reason = h("input", { name: "reason", required: true, size: 36 });
  if (kind === "ack") {
    return actionForm({
      testid: `ack-${id}`,
      controls: field(t("audAckReason", { id }), reason),
      submit: t("audConfirmAck"),
      act: async () => {
        await gql(ACKNOWLEDGE, { finding: id, reason: reason.value.trim() });
        return t("audAckDone", { id });
      },
      done,
      cancel,
    });
  }
  const until = h("input", { name: "until", type: "date", required: true, min: today() });
  return actionForm({
    testid: `waive-${id}`,
    controls: [field(t("audWaiveReason", { id }), reason), field(t("audWaiveUntil"), until)],
    submit: t("audConfirmWaive"),
    act: async () => {
      // a date is waived to the end of that day, UTC (the API reads a zoneless time as UTC)
      await gql(WAIVE, { finding: id, reason: reason.value.trim(), until: `${until.value}T23:59:59Z` });
      return t("audWaiveDone", { id, until: until.value });
    },
    done,
    cancel,
  });
}
