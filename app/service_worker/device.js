// What the page tells the worker about the phone: which locales have an on-device voice.
// Kept in IndexedDB too, so a restarted worker still knows before the page speaks again.

import { get, put } from "./store.js";

/** Locales with an installed local voice (Web Speech, localService). */
export const voices = new Set();
let loaded = false;

/** Replace the known voices with what the page reported. */
export async function setVoices(langs) {
  const fresh = [...new Set((langs || []).filter(Boolean))].sort();
  if (loaded && fresh.join(",") === [...voices].sort().join(",")) return;
  voices.clear();
  for (const lang of fresh) voices.add(lang);
  loaded = true;
  await put("meta", [...voices], "voices").catch(() => {});
}

/** The known voices, read back from storage after a worker restart. */
export async function knownVoices() {
  if (!loaded) {
    for (const lang of (await get("meta", "voices").catch(() => null)) || []) voices.add(lang);
    loaded = true;
  }
  return voices;
}

/** True when a locale needs the audio pack: no on-device voice speaks it. */
export async function needsAudio(locale) {
  return !(await knownVoices()).has(locale);
}
