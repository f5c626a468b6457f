// Instant, provisional grading on the phone: a line-by-line mirror of app/grading.py.
// The server re-grades every answer and is the authority; both sides are checked against
// tests/golden/grading.json so they cannot drift. An ES module for the service worker
// and for node's tests. Values are exact fractions of BigInts, as Python's Fraction.

const DIGIT_BASES = [0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66,
  0x0660, 0x06f0, 0xff10];
const DIGIT_MAP = new Map();
for (const base of DIGIT_BASES) {
  for (let i = 0; i < 10; i++) DIGIT_MAP.set(String.fromCharCode(base + i), String(i));
}
const SIGN_MAP = new Map([
  ["\u2212", "-"], ["\u2013", "-"], ["\u2014", "-"], ["\uFE63", "-"], ["\uFF0D", "-"],
  ["\uFF0B", "+"], ["\u2044", "/"], ["\u2215", "/"], ["\u00F7", "/"], ["\uFF0F", "/"],
  ["\u066B", "."], [",", ""],
]);
const INVISIBLE = /[\u200B\u200C\u200D\u2060\uFEFF]/g;
// Spelled out, not \s: the same characters as the Python side's _SPACE.
const SPACES = /[\t\n\v\f\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;

const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^([+-]?)([0-9]+\.[0-9]*|\.[0-9]+)$/;
const FRACTION = /^([+-]?)([0-9]+)\/([0-9]+)$/;
const MIXED = /^([+-]?)([0-9]+) ([0-9]+)\/([0-9]+)$/;
const CHOICE_KEY = /^[a-z0-9_]{1,16}$/;

export const MAX_RESPONSE_CHARS = 40;

function gcd(a, b) {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

/** An exact fraction in lowest terms with a positive denominator. */
export function fraction(num, den = 1n) {
  if (den < 0n) { num = -num; den = -den; }
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

function sameValue(a, b) {
  return a !== null && b !== null && typeof a === "object" && typeof b === "object"
    && a.num === b.num && a.den === b.den;
}

/** Fold native digits, minus look-alikes and spacing into one canonical spelling. */
export function normalizeText(raw) {
  if (raw === null || raw === undefined) return "";
  let folded = "";
  for (const ch of String(raw).replace(INVISIBLE, "")) {
    folded += DIGIT_MAP.get(ch) ?? SIGN_MAP.get(ch) ?? ch;
  }
  return folded.replace(SPACES, " ").replace(/^ +| +$/g, "")
    .replace(/ ?\/ ?/g, "/").replace(/^([+-]) /, "$1");
}

/** Parse an integer, decimal, fraction or mixed number into an exact fraction, or null. */
export function parseNumber(raw) {
  if (raw === null || raw === undefined || [...String(raw)].length > MAX_RESPONSE_CHARS) return null;
  const text = normalizeText(raw);
  if (INTEGER.test(text)) return fraction(BigInt(text));
  let m = DECIMAL.exec(text);
  if (m) {
    const [whole, part] = m[2].split(".");
    const value = fraction(BigInt((whole || "0") + part || "0"), 10n ** BigInt(part.length));
    return m[1] === "-" ? fraction(-value.num, value.den) : value;
  }
  m = FRACTION.exec(text);
  if (m) {
    const den = BigInt(m[3]);
    if (den === 0n) return null;
    const value = fraction(BigInt(m[2]), den);
    return m[1] === "-" ? fraction(-value.num, value.den) : value;
  }
  m = MIXED.exec(text);
  if (m) {
    const den = BigInt(m[4]);
    if (den === 0n) return null;
    const value = fraction(BigInt(m[2]) * den + BigInt(m[3]), den);
    return m[1] === "-" ? fraction(-value.num, value.den) : value;
  }
  return null;
}

/** True when a typed fraction cannot be simplified further (integers count as lowest). */
export function isLowestTerms(raw) {
  const text = normalizeText(raw);
  const mixed = MIXED.exec(text);
  const m = FRACTION.exec(text) || mixed;
  if (!m) return parseNumber(raw) !== null;
  const num = BigInt(m[m.length - 2]);
  const den = BigInt(m[m.length - 1]);
  if (den === 0n) return false;
  if (mixed && num >= den) return false;
  return gcd(num, den) === 1n;
}

/** How a response was written: 'integer', 'decimal', 'fraction', 'mixed', or null. */
export function typedShape(raw) {
  const text = normalizeText(raw);
  if (INTEGER.test(text)) return "integer";
  if (DECIMAL.test(text)) return "decimal";
  if (FRACTION.test(text)) return "fraction";
  if (MIXED.test(text)) return "mixed";
  return null;
}

/** Why a right value does not count yet (the item asked for another form), or null. */
export function formStatus(form, raw, value) {
  const shape = typedShape(raw);
  const whole = value.den === 1n;
  const abs = value.num < 0n ? -value.num : value.num;
  if (form === "decimal" && (shape === "fraction" || shape === "mixed")) return "not_decimal";
  if ((form === "fraction" || form === "lowest") && shape === "decimal" && !whole) return "not_fraction";
  if (form === "mixed" && !whole && abs > value.den && shape !== "mixed") return "not_mixed";
  if (form === "lowest" && !isLowestTerms(raw)) return "not_simplified";
  return null;
}

function floorDiv(a, b) {  // floor of a/b for BigInt, b > 0
  const q = a / b;
  return (a % b !== 0n && a < 0n) ? q - 1n : q;
}

/** True when typed is exact rounded or cut to `places` decimals (23/3 -> 7.67 or 7.66). */
function roundsTo(exact, typed, places) {
  const scale = 10n ** BigInt(places);
  const sign = exact.num < 0n ? -1n : 1n;
  const absNum = exact.num < 0n ? -exact.num : exact.num;
  const rounded = fraction(sign * floorDiv(2n * absNum * scale + exact.den, 2n * exact.den), scale);
  const cut = fraction(sign * floorDiv(absNum * scale, exact.den), scale);
  return sameValue(typed, rounded) || sameValue(typed, cut);
}

/** Digits after the point of a typed decimal (0 for anything else). */
export function decimalPlaces(raw) {
  const text = normalizeText(raw);
  return DECIMAL.test(text) ? text.split(".")[1].length : 0;
}

function terminates(value) {
  let den = value.den;
  for (const p of [2n, 5n]) while (den % p === 0n) den /= p;
  return den === 1n;
}

/** Parse a response for an item kind: a fraction for numeric/fraction, a key for choice. */
export function parseAnswer(raw, kind) {
  if (raw === null || raw === undefined) return null;
  if (kind === "choice") {
    const key = normalizeText(raw).toLowerCase();
    return CHOICE_KEY.test(key) ? key : null;
  }
  if (kind === "numeric" || kind === "fraction") return parseNumber(raw);
  return null;
}

/** The canonical spelling of a value: '-3', '3/4'. */
export function formatValue(value) {
  if (typeof value === "string") return value;
  return value.den === 1n ? String(value.num) : `${value.num}/${value.den}`;
}

/** Grade a raw response against an item: {correct, misconception, status, normalized}. */
export function gradeResponse(item, raw) {
  const kind = item.kind;
  const value = parseAnswer(raw, kind);
  if (value === null) return { correct: false, misconception: null, status: "unparsed", normalized: null };
  const normalized = formatValue(value);
  if (kind === "choice") {
    if (value === String(item.answer).toLowerCase()) {
      return { correct: true, misconception: null, status: "correct", normalized };
    }
  } else {
    const targets = [parseNumber(item.answer), ...(item.accept || []).map(parseNumber)];
    if (targets.some((t) => sameValue(t, value))) {
      const status = formStatus(item.form, raw, value);
      if (status) return { correct: false, misconception: null, status, normalized };
      return { correct: true, misconception: null, status: "correct", normalized };
    }
  }
  const places = kind === "choice" ? 0 : decimalPlaces(raw);
  for (const rule of item.wrong || []) {
    const expected = kind === "choice" ? String(rule.answer).toLowerCase() : parseNumber(rule.answer);
    if (kind === "choice" ? value === expected : sameValue(value, expected)) {
      return { correct: false, misconception: rule.misconception, status: "misconception", normalized };
    }
    // A wrong value with no exact decimal (100/11) is typed rounded (9.09): still that mistake.
    if (places >= 1 && places <= 3 && expected !== null && !terminates(expected) && roundsTo(expected, value, places)) {
      return { correct: false, misconception: rule.misconception, status: "misconception", normalized };
    }
  }
  return { correct: false, misconception: null, status: "wrong", normalized };
}
