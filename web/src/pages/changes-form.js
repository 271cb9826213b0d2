// The new change request form (#/changes/new): title, description, category, the CIs it
// touches (added by name or uid, each checked with the API), the window and a comment.
// The API validates the request: its refusal is shown as it says it.
import { h, mount, field, errorBox } from "../dom.js";
import { gql, viewer } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { CATEGORIES } from "./changes-common.js";

const CI_FIELDS = "uid name className";
const BY_UID = `query($v: String!) { ci(uid: $v) { ${CI_FIELDS} } }`;
const BY_NAME = `query($v: String!) { ci(name: $v) { ${CI_FIELDS} } }`;
const SUGGEST = `query($q: String!) { search(text: $q, first: 10) { ${CI_FIELDS} } }`;
const SUGGEST_AFTER_MS = 250;
const CREATE = `mutation($input: ChangeRequestInput!, $comment: String) {
  createChangeRequest(input: $input, comment: $comment) { id } }`;

/** A CI by uid, else by name; null when neither names one. */
async function resolveCi(value) {
  const byUid = (await gql(BY_UID, { v: value })).ci;
  return byUid || (await gql(BY_NAME, { v: value })).ci;
}

/** The CI picker: a box with suggestions, an Add button, and the chips of CIs added. */
function ciPicker(problem) {
  const picked = [];
  const suggestions = h("datalist", { id: "chg-ci-suggestions" });
  const input = h("input", { type: "text", name: "ci", list: "chg-ci-suggestions", autocomplete: "off", placeholder: "hq-core-01" });
  const chips = h("ul", { class: "chg-chips", "aria-label": t("chgCis"), "data-testid": "change-cis" });
  const draw = () => mount(chips, picked.length
    ? picked.map((ci, i) => h("li", { class: "chg-chip" },
      h("span", {}, `${ci.name || ci.uid} · ${ci.className}`),
      h("button", {
        type: "button",
        class: "link",
        "aria-label": t("chgRemoveCi", { name: ci.name || ci.uid }),
        onclick: () => {
          picked.splice(i, 1);
          draw();
          input.focus();
        },
      }, "×")))
    : h("li", { class: "chg-muted" }, t("chgNoCis")));
  const add = async () => {
    const value = input.value.trim();
    if (!value) return;
    try {
      const ci = await resolveCi(value);
      if (!ci) return mount(problem, errorBox(t("chgNoSuchCi", { value })));
      if (!picked.some((p) => p.uid === ci.uid)) picked.push(ci);
      input.value = "";
      mount(problem);
      draw();
    } catch (error) {
      mount(problem, errorBox(error));
    }
  };
  let asked = 0;
  input.addEventListener("input", async () => {
    const text = input.value.trim();
    const ask = ++asked;
    if (text.length < 2) return;
    await new Promise((resolve) => setTimeout(resolve, SUGGEST_AFTER_MS));
    if (ask !== asked) return; // still typing: ask once the typing pauses
    try {
      const found = (await gql(SUGGEST, { q: text })).search;
      if (ask !== asked) return; // a newer letter was typed meanwhile
      mount(suggestions, found.map((ci) => h("option", { value: ci.name || ci.uid }, `${ci.name || ci.uid} · ${ci.className}`)));
    } catch (error) {
      mount(problem, errorBox(error));
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // Enter in the box adds the CI, not the whole form
      add();
    }
  });
  const button = h("button", { type: "button", class: "secondary", onclick: add }, t("chgAddCi"));
  draw();
  const picker = h("fieldset", { class: "chg-picker" }, h("legend", {}, t("chgCis")),
    h("div", { class: "chg-picker-row" }, field(t("chgCiBox"), input), button), suggestions, chips);
  return { picker, picked };
}

/** A datetime-local value (the user's local time) as ISO 8601 UTC, or null when empty. */
function isoOf(value) {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

export async function renderNew({ main }) {
  const me = await viewer();
  const heading = h("h1", {}, t("chgNewTitle"));
  if (!me.permissions.includes("request_changes")) {
    mount(main, heading, errorBox(t("chgMayNotRequest", { role: me.role })));
    return;
  }
  const problem = h("div", { "aria-live": "assertive", "data-testid": "change-problem" });
  const title = h("input", { type: "text", name: "title", required: true, maxlength: 200 });
  const description = h("textarea", { name: "description", rows: 3 });
  const category = h("select", { name: "category" },
    CATEGORIES.map((c) => h("option", { value: c, selected: c === "NORMAL" }, t(`chgCategory_${c}`))));
  const start = h("input", { type: "datetime-local", name: "windowStart", required: true });
  const end = h("input", { type: "datetime-local", name: "windowEnd", required: true });
  const implementer = h("input", { type: "text", name: "implementer", autocomplete: "off" });
  const comment = h("textarea", { name: "comment", rows: 2 });
  const { picker, picked } = ciPicker(problem);
  const submit = h("button", { type: "submit" }, t("chgCreate"));
  const form = h(
    "form",
    {
      class: "chg-form",
      "aria-label": t("chgNewTitle"),
      onsubmit: async (event) => {
        event.preventDefault();
        if (!picked.length) return mount(problem, errorBox(t("chgNeedCi")));
        const input = {
          title: title.value.trim(),
          description: description.value.trim(),
          category: category.value,
          windowStart: isoOf(start.value),
          windowEnd: isoOf(end.value),
          affectedCis: picked.map((ci) => ci.uid),
          implementer: implementer.value.trim() || null,
        };
        submit.disabled = true;
        try {
          const made = await gql(CREATE, { input, comment: comment.value.trim() || null });
          navigate(`/changes/${encodeURIComponent(made.createChangeRequest.id)}`);
        } catch (error) {
          mount(problem, errorBox(error));
          submit.disabled = false;
        }
      },
    },
    field(t("chgTitleField"), title),
    field(t("chgDescription"), description),
    field(t("chgCategory"), category),
    picker,
    h("div", { class: "chg-window" }, field(t("chgWindowStart"), start), field(t("chgWindowEnd"), end)),
    field(t("chgImplementer"), implementer),
    field(t("chgComment"), comment),
    problem,
    h("div", { class: "toolbar" }, submit, h("a", { href: "#/changes", class: "btn secondary" }, t("cancel"))),
  );
  mount(main, h("p", {}, h("a", { href: "#/changes" }, t("chgBack"))), heading, form);
  title.focus();
}
