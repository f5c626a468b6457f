// The join screen (replaces #app): class code and PIN, for a new phone or another student.

import { _, currentLocale, LOCALES } from "./i18n.js";
import { h, raw, screen, warning } from "./render.js";

const PROBLEMS = {
  offline: () => _("You need a connection to join. Try again when you are online."),
  wrong: () => _("That class code or PIN is not right. Check with your teacher."),
  slow: () => _("Too many tries. Wait 15 minutes, or ask your teacher."),
  server: () => _("Joining did not work. Try again in a moment."),
  rejoin: () => _("Join again with your PIN so your answers can be sent."),
  storage: () => _("This phone's storage is full, so Abhyas cannot keep your homework. Delete some photos, videos or apps you do not need, then tap Join again."),
};

/** The join form, with what went wrong last time (if anything). */
export function joinScreen(profile, { problem = null, classCode = "", cancel = false } = {}) {
  const main = h`<h1 tabindex="-1" autofocus>${_("Join")}</h1>
${problem ? warning(PROBLEMS[problem] ? PROBLEMS[problem]() : problem) : ""}
<form hx-post="/app/join" hx-target="#app" hx-disabled-elt="#app form button">
  <label for="join-code">${_("Class code")}</label>
  <input id="join-code" name="class_code" required maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${classCode}">
  <label for="join-pin">${_("PIN")}</label>
  <input id="join-pin" name="pin" required maxlength="12" inputmode="numeric" autocomplete="off">
  <label for="join-locale">${_("Language")}</label>
  <select id="join-locale" name="locale" hx-get="/app/join" hx-target="#app" hx-trigger="change" hx-include="closest form">${LOCALES.map(([code, name]) => h`<option
    value="${code}" lang="${code}" ${raw(code === currentLocale() ? "selected" : "")}>${name}</option>`)}</select>
  <div class="row"><button type="submit" class="primary">${_("Join")}</button>
  ${cancel ? h`<button type="button" hx-get="/app/profiles" hx-target="#app">${_("Switch student")}</button>` : ""}</div>
</form>`;
  return screen(profile, "join", main, {});
}
