// "Import a pack file" (replaces #app): a pack passed phone to phone, by SD card or in a chat
// app arrives as one .abhyas file; it is checked on the phone, offline, before a byte is used.

import { BundleError, importBundle, MAX_BYTES } from "./bundle.js";
import { _, deviceLocale, useLocale } from "./i18n.js";
import { installed, PackError, publisherKeys } from "./packs.js";
import { currentProfile } from "./profiles.js";
import { h, screen } from "./render.js";

// The reasons a student is told, in their language (the English text is the msgid).
const REASONS = {
  "not-pack": () => _("This is not an Abhyas pack file."),
  unsigned: () => _("This pack file is unsigned, so it cannot be trusted."),
  "unknown-publisher": () => _("This pack file is signed by an unknown publisher. Ask your teacher."),
  tampered: () => _("This pack file was changed after signing (tampered)."),
  damaged: () => _("This pack file has a damaged file inside. Get a new copy."),
};

function titleOf(body, locale) {
  const t = body.title || {};
  return t[locale] || t.en || body.pack;
}

async function withLocale() {
  const profile = await currentProfile();
  await useLocale(profile ? profile.locale : deviceLocale());
  return profile;
}

function packList(records, locale) {
  if (!records.length) return h`<p>${_("No packs on this phone yet.")}</p>`;
  const sorted = [...records].sort((a, b) => a.key.localeCompare(b.key));
  return h`<ul class="plain" id="packs-here">${sorted.map((r) => h`<li data-pack="${r.pack}" data-version="${r.version}">
<strong>${titleOf(r.body, locale)}</strong> · ${r.pack} ${r.version}</li>`)}</ul>`;
}

/** GET /app/import: the file picker, the result region, and the packs already on the phone. */
export async function importScreen() {
  const profile = await withLocale();
  const locale = profile ? profile.locale : deviceLocale();
  const main = h`<h1 tabindex="-1" autofocus>${_("Import a pack file")}</h1>
<p>${_("A pack file (.abhyas) can come from another phone, an SD card or a chat app. Abhyas checks it before using it; no connection is needed.")}</p>
<form hx-post="/app/import" hx-target="#import-result" hx-encoding="multipart/form-data" hx-disabled-elt="#app form button">
  <label for="import-file">${_("Pack file")}</label>
  <input type="file" id="import-file" name="bundle" accept=".abhyas" required>
  <div class="row"><button type="submit" class="primary">${_("Import")}</button></div>
</form>
<div id="import-result" role="status" aria-live="polite"></div>
<h2>${_("Packs on this phone")}</h2>
<div id="import-packs">${packList(await installed(), locale)}</div>`;
  return screen(profile, "import", main, { title: _("Import a pack file"), nav: "progress" });
}

/** POST /app/import: verify the chosen file and install it, or say why it was refused. */
export async function importFile(form) {
  const profile = await withLocale();
  const locale = profile ? profile.locale : deviceLocale();
  const file = form.get("bundle");
  // No file chosen (an empty name); an empty file that was chosen is refused below like any other bad file.
  if (!file || typeof file === "string" || !file.name) {
    return h`<p class="warn" data-result="refused" data-reason="none">${_("Choose a pack file first.")}</p>`.text;
  }
  // Online, fetch the server's current keys (a revoked key is gone); offline, the stored ones.
  const keys = await publisherKeys(navigator.onLine);
  let record;
  try {
    // A file larger than any pack is refused unread: reading a film into memory could end the worker.
    if (file.size > MAX_BYTES) throw new BundleError("not-pack", "larger than any pack");
    record = await importBundle(await file.arrayBuffer(), keys);
  } catch (err) {
    let reason = null;
    let text;
    if (err instanceof BundleError) { reason = err.reason; text = REASONS[reason](); }
    else if (err instanceof PackError && err.kind === "space") { reason = "space"; text = _("Storage is almost full. Ask your teacher before downloading more."); }
    else { reason = "error"; text = ""; } // e.g. the phone's storage failed: still an answer, never a broken screen
    return h`<p class="warn" data-result="refused" data-reason="${reason}">${_("Not imported.")} ${text}</p>
<p class="muted">${file.name}: ${err.message}</p>`.text;
  }
  return h`<p class="ok" data-result="imported" data-pack="${record.pack}" data-version="${record.version}">${_("Imported %(title)s, version %(version)s. Its questions are ready, even offline.", { title: titleOf(record.body, locale), version: record.version })}</p>
<div id="import-packs" hx-swap-oob="true">${packList(await installed(), locale)}</div>`.text;
}
