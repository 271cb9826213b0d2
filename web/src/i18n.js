// English and Chinese. Each page module brings its own messages ({en: {...}, zh: {...}});
// the language is the user's pick (kept in localStorage), else the browser's.

const LANG_KEY = "cmdb-lang";
const catalog = { en: {}, zh: {} };

export function addMessages(messages) {
  for (const lang of Object.keys(catalog)) Object.assign(catalog[lang], messages[lang] || {});
}

export function lang() {
  const picked = localStorage.getItem(LANG_KEY);
  if (picked === "en" || picked === "zh") return picked;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

export function setLang(value) {
  localStorage.setItem(LANG_KEY, value);
  document.documentElement.lang = value === "zh" ? "zh-CN" : "en";
}

/** The message `key` in the current language with {name} placeholders filled. */
export function t(key, vars = {}) {
  const text = catalog[lang()][key] ?? catalog.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Every key of one language missing from the other (tests read it from the page). */
export function missingKeys() {
  const en = Object.keys(catalog.en);
  const zh = Object.keys(catalog.zh);
  return { zh: en.filter((k) => !(k in catalog.zh)), en: zh.filter((k) => !(k in catalog.en)) };
}
