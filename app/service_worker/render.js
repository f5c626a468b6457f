// HTML for htmx, made in the worker: an escaping template tag and the parts every screen
// shares (the top bar, the Sync now button, the language and simple-words switches).

import { LOCALES, _, currentLocale } from "./i18n.js";
import { canRemind } from "./reminder.js";

class Raw {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

/** Mark trusted HTML so the template tag does not escape it. */
export const raw = (text) => new Raw(String(text));

/** Escape text for HTML content and attribute values. */
export function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function part(value) {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return value.map(part).join("");
  return esc(value);
}

/** A template tag: interpolated values are escaped unless made with raw() or h``. */
export function h(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Raw(out);
}

let withChrome = true;
let asPage = false;

/** Whether screens rendered next also redraw the bar, Sync now and the switches (not needed after an answer). */
export function drawChrome(on) {
  withChrome = on;
}

/** Render the next screen as parts of a whole page (a navigation) instead of an htmx swap. */
export function drawPage(on) {
  asPage = on;
}

const NAV = [["start", "/app/start", "Homework"], ["progress", "/app/progress", "My progress"], ["profiles", "/app/profiles", "Switch student"]];
const oob = () => raw(asPage ? "" : ' hx-swap-oob="true"');

/** The top bar: whose phone it is now, and the three places to go. */
export function bar(profile, current) {
  if (!profile) return h`<header id="bar"${oob()}><span class="who">Abhyas</span></header>`;
  const buttons = NAV.map(([name, url, label]) => h`<button type="button" hx-get="${url}" hx-target="#app"
    ${raw(name === current ? 'aria-current="page"' : "")}>${_(label)}</button>`);
  return h`<header id="bar"${oob()}><span class="who">${profile.name}</span>${buttons}</header>`;
}

/** The Sync now button beside the status line. */
export function syncAction(profile) {
  if (!profile) return h`<span id="sync-action"${oob()}></span>`;
  return h`<span id="sync-action"${oob()}><button type="button" hx-post="/app/sync" hx-swap="none">${_("Sync now")}</button></span>`;
}

/** The locales whose packs carry their text in Roman letters too (the "Read in Roman letters" switch). */
export const ROMAN_LOCALES = ["hi", "mr", "bn", "ta"];

/** The language, simple-words and Roman-letters switches; any change redraws the screen at once. */
export function prefs(profile) {
  if (!profile) return h`<footer id="prefs"${oob()}></footer>`;
  const options = LOCALES.map(([code, name]) => h`<option value="${code}" lang="${code}" ${raw(code === profile.locale ? "selected" : "")}>${name}</option>`);
  return h`<footer id="prefs"${oob()}><form class="prefs" hx-post="/app/settings" hx-target="#app" hx-trigger="change">
    <div><label for="pref-locale">${_("Language")}</label><select id="pref-locale" name="locale">${options}</select></div>
    <div><label class="toggle"><input type="checkbox" id="pref-simple" name="simplified" value="1" ${raw(profile.simplified ? "checked" : "")}> ${_("Simple words")}</label></div>
    ${ROMAN_LOCALES.includes(profile.locale) ? h`<div><input type="hidden" name="roman_shown" value="1"><label class="toggle"><input type="checkbox"
      id="pref-roman" name="roman" value="1" ${raw(profile.roman ? "checked" : "")}> ${_("Read in Roman letters")}</label></div>` : ""}
    ${canRemind() ? h`<div><input type="hidden" name="reminder_shown" value="1"><label class="toggle"><input type="checkbox"
      id="pref-reminder" name="reminder" value="1" ${raw(profile.reminder ? "checked" : "")}> ${_("Remind me once a day")}</label></div>` : ""}
  </form></footer>`;
}

/**
 * A whole screen (item, reflection, done, empty, join, progress, profiles): for htmx, the
 * main content plus the shared parts swapped out of band; for a navigation, the parts.
 */
export function screen(profile, name, main, { refresh = "", title = "Abhyas", nav = name } = {}) {
  const lang = profile ? profile.locale : currentLocale();
  // `refresh`: the URL that redraws this screen when a sync brings news; screens where the
  // student is typing or answering have none, so nothing moves under their fingers.
  const content = h`<div data-screen="${name}" data-refresh="${refresh}" data-lang="${lang}" data-title="${title}">${main}</div>`;
  if (asPage) {
    return { main: content.text, bar: bar(profile, nav).text, action: syncAction(profile).text,
             prefs: prefs(profile).text, lang, title };
  }
  return h`${content}
${withChrome ? [bar(profile, nav), syncAction(profile), prefs(profile)] : ""}`.text;
}

/** A warning box (role=alert), e.g. when storage is short. */
export function warning(text) {
  return h`<p class="warn" role="alert">${text}</p>`;
}
