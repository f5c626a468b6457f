// Sending the outbox: batches of at most 50 events per profile, exponential backoff on
// network errors, 5xx, 408 and 429, and a reply (acks, sets, mastery, packs) applied
// without touching the item on screen.

import { pending, settle } from "./outbox.js";
import { installId, listProfiles, updateProfile } from "./profiles.js";
import { done, transact } from "./store.js";
import { needsAudio } from "./device.js";
import { collectGarbage, installAudio, withAudioAmendment } from "./pack_audio.js";
import { installPack, newestVersions, PackError, installed, publisherKeys } from "./packs.js";

export const BATCH = 50;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 5 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 45000;
const RETRYABLE = (status) => status === 408 || status === 429 || status >= 500;
const backoff = new Map(); // profile id -> {failures, nextAt}
let running = null;
let retryTimer = null;
const listeners = new Set();

/** Be told when a sync changed something: fn({profile, status}). */
export function onSyncChange(fn) {
  listeners.add(fn);
}

function notify(change) {
  for (const fn of listeners) { try { fn(change); } catch (_) { /* a listener's failure is not the sync's */ } }
}

function delayFor(failures, retryAfter) {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(failures - 1, 16));
  const jittered = exp * (0.8 + Math.random() * 0.4);
  return Math.max(jittered, (retryAfter || 0) * 1000);
}

function scheduleRetry() {
  const next = Math.min(...[...backoff.values()].map((b) => b.nextAt));
  if (!Number.isFinite(next)) return;
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => flushAll({ reason: "retry" }), Math.max(0, next - Date.now()) + 50);
}

async function encodeBody(payload) {
  const json = JSON.stringify(payload);
  if (json.length < 1024 || typeof CompressionStream === "undefined") return { body: json, headers: {} };
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream("gzip"));
  return { body: await new Response(stream).arrayBuffer(), headers: { "Content-Encoding": "gzip" } };
}

