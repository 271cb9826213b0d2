// The CI page's reads, all through the public GraphQL API: the CI as of a time (its class's
// own fields found by introspection), the times of its history events, a page of its
// history, and the diff between two times.
import { gql } from "../api.js";

// fields every CI has: shown in the header, never in the attributes table
const COMMON_FIELDS = new Set([
  "uid", "name", "className", "status", "firstSeen", "lastSeen", "asOf", "relationships",
  "owner", "supportedBy", "contracts", "location", "discoveryCoverage", "history", "attributes",
]);
const REF = "uid name className status";
const RELATIONS_PAGE = 200;
const TIMES_PAGE = 500;
const TIMES_MAX_PAGES = 4;
const NAMES_MAX = 25;
export const HISTORY_PAGE = 20;

const typeInfo = new Map(); // class name -> {fields: [names], device: bool}
let hasAttributeValues = null; // does ConfigurationItem carry `attributes: [AttributeValue!]!`?

/** Whether the API gives each attribute's value with its owning source (AttributeValue). */
async function attributeValuesServed() {
  if (hasAttributeValues === null) {
    const data = await gql('query { __type(name: "ConfigurationItem") { fields { name } } }');
    hasAttributeValues = data.__type.fields.some((f) => f.name === "attributes");
  }
  return hasAttributeValues;
}

function scalarLike(type) {
  let inner = type;
  while (inner.kind === "NON_NULL" || inner.kind === "LIST") inner = inner.ofType;
  return inner.kind === "SCALAR" || inner.kind === "ENUM";
}

/** The class's own scalar fields (beyond the common ones), and whether it is a Device. */
async function classInfo(className) {
  if (!typeInfo.has(className)) {
    const data = await gql(
      `query($name: String!) { __type(name: $name) { interfaces { name }
         fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }`,
      { name: className },
    );
    const type = data.__type;
    typeInfo.set(className, {
      fields: (type?.fields || []).filter((f) => !COMMON_FIELDS.has(f.name) && scalarLike(f.type)).map((f) => f.name),
      device: (type?.interfaces || []).some((i) => i.name === "Device"),
    });
  }
  return typeInfo.get(className);
}

/** The CI `uid` as of `asOf` (null: now): null when there is no such CI (then). */
export async function loadCi(uid, asOf) {
  const head = await gql(
    "query($uid: String!, $asOf: DateTime) { ci(uid: $uid, asOf: $asOf) { uid className } }",
    { uid, asOf },
  );
  if (!head.ci) return null;
  const [info, withValues] = await Promise.all([classInfo(head.ci.className), attributeValuesServed()]);
  const own = info.fields.length ? `... on ${head.ci.className} { ${info.fields.join(" ")} }` : "";
  const device = info.device
    ? `... on Device { interfaces { ${REF} }
         neighbours { localPort { ${REF} } port { ${REF} } device { ${REF} } since evidence } }`
    : "";
  const data = await gql(
    `query($uid: String!, $asOf: DateTime) { ci(uid: $uid, asOf: $asOf) {
       ${REF} firstSeen lastSeen asOf
       ${withValues ? "attributes { name value source lastSeen }" : own}
       discoveryCoverage { scope lastSeen sources { source lastSeen } }
       owner { ${REF} } supportedBy { ${REF} } contracts { ${REF} } location { ${REF} }
       relationships(first: ${RELATIONS_PAGE}) { totalCount edges { node {
         type direction since until source evidence lastSeen other { ${REF} } } } }
       ${device} } }`,
    { uid, asOf },
  );
  const ci = data.ci;
  return {
    ci,
    device: info.device,
    attributes: withValues ? ci.attributes : own ? info.fields.map((name) => ({ name, value: ci[name] })) : [],
    attributeSources: withValues,
  };
}

/** The distinct times of every event in the CI's history, oldest first. */
export async function eventTimes(uid) {
  const times = new Set();
  let after = null;
  for (let page = 0; page < TIMES_MAX_PAGES; page += 1) {
    const data = await gql(
      `query($uid: String!, $after: String) { ci(uid: $uid) {
         history(first: ${TIMES_PAGE}, after: $after) { events { at } hasNextPage endCursor } } }`,
      { uid, after },
    );
    const history = data.ci?.history;
    if (!history) break;
    for (const event of history.events) times.add(event.at);
    if (!history.hasNextPage) break;
    after = history.endCursor;
  }
  return [...times].sort((a, b) => Date.parse(a) - Date.parse(b));
}

/** One page of the CI's history up to `asOf` (null: now) and its events at `asOf` (the
 * state read as of a time holds them; the field's `until` is exclusive), newest first. */
export async function historyPage(uid, asOf, after) {
  const until = asOf ? new Date(Date.parse(asOf) + 1).toISOString() : null;
  const data = await gql(
    `query($uid: String!, $until: DateTime, $after: String) { ci(uid: $uid) {
       history(first: ${HISTORY_PAGE}, after: $after, until: $until) { totalCount hasNextPage endCursor
         events { at kind attribute before after
           changeSet { id source actor reason changeRequest discoveryRun } } } } }`,
    { uid, until, after },
  );
  return data.ci.history;
}

/** What changed on the CI between two times: its attributes and links. */
export async function diff(uid, from, to) {
  const data = await gql(
    `query($uid: String!, $from: DateTime!, $to: DateTime!) { diff(uid: $uid, from: $from, to: $to) {
       uid name attributes { attribute before after }
       linksOpened { type source target } linksClosed { type source target } } }`,
    { uid, from, to },
  );
  return data.diff[0] || { attributes: [], linksOpened: [], linksClosed: [] };
}

/** Names of CIs by uid (for the ends of links in a diff); unknown ones are left out. */
export async function namesOf(uids) {
  const unique = [...new Set(uids)].slice(0, NAMES_MAX); // under the API's alias limit
  if (!unique.length) return new Map();
  const params = unique.map((_, i) => `$u${i}: String!`).join(", ");
  const fields = unique.map((_, i) => `c${i}: ci(uid: $u${i}) { ${REF} }`).join(" ");
  const variables = Object.fromEntries(unique.map((uid, i) => [`u${i}`, uid]));
  const data = await gql(`query(${params}) { ${fields} }`, variables);
  return new Map(unique.map((uid, i) => [uid, data[`c${i}`]]).filter(([, ci]) => ci));
}
