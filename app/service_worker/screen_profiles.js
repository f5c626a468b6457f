// The profile switcher (replaces #app): everyone who uses this phone, and "Add student".

import { _, ngettext } from "./i18n.js";
import { h, screen, warning } from "./render.js";

/** One button per student on this phone; each keeps their own answers and progress. */
export function profilesScreen(profile, profiles, waitingByProfile) {
  const rows = profiles.map((p) => h`<li><form hx-post="/app/profiles/switch" hx-target="#app" class="row">
  <input type="hidden" name="profile" value="${p.id}">
  <button type="submit" ${p.id === (profile && profile.id) ? h`aria-current="true" class="primary"` : ""}>${p.name}</button>
  <span class="muted">${waitingByProfile[p.id]
    ? ngettext("%(num)d answer waiting to sync", "%(num)d answers waiting to sync", waitingByProfile[p.id])
    : _("All answers synced")}${p.needsJoin ? ` · ${_("Join again with your PIN so your answers can be sent.")}` : ""}</span>
</form></li>`);
  const main = h`<h1 tabindex="-1" autofocus>${_("Switch student")}</h1>
<ul class="plain">${rows}</ul>
<div class="row"><button type="button" hx-get="/app/join" hx-target="#app">${_("Add student")}</button></div>`;
  return screen(profile, "profiles", main, { refresh: "/app/profiles", title: _("Switch student") });
}

/** Switching to another student asks for their PIN, so nobody answers as someone else. */
export function pinScreen(profile, target, problem = null) {
  const main = h`<h1 tabindex="-1" autofocus>${_("Switch to %(name)s", { name: target.name })}</h1>
${problem === "wrong" ? warning(_("That PIN is not right. Ask your teacher if you forgot it.")) : ""}
${problem === "wait" ? warning(_("Too many wrong PINs. Wait a minute, then try again.")) : ""}
<form hx-post="/app/profiles/switch" hx-target="#app" hx-disabled-elt="#app form button">
  <input type="hidden" name="profile" value="${target.id}">
  <label for="switch-pin">${_("PIN")}</label>
  <input id="switch-pin" name="pin" required maxlength="12" inputmode="numeric" autocomplete="off">
  <div class="row"><button type="submit" class="primary">${_("Switch")}</button>
  <button type="button" hx-get="/app/profiles" hx-target="#app">${_("Cancel")}</button></div>
</form>`;
  return screen(profile, "pin", main, { title: _("Switch student"), nav: "profiles" });
}