async function post(profile, events, more) {
  const packs = await newestVersions();
  // `more`: further batches follow at once, so the server plans the next set only on the last one.
  const { body, headers } = await encodeBody({ events, device_time: Date.now(), packs, more });
  return fetch("/api/v1/sync", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${profile.token}`,
               "X-Abhyas-Install": await installId(), ...headers },
    body,
    cache: "no-store",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

/** Store what a sync reply says about the student: sets, mastery, settings, packs to fetch. */
export async function applyReply(profileId, reply) {
  const student = reply.student || {};
  const changed = await transact(["state", "profiles"], "readwrite", async (s) => {
    const state = (await done(s.state.get(profileId))) || { profile: profileId };
    const before = JSON.stringify([state.sets, state.mastery]);
    state.sets = (reply.sets || []).map((set) => ({ ...set }));
    state.mastery = reply.mastery || {};
    // Fitted parameters for skills the phone may answer before it has any mastery for them.
    state.skillParams = reply.skill_params || {};
    state.threshold = reply.threshold ?? state.threshold;
    state.pilot = reply.pilot ?? null;
    state.lastSyncAt = Date.now();
    const profile = await done(s.profiles.get(profileId));
    // A teacher's change to language or simplified text wins only when it is a change.
    const last = state.serverStudent || {};
    if (profile) {
      if (student.name) profile.name = student.name;
      if (student.locale && student.locale !== last.locale) profile.locale = student.locale;
      if (student.simplified !== undefined && student.simplified !== last.simplified) profile.simplified = !!student.simplified;
      if (student.audio !== undefined) profile.audio = !!student.audio;
      // The teacher switching the class's daily reminder on or off wins only when it is a change.
      if (student.reminder !== undefined && student.reminder !== last.reminder) profile.reminder = !!student.reminder;
      await done(s.profiles.put(profile));
    }
    state.serverStudent = student;
    await done(s.state.put(state));
    return before !== JSON.stringify([state.sets, state.mastery]);
  });
  return changed;
}

/** Versions that a set in progress on any profile still plays with. */
export async function pinnedPackKeys() {
  const keys = new Set();
  const states = await transact(["state"], "readonly", (s) => done(s.state.getAll()));
  for (const state of states) {
    for (const progress of Object.values(state.progress || {})) {
      if (progress.stage === "done") continue;
      for (const [pack, version] of Object.entries(progress.pins || {})) keys.add(`${pack}@${version}`);
    }
  }
  return keys;
}

/** Fetch the packs a reply lists; a full disk is remembered so the screens can say so. */
export async function installPacks(profile, list) {
  let short = false;
  for (const entry of list || []) {
    try {
      await installPack(entry);
    } catch (err) {
      if (err instanceof PackError && err.kind === "space") short = true;
      else console.warn("pack", entry.pack, err && err.message);
    }
  }
  await transact(["meta"], "readwrite", (s) => done(s.meta.put({ short, at: Date.now() }, "storage")));
  if (list && list.length) await collectGarbage(await pinnedPackKeys()).catch(() => {});
  return !short;
}

/** Entries of the sets a profile has on the phone (to play now, in reserve, or as an extension). */
async function entriesOnPhone(profileId) {
  const state = await transact(["state"], "readonly", (s) => done(s.state.get(profileId)));
  const sets = [...((state && state.sets) || []), ...Object.values((state && state.progress) || {}).map((p) => p.set)];
  return sets.flatMap((set) => [...(set.items || []), ...(set.reserve || []), ...(set.extension ? [set.extension] : [])]);
}

/** Fetch the read-aloud clips of a profile's sets in a locale that no on-device voice speaks. */
export async function installAudioFor(profile, locale = profile.locale) {
  if (!(await needsAudio(locale))) return 0;
  const entries = await entriesOnPhone(profile.id);
  const ids = entries.map((e) => e.item);
  const skills = [...new Set(entries.map((e) => e.skill).filter(Boolean))];
  let fetched = 0;
  for (const record of await installed()) {
    const current = await withAudioAmendment(record).catch(() => record);
    fetched += await installAudio(current, locale, ids, skills).catch(() => 0);
  }
  return fetched;
}

async function syncProfile(profile, force) {
  const state = backoff.get(profile.id);
  if (!force && state && Date.now() < state.nextAt) return { skipped: true };
  let sent = 0;
  let reply = null;
  for (let round = 0; round < 200; round++) {
    const queued = await pending(profile.id);
    const batch = queued.slice(0, BATCH);
    let response;
    try {
      response = await post(profile, batch.map((r) => r.event), queued.length > BATCH);
    } catch (err) {
      return fail(profile, 0, null);
    }
    if (response.status === 401) {
      await updateProfile(profile.id, { needsJoin: true });
      notify({ profile: profile.id, status: "join" });
      return { needsJoin: true };
    }
    if (!response.ok) return fail(profile, response.status, Number(response.headers.get("Retry-After")) || 0);
    try {
      reply = await response.json();
    } catch (_) {
      return fail(profile, 0, null);
    }
    backoff.delete(profile.id);
    await settle(profile.id, reply.acked || [], reply.rejected || []);
    sent += (reply.acked || []).length;
    const changed = await applyReply(profile.id, reply);
    notify({ profile: profile.id, status: "synced", changed });
    const progress = (reply.acked || []).length + (reply.rejected || []).length;
    if (batch.length < BATCH || progress === 0) break;
  }
  if (reply) {
    await lookAhead(profile, reply);
    // Keep the trusted keys fresh for offline pack-file imports (a revoked key drops out).
    publisherKeys(true).catch(() => {});
  }
  return { sent, reply };
}

// After a reply: the packs it lists (awaited: a set may need them), then speech in the background.
async function lookAhead(profile, reply) {
  if (reply.packs && reply.packs.length) {
    await installPacks(profile, reply.packs);
    notify({ profile: profile.id, status: "packs", changed: true });
  }
  // Speech is optional: its clips come after the homework, never in the way of the first question.
  const fresh = (await listProfiles()).find((p) => p.id === profile.id) || profile;
  installAudioFor(fresh).then((n) => n && notify({ profile: profile.id, status: "audio", changed: true })).catch(() => {});
}

/** Take in a join reply, which carries what a first sync would answer: sets, mastery, packs to fetch. */
export async function takeJoinReply(profile, reply) {
  if (!reply || !Array.isArray(reply.sets)) return false;
  await applyReply(profile.id, reply);
  await lookAhead(profile, reply);
  await updateProfile(profile.id, { lastSyncAt: Date.now() });
  return true;
}

function fail(profile, status, retryAfter) {
  const previous = backoff.get(profile.id) || { failures: 0 };
  const failures = previous.failures + 1;
  backoff.set(profile.id, { failures, nextAt: Date.now() + delayFor(failures, retryAfter), status });
  scheduleRetry();
  notify({ profile: profile.id, status: "failed" });
  return { failed: true, status };
}

/**
 * Sync every profile that has a token: send waiting events, then take in the reply.
 * `force` (Sync now, joining) ignores the backoff; one flush runs at a time.
 */
export function flushAll({ force = false, only = null, reason = "" } = {}) {
  if (running) {
    // A forced flush waits for the one running, then runs itself so a press is never lost.
    return force ? running.then(() => flushAll({ force, only, reason })) : running;
  }
  running = (async () => {
    const results = {};
    for (const profile of await listProfiles()) {
      if (!profile.token || profile.needsJoin || (only && profile.id !== only)) continue;
      const waiting = (await pending(profile.id)).length;
      const stale = !profile.lastSyncAt || Date.now() - profile.lastSyncAt > 10 * 60 * 1000;
      if (!waiting && !force && !stale && reason === "timer") continue;
      results[profile.id] = await syncProfile(profile, force);
      if (results[profile.id] && results[profile.id].reply) await updateProfile(profile.id, { lastSyncAt: Date.now() });
    }
    return results;
  })().finally(() => { running = null; });
  return running;
}
