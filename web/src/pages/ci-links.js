// Links from the CI page to other CIs' pages, kept at the time the page is read as of.
import { h } from "../dom.js";

/** The page of a CI, as `#/ci/<uid>` with `asOf` kept: links between CIs stay in time. */
export function ciHref(uid, asOf = null) {
  const path = `#/ci/${encodeURIComponent(uid)}`;
  return asOf ? `${path}?asOf=${encodeURIComponent(asOf)}` : path;
}

/** A link to another CI's page as of the same time ("—" for none). */
export function ciRef(ci, asOf = null) {
  if (!ci) return "—";
  return h("a", { href: ciHref(ci.uid, asOf) }, ci.name || ci.uid);
}
