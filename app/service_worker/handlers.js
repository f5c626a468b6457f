// What each /app/ route does: read the profile's state, change it together with the events
// that explain the change, and answer with the screen to show. Online and offline alike.

import * as hw from "./homework.js";
import { _, deviceLocale, ngettext, useLocale } from "./i18n.js";
import { answersWaiting, heldInMemory, onHeldChange, pending, record, withHeld } from "./outbox.js";
import { audioUrl, collectGarbage, dropAudio, exampleAudioUrls } from "./pack_audio.js";
import { contentFor } from "./packs.js";
import { currentProfile, join, JoinError, listProfiles, pinMatches, switchTo, updateProfile } from "./profiles.js";
import { joinScreen } from "./screen_join.js";
import { doneScreen, emptyScreen, itemScreen, lastPractice, nudgeLine, reflectionScreen } from "./screen_item.js";
import { h } from "./render.js";
import { pinScreen, profilesScreen } from "./screen_profiles.js";
import { progressScreen } from "./screen_progress.js";
import { get, put } from "./store.js";
import { localDay, reminderFor } from "./reminder.js";
import { flushAll, installAudioFor, onSyncChange, pinnedPackKeys, takeJoinReply } from "./sync.js";
import { knownVoices } from "./device.js";

const lastScreen = new Map();       // profile id -> "start" | "progress" | "profiles"
const KEEP_FINISHED_SETS = 10;

async function storageShort() {
  const storage = await get("meta", "storage");
  return !!(storage && storage.short);
}

async function stateOf(profile) {
  // Progress a full disk kept in memory counts too, or the screens would step back.
  return withHeld(profile.id, (await get("state", profile.id)) || { profile: profile.id, progress: {} });
}

async function freeRoom() {
  await dropAudio();
  await collectGarbage(await pinnedPackKeys());
  for (const name of await caches.keys()) if (name.startsWith("abhyas-shell-old")) await caches.delete(name);
}

/** Write events with the progress they caused; a full disk keeps them in memory instead of losing them. */
async function save(profile, progress, events) {
  const change = (state) => {
    state.progress = state.progress || {};
    state.progress[progress.id] = progress;
    const finished = Object.values(state.progress).filter((p) => p.stage === "done").sort((a, b) => (b.ended || 0) - (a.ended || 0));
    for (const old of finished.slice(KEEP_FINISHED_SETS)) delete state.progress[old.id];
    return state;
  };
  try {
    await record(profile.id, events, change, freeRoom);
  } catch (err) {
    if (err.name !== "HeldInMemory") throw err;
  }
  statusChanged();
  // A finished set no longer holds its pack versions: drop the ones a newer version replaced.
  if (progress.stage === "done") collectGarbage(await pinnedPackKeys()).catch(() => {});
  if (events.length && self.registration.sync) self.registration.sync.register("outbox").catch(() => {});
}

let statusListener = () => {};
/** Be told whenever the number of waiting answers may have changed. */
export function onStatusChange(fn) {
  statusListener = fn;
}
function statusChanged() {
  statusListener();
}

// Events held in memory on a full disk: the student is told at once, and they go to the
// server at the first chance (each new one tries again; Sync now forces it).
let heldBefore = 0;
onHeldChange(({ held }) => {
  statusChanged();
  if (held && heldInMemory.length) flushAll({ force: !heldBefore, reason: "storage-full" }).catch(() => {});
  heldBefore = held;
});

let statusQueue = Promise.resolve();
/**
 * The status line for the current profile: answers waiting, or all synced. Computed one at a
 * time, in the order asked, so an older count never lands after a newer one.
 */
export function statusText() {
  const run = statusQueue.then(currentStatus, currentStatus);
  statusQueue = run.catch(() => {});
  return run;
}

async function currentStatus() {
  const profile = await currentProfile();
  if (!profile) return "";
  await useLocale(profile.locale);
  if (profile.needsJoin) return _("Join again with your PIN so your answers can be sent.");
  const waiting = await answersWaiting(profile.id);
  let text = waiting ? ngettext("%(num)d answer waiting to sync", "%(num)d answers waiting to sync", waiting) : _("All answers synced");
  if (unreachable) text = `${_("No connection now. Your answers are safe on this phone and are sent when a connection returns.")} ${text}`;
  if (heldInMemory.length) text += ` ${_("Storage is full: your work is not saved on this phone yet. Keep Abhyas open and tap Sync now.")}`;
  return text;
}

async function itemContext(profile, state, progress) {
  const content = await contentFor(progress.pins, profile.locale, { roman: !!profile.roman });
  const voices = await knownVoices();
  const ctx = { profile, state, progress, content, voices, audioUrl: null, exampleAudio: [] };
  if (progress.current && !voices.has(profile.locale)) {
    ctx.audioUrl = await audioUrl(content, progress.current, profile.locale);
    ctx.exampleAudio = await exampleAudioUrls(content, progress.current, profile.locale);
  }
  return ctx;
}

