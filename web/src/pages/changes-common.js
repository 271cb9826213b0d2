// What the change request pages share: the request's fields as the API reads them,
// badges for state and risk, and which permission each action needs.
import { h, badge, when } from "../dom.js";
import { t } from "../i18n.js";

export const STATES = ["DRAFT", "ASSESSED", "APPROVED", "REJECTED", "IN_PROGRESS", "COMPLETED", "FAILED", "REVIEWED"];
export const CATEGORIES = ["STANDARD", "NORMAL", "EMERGENCY"];

/** action (allowedActions) -> the permission the mutation needs (api/changes.py). */
export const ACTION_PERMISSION = {
  assess: "assess_changes",
  approve: "approve_changes",
  reject: "approve_changes",
  review: "approve_changes",
  start: "request_changes",
  complete: "request_changes",
  fail: "request_changes",
};

export const REQUEST_FIELDS = `
  id title description category state windowStart windowEnd requester implementer
  createdAt updatedAt affectedCis { uid name className }
  transitions { seq action fromState toState actor at comment afterTheFact }
  approvals { approver decision at comment afterTheFact cleared }
  approvalsRequired approvalsRemaining approvedAfterTheFact allowedActions
  assessment { computedAt mode risk reasons insideMaintenanceWindow impact }
  verification { verifiedAt asPlanned unplannedExtras notObserved changes }
  changeSets { id at source actor reason }`;

export function stateBadge(state) {
  return h("span", { class: `badge chg-state chg-state-${state.toLowerCase()}`, "data-state": state }, t(`chgState_${state}`));
}

export function riskBadge(risk) {
  if (!risk) return h("span", { class: "chg-muted" }, t("chgNotAssessed"));
  return badge(risk, t(`chgRisk_${risk}`));
}

/** "start – end" in the user's local time. */
export function windowText(request) {
  return `${when(request.windowStart)} – ${when(request.windowEnd)}`;
}

export function requestLink(request) {
  return h("a", { href: `#/changes/${encodeURIComponent(request.id)}` }, request.id);
}
