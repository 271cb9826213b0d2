// Change requests (#/changes?state=&after=): the list, newest first, with a state filter
// and pages; the form (#/changes/new) and one request (#/changes/<id>) are their own
// modules. Every read and write goes through the public GraphQL API.
import "./changes.css";
import { h, mount, table, field } from "../dom.js";
import { gql, viewer } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { messages as changeMessages } from "./changes-messages.js";
import { STATES, stateBadge, riskBadge, windowText, requestLink } from "./changes-common.js";
import { renderNew } from "./changes-form.js";
import { renderRequest } from "./changes-detail.js";

export const messages = changeMessages;
const PAGE_SIZE = 25;

const LIST_QUERY = `query($state: ChangeState, $first: Int, $after: String) {
  changeRequests(state: $state, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id title category state windowStart windowEnd requester assessment { risk } } }
  } }`;

async function renderList({ main, query }) {
  const state = STATES.includes(query.state) ? query.state : "";
  const after = query.after || "";
  const [me, data] = await Promise.all([
    viewer(),
    gql(LIST_QUERY, { state: state || null, first: PAGE_SIZE, after: after || null }),
  ]);
  const page = data.changeRequests;
  const stateSelect = h(
    "select",
    { name: "state" },
    h("option", { value: "" }, t("chgAnyState")),
    STATES.map((s) => h("option", { value: s, selected: s === state }, t(`chgState_${s}`))),
  );
  const filter = h(
    "form",
    {
      class: "toolbar",
      "aria-label": t("chgFilter"),
      onsubmit: (event) => {
        event.preventDefault();
        navigate("/changes", { state: stateSelect.value });
      },
    },
    field(t("chgState"), stateSelect),
    h("button", { type: "submit" }, t("chgFilter")),
    me.permissions.includes("request_changes")
      ? h("a", { href: "#/changes/new", class: "btn chg-new", "data-testid": "new-change" }, t("chgNew"))
      : null,
  );
  const columns = [
    { label: t("chgId"), value: (cr) => requestLink(cr) },
    { label: t("chgTitleField"), value: (cr) => cr.title },
    { label: t("chgCategory"), value: (cr) => t(`chgCategory_${cr.category}`) },
    { label: t("chgState"), value: (cr) => stateBadge(cr.state) },
    { label: t("chgWindow"), value: (cr) => windowText(cr) },
    { label: t("chgRequester"), value: (cr) => cr.requester || "—" },
    { label: t("chgRisk"), value: (cr) => riskBadge(cr.assessment?.risk) },
  ];
  mount(
    main,
    h("h1", {}, t("chgTitle")),
    filter,
    h("p", { class: "count", role: "status", "data-testid": "change-count" }, t("chgCount", { count: page.totalCount })),
    table(columns, page.edges.map((e) => e.node), { testid: "change-list", empty: t("none") }),
    h(
      "nav",
      { class: "pager", "aria-label": "pages" },
      h("button", { type: "button", class: "secondary", disabled: !after, onclick: () => history.back() }, t("previous")),
      h("button", {
        type: "button",
        disabled: !page.pageInfo.hasNextPage,
        onclick: () => navigate("/changes", { state, after: page.pageInfo.endCursor }),
      }, t("next")),
    ),
  );
}

export const routes = [
  { path: /^\/changes\/?$/, title: "chgTitle", render: renderList },
  { path: /^\/changes\/new$/, title: "chgNewTitle", render: renderNew },
  { path: /^\/changes\/([^/]+)$/, title: "chgTitle", render: renderRequest },
];