async function homework(profile, state, options = {}) {
  let active = hw.activeSet(state);
  const before = lastPractice(state);
  if (!active) {
    const content = await contentFor({}, profile.locale);
    return emptyScreen({ profile }, { waiting: hw.waitingFor(state), storageShort: await storageShort(), missing: false, content });
  }
  if (!active.progress) {
    const content = await contentFor({}, profile.locale);
    if (!active.set.items.every((e) => content.item(e.item))) {
      return emptyScreen({ profile }, { missing: true, storageShort: await storageShort() });
    }
    const [progress, events] = hw.startSet(active.set, content.versions);
    await save(profile, progress, events);
    active = { set: active.set, progress };
  }
  if (options.opening && active.progress.stage === "items") {
    // Opening the app: a short nudge with its reason, above the question (never mid-item after that).
    const content = await contentFor(active.progress.pins, profile.locale);
    const line = nudgeLine(state, active.set, content, profile.locale, Date.now(), before);
    if (line) options = { ...options, notices: [h`<p class="note" role="status" data-nudge>${line}</p>`] };
  }
  return renderProgress(profile, await stateOf(profile), active.progress, options);
}

async function renderProgress(profile, state, progress, options = {}) {
  const ctx = await itemContext(profile, state, progress);
  if (progress.stage === "done") return doneScreen(ctx, !!hw.activeSet(state), { waiting: hw.waitingFor(state) });
  if (progress.stage === "reflection") return reflectionScreen(ctx);
  if (!progress.current || !ctx.content.item(progress.current)) {
    return emptyScreen({ profile }, { missing: true, storageShort: await storageShort() });
  }
  return itemScreen(ctx, options);
}

async function withProfile(fn) {
  const profile = await currentProfile();
  if (!profile) {
    await useLocale(deviceLocale());
    return joinScreen(null);
  }
  await useLocale(profile.locale);
  if (profile.needsJoin) return joinScreen(profile, { problem: "rejoin", classCode: profile.classCode });
  return fn(profile, await stateOf(profile));
}

function needsItem(change) {
  change.needsItem = true;
  return change;
}

async function act(change, form) {
  return withProfile(async (profile, state) => {
    const active = hw.activeSet(state);
    if (!active || !active.progress) return homework(profile, state);
    const progress = active.progress;
    const content = await contentFor(progress.pins, profile.locale);
    if (change.needsItem && !(progress.current && content.item(progress.current))) return renderProgress(profile, state, progress);
    const [next, events, extra] = change(progress, content, form);
    await save(profile, next, events);
    return renderProgress(profile, await stateOf(profile), next, extra || {});
  });
}

/** GET /app/start: the homework screen (the current item at once), or joining for a new phone. */
export async function start(form) {
  // "unless=join": the page already shows a join form (the server's); leave it if nobody joined.
  if (form && form.get && form.get("unless") === "join" && !(await currentProfile())) return null;
  // A navigation (opening the app) asks with no form; taps on Homework ask through htmx.
  const opening = !form || (form.get && form.get("unless") === "join");
  return withProfile(async (profile, state) => {
    lastScreen.set(profile.id, "start");
    return homework(profile, state, { opening });
  });
}

/** POST /app/check: grade the answer on the phone and record it. */
export function check(form) {
  return act(needsItem((progress, content) => {
    const [p, events] = hw.check(progress, content.item(progress.current), form.get("answer"));
    return [p, events];
  }), form);
}

/** POST /app/hint: the next hint (the last brings the worked solution). */
export function hint(form) {
  return act(needsItem((progress, content) => {
    const text = content.text(progress.current, "en") || { hints: [] };
    const [p, events] = hw.hint(progress, (text.hints || []).length);
    return [p, events, { draft: form.get("answer") || "" }];
  }), form);
}

/** POST /app/next: leave the item (time on task, or a skip) and show what comes next. */
export function next(form) {
  return act((progress) => hw.next(progress), form);
}

/** POST /app/reflect: the reflection, then the optional extension. */
export function reflect(form) {
  return act((progress) => hw.reflect(progress, form.get("value"), Date.now(), form.get("confidence")), form);
}

/** GET /app/progress: mastery bars, next steps, what mastery means. */
export function progress() {
  return withProfile(async (profile, state) => {
    lastScreen.set(profile.id, "progress");
    const active = hw.activeSet(state);
    // Indic key words are shown with their Roman spelling beside them, so the Roman file is loaded too.
    const roman = ["hi", "mr", "bn", "ta"].includes(profile.locale);
    const content = await contentFor(active && active.progress ? active.progress.pins : {}, profile.locale, { roman });
    return progressScreen({ profile, state, content }, { pendingEvents: await pending(profile.id), storageShort: await storageShort() });
  });
}

/** GET /app/profiles: everyone on this phone. */
export async function profiles() {
  const profile = await currentProfile();
  await useLocale(profile ? profile.locale : deviceLocale());
  if (profile) lastScreen.set(profile.id, "profiles");
  const all = await listProfiles();
  const waiting = {};
  for (const p of all) waiting[p.id] = await answersWaiting(p.id);
  return profilesScreen(profile, all, waiting);
}

