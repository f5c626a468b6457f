// The profile switcher (replaces #app): everyone who uses this phone, and "Add student".

import { _, ngettext } from "./i18n.js";
import { h, screen } from "./render.js";

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
