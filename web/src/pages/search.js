// The home page: a search box (names, serials, addresses, MACs) and the CI list with
// class and status filters, its count, and pages of PAGE_SIZE.
import { h, mount, table, field, when, badge, ciLink } from "../dom.js";
import { gql } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";

const PAGE_SIZE = 25;
const STATUSES = ["active", "planned", "absent", "retired"];

export const messages = {
  en: {
    searchTitle: "Configuration items",
    searchLabel: "Search names, serials, addresses, MACs",
    searchButton: "Search",
    anyClass: "Any class",
    anyStatus: "Any status",
    ciCount: "{count} CIs",
    matchCount: "{count} matches",
    clear: "Clear",
  },
  zh: {
    searchTitle: "配置项",
    searchLabel: "搜索名称、序列号、地址、MAC",
    searchButton: "搜索",
    anyClass: "全部类别",
    anyStatus: "全部状态",
    ciCount: "共 {count} 个配置项",
    matchCount: "匹配 {count} 个",
    clear: "清除",
  },
};

const CI_FIELDS = "uid name className status lastSeen";

async function classNames() {
  const data = await gql('query { __type(name: "ConfigurationItem") { possibleTypes { name } } }');
  return data.__type.possibleTypes.map((p) => p.name).sort();
}

async function render({ main, query }) {
  const { q = "", cls = "", status = "", after = "" } = query;
  const [classes, result] = await Promise.all([classNames(), load(q, cls, status, after)]);
  const input = h("input", { type: "search", name: "q", value: q, placeholder: "core-sw1, 10.0.0.1, 00:11:22…" });
  const classSelect = h(
    "select",
    { name: "cls" },
    h("option", { value: "" }, t("anyClass")),
    classes.map((c) => h("option", { value: c, selected: c === cls }, c)),
  );
  const statusSelect = h(
    "select",
    { name: "status" },
    h("option", { value: "" }, t("anyStatus")),
    STATUSES.map((s) => h("option", { value: s, selected: s === status }, s)),
  );
  const form = h(
    "form",
    {
      role: "search",
      class: "toolbar",
      onsubmit: (event) => {
        event.preventDefault();
        navigate("/", { q: input.value.trim(), cls: classSelect.value, status: statusSelect.value });
      },
    },
    field(t("searchLabel"), input),
    field(t("class"), classSelect),
    field(t("status"), statusSelect),
    h("button", { type: "submit" }, t("searchButton")),
    q || cls || status ? h("a", { href: "#/", class: "btn secondary" }, t("clear")) : null,
  );
  const columns = [
    { label: t("name"), value: (ci) => ciLink(ci) },
    { label: t("class"), value: (ci) => ci.className },
    { label: t("status"), value: (ci) => badge(ci.status) },
    { label: t("lastSeen"), value: (ci) => when(ci.lastSeen) },
  ];
  mount(
    main,
    h("h1", {}, t("searchTitle")),
    form,
    h("p", { class: "count", "data-testid": "ci-count", role: "status" },
      q ? t("matchCount", { count: result.rows.length }) : t("ciCount", { count: result.total })),
    table(columns, result.rows, { testid: "ci-list", empty: t("none") }),
    pager(result, { q, cls, status }),
  );
  if (!q && !after) input.focus();
}

async function load(q, cls, status, after) {
  if (q) {
    const data = await gql(`query($q: String!) { search(text: $q, first: 200) { ${CI_FIELDS} } }`, { q });
    const rows = data.search.filter((ci) => (!cls || ci.className === cls) && (!status || ci.status === status));
    return { rows, total: rows.length, next: null };
  }
  const filter = {};
  if (cls) filter.className = cls;
  if (status) filter.status = [status];
  const data = await gql(
    `query($filter: CIFilter, $first: Int, $after: String) {
       cis(filter: $filter, first: $first, after: $after) {
         totalCount edges { node { ${CI_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
    { filter, first: PAGE_SIZE, after: after || null },
  );
  const page = data.cis;
  return {
    rows: page.edges.map((e) => e.node),
    total: page.totalCount,
    next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
  };
}

function pager(result, query) {
  return h(
    "nav",
    { class: "pager", "aria-label": "pages" },
    h("button", { type: "button", class: "secondary", onclick: () => history.back(), disabled: !query.after && !window.location.hash.includes("after=") }, t("previous")),
    h("button", {
      type: "button",
      disabled: !result.next,
      onclick: () => navigate("/", { ...query, after: result.next }),
    }, t("next")),
  );
}

export const routes = [{ path: /^\/$/, title: "searchTitle", render }];
