// The parts of one change request's page that only read: its assessment (impact counts,
// risk and reasons), its conflicts, planned against observed, and its history.
import { h, table, when, text, ciLink } from "../dom.js";
import { t } from "../i18n.js";
import { riskBadge, stateBadge, windowText, requestLink } from "./changes-common.js";

function section(id, title, ...children) {
  return h("section", { class: "chg-section", "aria-labelledby": id, "data-testid": id },
    h("h2", { id }, title), ...children);
}

function kv(pairs) {
  return h("dl", { class: "kv" }, pairs.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

/** A state of a step ("in_progress") or an action ("approve") in the user's language. */
function stateName(state) {
  return state ? t(`chgState_${state.toUpperCase()}`) : "—";
}

function actionName(action) {
  const key = `chgAction_${action}`;
  const shown = t(key);
  return shown === key ? action : shown;
}

function uidLink(uid, names) {
  return ciLink({ uid, name: names.get(uid) || uid });
}

/** The stored snapshot: risk and reasons, counts from its impact, the impact view link. */
export function assessmentSection(request) {
  const a = request.assessment;
  const uids = request.affectedCis.map((ci) => ci.uid).join(",");
  const impactLink = h("a", {
    href: `#/impact?cis=${encodeURIComponent(uids)}&mode=MAINTENANCE`,
    "data-testid": "open-impact",
  }, t("chgOpenImpact"));
  if (!a) return section("chg-assessment", t("chgAssessment"), h("p", { class: "chg-muted" }, t("chgNoAssessment")), h("p", {}, impactLink));
  const affected = a.impact?.affected || [];
  const down = affected.filter((ci) => ci.state === "DOWN").length;
  const services = Object.entries(a.impact?.by_business_service || {});
  return section(
    "chg-assessment",
    t("chgAssessment"),
    kv([
      [t("chgRisk"), h("span", { "data-testid": "risk" }, riskBadge(a.risk))],
      [t("chgMode"), t(`chgMode_${a.mode}`)],
      [t("chgComputedAt"), when(a.computedAt)],
      [t("chgInsideWindow"), a.insideMaintenanceWindow ? t("chgYes") : t("chgNo")],
      [t("chgAffected"), h("span", { "data-testid": "impact-counts" },
        `${affected.length} (${t("chgDown")}: ${down}, ${t("chgDegraded")}: ${affected.length - down})`)],
    ]),
    h("h3", {}, t("chgReasons")),
    h("ul", { "data-testid": "risk-reasons" }, a.reasons.map((reason) => h("li", {}, reason))),
    table(
      [
        { label: t("chgService"), value: ([name]) => name },
        { label: t("chgDown"), value: ([, c]) => c.down, class: "num" },
        { label: t("chgDegraded"), value: ([, c]) => c.degraded, class: "num" },
      ],
      services,
      { caption: t("chgServices"), empty: t("none"), testid: "impact-services" },
    ),
    h("p", {}, impactLink),
  );
}

/** Approved or running requests whose windows overlap and whose impact meets this one's. */
export function conflictsSection(conflicts) {
  return section(
    "chg-conflicts",
    t("chgConflicts"),
    conflicts.length
      ? table(
        [
          { label: t("chgOther"), value: (c) => h("span", {}, requestLink(c.changeRequest), " ", c.changeRequest.title) },
          { label: t("chgState"), value: (c) => stateBadge(c.changeRequest.state) },
          { label: t("chgWindow"), value: (c) => windowText(c.changeRequest) },
          {
            label: t("chgShared"),
            value: (c) => [
              c.sharedCis.length
                ? h("div", {}, `${t("chgSharedCis")}: `, c.sharedCis.flatMap((ci, i) => [i ? ", " : "", ciLink(ci)]))
                : null,
              c.sharedBusinessServices.length
                ? h("div", {}, `${t("chgServices")}: ${c.sharedBusinessServices.join(", ")}`)
                : null,
            ],
          },
        ],
        conflicts,
        { testid: "conflict-list" },
      )
      : h("p", { class: "chg-muted" }, t("chgNoConflicts")),
  );
}

function changeTable(rows, names, caption, testid) {
  return table(
    [
      { label: t("chgCiName"), value: (c) => uidLink(c.uid, names) },
      { label: t("chgKind"), value: (c) => c.kind },
      { label: t("chgAttribute"), value: (c) => c.attribute ?? "—" },
      { label: t("chgBefore"), value: (c) => text(c.before) },
      { label: t("chgAfter"), value: (c) => text(c.after) },
      { label: t("when"), value: (c) => when(c.at) },
      { label: t("chgSource"), value: (c) => c.source },
    ],
    rows,
    { caption, empty: t("none"), testid },
  );
}

/** After the window: what it planned against what discovery observed. */
export function verificationSection(request, otherNames = new Map()) {
  const v = request.verification;
  if (!v) return section("chg-verification", t("chgVerification"), h("p", { class: "chg-muted" }, t("chgNotVerified")));
  const names = new Map([...otherNames, ...request.affectedCis.map((ci) => [ci.uid, ci.name])]);
  return section(
    "chg-verification",
    t("chgVerification"),
    kv([
      [t("chgVerifiedAt"), when(v.verifiedAt)],
      [t("chgAsPlanned"), h("span", { "data-testid": "as-planned" }, String(v.asPlanned))],
      [t("chgExtras"), h("span", { "data-testid": "extras" }, String(v.unplannedExtras))],
      [t("chgNotObserved"), h("span", { "data-testid": "not-observed" },
        v.notObserved.length ? v.notObserved.flatMap((uid, i) => [i ? ", " : "", uidLink(uid, names)]) : t("none"))],
    ]),
    changeTable(v.changes?.as_planned || [], names, t("chgAsPlanned"), "planned-changes"),
    changeTable(v.changes?.extras || [], names, t("chgExtras"), "extra-changes"),
  );
}

/** Every step, the CAB's decisions and the change sets written under the request. */
export function historySection(request) {
  return section(
    "chg-history",
    t("chgHistory"),
    table(
      [
        { label: "#", value: (s) => s.seq, class: "num" },
        { label: t("chgStep"), value: (s) => actionName(s.action) },
        { label: t("chgFromTo"), value: (s) => `${stateName(s.fromState)} → ${stateName(s.toState)}` },
        { label: t("who"), value: (s) => s.actor },
        { label: t("when"), value: (s) => when(s.at) },
        { label: t("chgComment"), value: (s) => [s.comment || "", s.afterTheFact ? ` (${t("chgAfterTheFact")})` : ""] },
      ],
      request.transitions,
      { testid: "change-steps" },
    ),
    table(
      [
        { label: t("who"), value: (d) => d.approver },
        { label: t("chgDecision"), value: (d) => [actionName(d.decision), d.cleared ? ` (${t("chgCleared")})` : "", d.afterTheFact ? ` (${t("chgAfterTheFact")})` : ""] },
        { label: t("when"), value: (d) => when(d.at) },
        { label: t("chgComment"), value: (d) => d.comment || "" },
      ],
      request.approvals,
      { caption: t("chgDecisions"), empty: t("none"), testid: "change-decisions" },
    ),
    table(
      [
        { label: t("chgChangeSet"), value: (s) => s.id },
        { label: t("when"), value: (s) => when(s.at) },
        { label: t("chgSource"), value: (s) => s.source },
        { label: t("who"), value: (s) => s.actor },
        { label: t("reason"), value: (s) => s.reason || "" },
      ],
      request.changeSets,
      { caption: t("chgChangeSets"), empty: t("none"), testid: "change-sets" },
    ),
  );
}