// Wrong PINs on this phone: after a few, switching waits a minute, so a sibling cannot simply try them all.
const PIN_TRIES = 5;
const PIN_WAIT_MS = 60 * 1000;
let pinFailures = { count: 0, until: 0 };

/** POST /app/profiles/switch: show another student's homework, after their PIN (a shared phone is not a shared login). */
export async function switchProfile(form) {
  const current = await currentProfile();
  const target = (await listProfiles()).find((p) => p.id === form.get("profile"));
  if (!target) return profiles();
  if (!current || target.id === current.id || !target.pinHash) {
    await switchTo(target.id);
    statusChanged();
    return start();
  }
  await useLocale(current.locale);
  if (!form.has("pin")) return pinScreen(current, target);
  if (Date.now() < pinFailures.until) return pinScreen(current, target, "wait");
  if (!(await pinMatches(target, form.get("pin")))) {
    pinFailures.count += 1;
    if (pinFailures.count >= PIN_TRIES) pinFailures = { count: 0, until: Date.now() + PIN_WAIT_MS };
    return pinScreen(current, target, "wrong");
  }
  pinFailures = { count: 0, until: 0 };
  await switchTo(target.id);
  statusChanged();
  return start();
}

/** GET /app/join: the join form (another student on this phone), in the language chosen on it. */
export async function joinForm(form) {
  const profile = await currentProfile();
  const chosen = form && form.get && form.get("locale");
  await useLocale(chosen || (profile ? profile.locale : deviceLocale()));
  return joinScreen(profile, { cancel: !!profile, classCode: (form && form.get && form.get("class_code")) || "" });
}

/** POST /app/join: join online, fetch the first set and the packs, then show the homework. */
export async function joinClass(form) {
  const classCode = String(form.get("class_code") || "");
  const chosen = String(form.get("locale") || "") || null;
  let profile, reply;
  try {
    ({ profile, reply } = await join(classCode, String(form.get("pin") || ""), chosen));
  } catch (err) {
    const current = await currentProfile();
    await useLocale(chosen || (current ? current.locale : deviceLocale()));
    if (err instanceof JoinError) return joinScreen(current, { problem: err.kind, classCode, cancel: !!current });
    throw err;
  }
  await useLocale(profile.locale);
  // The join reply holds the first set: only answers left from an earlier join need a sync first.
  const took = await takeJoinReply(profile, reply);
  if (!took || (await pending(profile.id)).length) await flushAll({ force: true, only: profile.id, reason: "join" });
  statusChanged();
  return start();
}

/** POST /app/settings: language, simplified text or Roman letters, switched on the phone at once. */
export async function settings(form) {
  const current = await currentProfile();
  if (!current) return joinScreen(null);
  const locale = String(form.get("locale") || current.locale);
  // The Roman-letters switch is drawn only for Indic languages: when it was not on the form, it keeps its value.
  const roman = form.has("roman_shown") ? form.get("roman") === "1" : !!current.roman;
  // The daily reminder switch is drawn only where the browser can remind: elsewhere it keeps its value.
  const reminder = form.has("reminder_shown") ? form.get("reminder") === "1" : !!current.reminder;
  await updateProfile(current.id, { locale, simplified: form.get("simplified") === "1", roman, reminder });
  if (locale !== current.locale && navigator.onLine) installAudioFor({ ...current, locale }).catch(() => {});
  statusChanged();
  const screenName = lastScreen.get(current.id) || "start";
  if (screenName === "progress") return progress();
  if (screenName === "profiles") return profiles();
  return start();
}

/** POST /app/sync: Sync now, ignoring any backoff; without a connection, say the answers wait safely. */
export async function syncNow() {
  const results = await flushAll({ force: true, reason: "button" });
  unreachable = Object.values(results || {}).some((r) => r && r.failed && !r.status) || (self.navigator && navigator.onLine === false);
  statusChanged();
  return "";
}

// Sync now found no connection: the status line says so until a sync gets through.
let unreachable = false;
onSyncChange((change) => {
  if (change.status === "synced") unreachable = false;
});

/** The daily reminder (Periodic Background Sync): at most one a day, to a profile that asked for it and has work. */
export async function remindIfDue(now = Date.now()) {
  const profiles = await listProfiles();
  const lastReminderDay = await get("meta", "reminder-day");
  const states = new Map();
  for (const p of profiles) states.set(p.id, await stateOf(p));
  const who = reminderFor(profiles, {
    now, lastReminderDay,
    lastPracticeOf: (p) => lastPractice(states.get(p.id)),
    hasWork: (p) => !!hw.activeSet(states.get(p.id)),
  });
  if (!who) return false;
  await useLocale(who.locale);
  await self.registration.showNotification("Abhyas", {
    body: _("Time to practise, %(name)s: your homework is ready on this phone.", { name: who.name }),
    tag: "abhyas-daily", icon: "/static/icons/icon-192.png", lang: who.locale, data: { profile: who.id },
  });
  await put("meta", localDay(now), "reminder-day");
  return true;
}
