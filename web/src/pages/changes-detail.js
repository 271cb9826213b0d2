// One change request (#/changes/<id>): its fields and CIs, the actions its state allows
// and the token may take (each with a comment), the assessment, conflicts, planned
// against observed, and its history.
import { h, mount, errorBox, field, when, ciLink } from "../dom.js";
import { gql, viewer } from "../api.js";
import { t } from "../i18n.js";
import { ACTION_PERMISSION, REQUEST_FIELDS, stateBadge, riskBadge, windowText } from "./changes-common.js";
import { assessmentSection, conflictsSection, verificationSection, historySection } from "./changes-sections.js";

const READ = `query($id: String!) {
  changeRequest(id: $id) { ${REQUEST_FIELDS} }
  conflicts(id: $id) {
    changeRequest { id title state windowStart windowEnd }
    sharedCis { uid name className } sharedBusinessServices
  } }`;
const READ_ONE = `query($id: String!) { changeRequest(id: $id) { id } }`;
const MODES = ["MAINTENANCE", "DOWN"];

function mutation(action) {
  const name = `${action}ChangeRequest`;
  const mode = action === "assess" ? ", $mode: AssessmentMode!" : "";
  const modeArg = action === "assess" ? ", mode: $mode" : "";
  return [name, `mutation($id: String!, $comment: String${mode}) {
    ${name}(id: $id, comment: $comment${modeArg}) { id state } }`];
}

/** The buttons of the actions allowed now that this token may take, with a comment. */
function actionsPanel(request, permissions, onDone) {
  const actions = request.allowedActions.filter((a) => permissions.includes(ACTION_PERMISSION[a]));
  const status = h("div", { "aria-live": "assertive", "data-testid": "action-problem" });
  if (!actions.length) {
    return h("section", { class: "panel chg-actions", "aria-labelledby": "chg-actions", "data-testid": "change-actions" },
      h("h2", { id: "chg-actions" }, t("chgActions")), h("p", { class: "chg-muted" }, t("chgNoActions")));
  }
  const comment = h("textarea", { name: "comment", rows: 2 });
  const mode = h("select", { name: "mode" }, MODES.map((m) => h("option", { value: m }, t(`chgMode_${m}`))));
  const buttons = actions.map((action) => h("button", {
    type: "button",
    class: action === "reject" || action === "fail" ? "danger" : "",
    "data-action": action,
    onclick: async () => {
      const [name, query] = mutation(action);
      const variables = { id: request.id, comment: comment.value.trim() || null };
      if (action === "assess") variables.mode = mode.value;
      buttons.forEach((b) => { b.disabled = true; });
      try {
        const done = (await gql(query, variables))[name];
        await onDone(t("chgDone", { action: t(`chgAction_${action}`), state: t(`chgState_${done.state}`) }));
      } catch (error) {
        mount(status, errorBox(error));
        buttons.forEach((b) => { b.disabled = false; });
      }
    },
  }, t(`chgAction_${action}`)));
  return h(
    "section",
    { class: "panel chg-actions", "aria-labelledby": "chg-actions", "data-testid": "change-actions" },
    h("h2", { id: "chg-actions" }, t("chgActions")),
    field(t("chgComment"), comment),
    actions.includes("assess") ? field(t("chgMode"), mode) : null,
    h("div", { class: "toolbar chg-buttons" }, buttons),
    status,
  );
}

function summary(request) {
  const pairs = [
    [t("chgState"), h("span", { "data-testid": "change-state" }, stateBadge(request.state))],
    [t("chgCategory"), t(`chgCategory_${request.category}`)],
    [t("chgRisk"), riskBadge(request.assessment?.risk)],
    [t("chgWindow"), windowText(request)],
    [t("chgRequester"), request.requester || "—"],
    [t("chgImplementer"), request.implementer || "—"],
    [t("chgApprovals"), [
      t("chgApprovalsOf", {
        given: request.approvals.filter((d) => d.decision === "approve" && !d.cleared).length,
        required: request.approvalsRequired,
        remaining: request.approvalsRemaining,
      }),
      request.approvedAfterTheFact ? ` (${t("chgAfterTheFact")})` : "",
    ]],
    [t("chgCreatedAt"), when(request.createdAt)],
    [t("chgUpdatedAt"), when(request.updatedAt)],
    [t("chgCis"), h("ul", { class: "chg-ci-list", "data-testid": "change-ci-links" },
      request.affectedCis.map((ci) => h("li", {}, ciLink(ci), ` · ${ci.className}`)))],
  ];
  return h("dl", { class: "kv chg-summary" }, pairs.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

export async function renderRequest({ main, params }, notice = null) {
  const [id] = params;
  const [me, data] = await Promise.all([viewer(), readRequest(id)]);
  const request = data?.changeRequest;
  if (!request) {
    mount(main, h("p", {}, h("a", { href: "#/changes" }, t("chgBack"))), h("h1", {}, id), errorBox(t("chgNoSuchRequest", { id })));
    return;
  }
  const redraw = (message) => renderRequest({ main, params }, message);
  const noticeBox = notice ? h("div", { class: "notice", role: "status", tabindex: "-1", "data-testid": "action-done" }, notice) : null;
  mount(
    main,
    h("p", {}, h("a", { href: "#/changes" }, t("chgBack"))),
    h("h1", {}, `${request.id} · ${request.title}`),
    noticeBox,
    h("div", { class: "cols" },
      h("div", {},
        request.description ? h("p", { class: "chg-description" }, request.description) : null,
        summary(request)),
      actionsPanel(request, me.permissions, redraw)),
    assessmentSection(request),
    conflictsSection(data.conflicts),
    verificationSection(request, await namesOf(request)),
    historySection(request),
  );
  document.title = `${request.id} · CMDB`;
  if (noticeBox) noticeBox.focus();
}

const NAMED_AT_MOST = 50;

/** uid -> name of the CIs the verification lists that the request does not name. */
async function namesOf(request) {
  const changes = request.verification?.changes || {};
  const named = new Set(request.affectedCis.map((ci) => ci.uid));
  const uids = [...new Set([...(changes.as_planned || []), ...(changes.extras || [])].map((c) => c.uid))]
    .filter((uid) => uid && !named.has(uid))
    .slice(0, NAMED_AT_MOST);
  if (!uids.length) return new Map();
  const params = uids.map((_, i) => `$u${i}: String!`).join(", ");
  const fields = uids.map((_, i) => `c${i}: ci(uid: $u${i}) { uid name }`).join(" ");
  const found = await gql(`query(${params}) { ${fields} }`, Object.fromEntries(uids.map((uid, i) => [`u${i}`, uid])));
  return new Map(Object.values(found).filter(Boolean).map((ci) => [ci.uid, ci.name]));
}

/** The request and its conflicts; null when there is no such request. */
async function readRequest(id) {
  const found = (await gql(READ_ONE, { id })).changeRequest;
  return found ? gql(READ, { id }) : null;
}
