// Small DOM helpers: h() builds elements, so no page writes HTML strings (no injection).

/** h("a", {href: "#/x", class: "btn"}, "text", child...) -> HTMLElement.
 * Attributes starting with "on" are listeners; `false`/null attributes are left out. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace everything inside `el` with `children`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A data table: columns [{label, value: row -> node|text, class?}], rows []. */
export function table(columns, rows, { caption = null, empty = "—", testid = null } = {}) {
  return h(
    "table",
    { class: "grid", "data-testid": testid },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.label)))),
    h(
      "tbody",
      {},
      rows.length
        ? rows.map((row) => h("tr", {}, columns.map((c) => h("td", { class: c.class }, c.value(row) ?? ""))))
        : h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, empty)),
    ),
  );
}

/** A labelled form control: the label's `for` names the control's id. */
export function field(label, control, hint = null) {
  if (!control.id) control.id = `f-${Math.random().toString(36).slice(2, 9)}`;
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control, hint ? h("small", {}, hint) : null);
}

/** An ISO time as the user's local date and time, or "—". */
export function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** An ISO time as a datetime-local input's value (the browser's time zone, to the
 * second), or "" when there is none or it is no time. */
export function localInputValue(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${day}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A value of any JSON kind as short text. */
export function text(value) {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.map(text).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A status or severity as a coloured badge (class badge-<value>). */
export function badge(value, label = value) {
  return h("span", { class: `badge badge-${String(value).toLowerCase()}` }, label);
}

/** An error box with the message the API gave. */
export function errorBox(error) {
  return h("div", { class: "error", role: "alert" }, String(error?.message ?? error));
}

/** A link to a CI's page. */
export function ciLink(ci) {
  return h("a", { href: `#/ci/${encodeURIComponent(ci.uid)}` }, ci.name || ci.uid);
}

/** A file download of `data` (Blob or text) named `name`. */
export function download(name, data, type = "text/plain") {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
