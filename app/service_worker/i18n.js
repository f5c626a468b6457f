// UI strings in the student's language, from the catalogs the server exports as JSON
// (/static/i18n/<locale>.json, carried inside the served worker). Missing strings fall back to
// the English msgid. Plurals follow CLDR through Intl.PluralRules: the catalogs' plural
// headers come from CLDR too, and the worker's CSP forbids evaluating their C expressions.

export const LOCALES = [["en", "English"], ["hi", "हिन्दी"], ["ta", "தமிழ்"], ["bn", "বাংলা"], ["mr", "मराठी"]];
const CATEGORY_ORDER = ["zero", "one", "two", "few", "many", "other"];
const loaded = new Map();
let current = { locale: "en", messages: {}, nplurals: 2 };

async function fetchCatalog(locale) {
  // The served worker carries every catalog (no request at install); node's tests fetch them.
  const embedded = globalThis.ABHYAS_CATALOGS && globalThis.ABHYAS_CATALOGS[locale];
  if (embedded) return embedded;
  const url = `/static/i18n/${locale}.json`;
  const response = (await caches.match(url)) || (await fetch(url).catch(() => null));
  if (!response || !response.ok) return null;
  return response.json();
}

/** Make `locale` the language of the strings rendered next. */
export async function useLocale(locale) {
  const wanted = LOCALES.some(([code]) => code === locale) ? locale : "en";
  if (!loaded.has(wanted)) {
    const catalog = await fetchCatalog(wanted);
    if (!catalog) return (current = { locale: wanted, messages: {}, nplurals: 2 });
    loaded.set(wanted, catalog);
  }
  current = loaded.get(wanted);
  current.locale = wanted;
  return current;
}

/** The phone's own language, when Abhyas has strings for it (before anyone joined). */
export function deviceLocale() {
  const tags = (self.navigator && (navigator.languages || [navigator.language])) || [];
  for (const tag of tags) {
    const code = String(tag || "").toLowerCase().split(/[-_]/)[0];
    if (LOCALES.some(([c]) => c === code)) return code;
  }
  return "en";
}

/** The locale strings are being rendered in. */
export function currentLocale() {
  return current.locale || "en";
}

function fill(text, vars) {
  if (!vars) return text;
  return text.replace(/%\((\w+)\)[ds]/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Translate a UI string and fill its %(name)s placeholders. */
export function _(message, vars) {
  const found = current.messages && current.messages[message];
  return fill(typeof found === "string" && found ? found : message, vars);
}

function pluralIndex(n) {
  const rules = new Intl.PluralRules(current.locale || "en");
  const used = CATEGORY_ORDER.filter((c) => rules.resolvedOptions().pluralCategories.includes(c));
  const index = used.indexOf(rules.select(n));
  return Math.max(0, Math.min(index, (current.nplurals || 2) - 1));
}

/** Translate a counted string with the locale's plural rule; `n` also fills %(num)d. */
export function ngettext(singular, plural, n, vars) {
  const forms = current.messages && current.messages[singular];
  let text;
  if (Array.isArray(forms) && forms.every(Boolean)) text = forms[pluralIndex(n)];
  else text = n === 1 ? singular : plural;
  return fill(text, { num: n, ...(vars || {}) });
}
