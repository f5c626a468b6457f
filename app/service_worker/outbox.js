// The outbox: every event the student makes is written to IndexedDB, together with the
// progress it caused, before the screen moves on. An event leaves only when the server
// acknowledged its id (or refused it, and then it moves to the "rejected" store).

import { all, done, get, isQuotaError, transact } from "./store.js";

const ID_BYTES = 12;
// Events that could not be written because the disk was full: kept here, sent with the rest,
// and written to IndexedDB as soon as there is room; the status line counts them as waiting.
export const heldInMemory = [];
// The progress those events caused, kept with them: profile id -> changes, oldest first.
const heldChanges = new Map();
const memorySeq = new Map(); // profile id -> highest sequence number handed out while the disk was full
const RETRY_HELD_MS = 5000;
let retryHeldTimer = null;
let heldListener = () => {};
// One outbox operation at a time: held events are written before newer ones, never overtaken.
let queue = Promise.resolve();

function serial(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

/** Be told when events start or stop being held in memory: fn({held}) with how many are held. */
export function onHeldChange(fn) {
  heldListener = fn;
}

function heldChanged() {
  try { heldListener({ held: heldCount() }); } catch (_) { /* a listener's failure is not the outbox's */ }
}

/** How many events (and progress changes) wait in memory only, for want of room on the disk. */
export function heldCount() {
  return heldInMemory.length + [...heldChanges.values()].reduce((n, list) => n + list.length, 0);
}

/** A profile's stored state with the progress still held in memory applied, as the screens must see it. */
export function withHeld(profileId, state) {
  const changes = heldChanges.get(profileId);
  if (!changes || !changes.length) return state;
  let next = structuredClone(state);
  for (const change of changes) next = change(next) || next;
  return next;
}

/** A fresh event id made on the phone: 16 URL-safe characters from 96 random bits. */
export function newEventId() {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function compact(event) {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined && v !== null && v !== ""));
}

/**
 * Write `events` for a profile and, in the same transaction, let `change(state)` update its
 * progress. Each event gets an id and the profile's next sequence number. Resolves once
 * committed. On a full disk, `onFull` frees re-downloadable data and the write is tried once
 * more; if the disk is still full the events and their progress are held in memory (sent with
 * the rest, written at the first chance) and a "HeldInMemory" error says so.
 */
export function record(profileId, events, change, onFull) {
  return serial(() => recordNow(profileId, events, change, onFull));
}

async function recordNow(profileId, events, change, onFull) {
  const attempt = () => transact(["profiles", "outbox", "state"], "readwrite", async (s) => {
    const profile = await done(s.profiles.get(profileId));
    if (!profile) throw new Error("no such profile");
    profile.seq = Math.max(profile.seq || 0, memorySeq.get(profileId) || 0);
    const written = [];
    for (const fields of events) {
      profile.seq = (profile.seq || 0) + 1;
      const event = compact({ id: newEventId(), seq: profile.seq, t: Date.now(), ...fields });
      await done(s.outbox.add({ id: event.id, profile: profileId, seq: event.seq, type: event.type, event }));
      written.push(event);
    }
    await done(s.profiles.put(profile));
    if (change) {
      const state = (await done(s.state.get(profileId))) || { profile: profileId };
      const next = change(state) || state;
      await done(s.state.put(next));
    }
    return written;
  });
  // Progress changes apply in order: while older ones wait in memory, newer ones wait behind them.
  if (heldCount() && !(await writeHeld(onFull))) return hold(profileId, events, change);
  try {
    return await attempt();
  } catch (err) {
    if (!isQuotaError(err)) throw err;
  }
  if (onFull) await onFull().catch((err) => console.warn("freeing room", err));
  try {
    return await attempt();
  } catch (again) {
    if (!isQuotaError(again)) throw again;
  }
  return hold(profileId, events, change);
}

// Still full: the answers must not be lost, so they stay in memory, are sent first chance, and
// are written to IndexedDB as soon as it has room (retried, and after every sync frees some).
async function hold(profileId, events, change) {
  const profile = (await get("profiles", profileId)) || { seq: 0 };
  let seq = Math.max(profile.seq || 0, memorySeq.get(profileId) || 0);
  const kept = events.map((fields) => compact({ id: newEventId(), seq: ++seq, t: Date.now(), ...fields }));
  memorySeq.set(profileId, seq);
  for (const event of kept) heldInMemory.push({ id: event.id, profile: profileId, seq: event.seq, type: event.type, event });
  if (change) heldChanges.set(profileId, [...(heldChanges.get(profileId) || []), change]);
  scheduleHeldRetry();
  heldChanged();
  const full = new Error("storage full; answers kept in memory until written or synced");
  full.kept = kept;
  full.name = "HeldInMemory";
  throw full;
}

// Write what memory holds (events, sequence numbers, progress) in one transaction; true when
// nothing is held any more. A full disk gets `onFull` once, then one more try.
async function writeHeld(onFull) {
  if (!heldCount()) return true;
  const rows = heldInMemory.slice();
  const changes = [...heldChanges].map(([profileId, list]) => [profileId, list.slice()]);
  const seqs = [...memorySeq];
  const attempt = () => transact(["profiles", "outbox", "state"], "readwrite", async (s) => {
    for (const row of rows) if (!(await done(s.outbox.get(row.id)))) await done(s.outbox.add(row));
    for (const [profileId, seq] of seqs) {
      const profile = await done(s.profiles.get(profileId));
      if (profile && (profile.seq || 0) < seq) { profile.seq = seq; await done(s.profiles.put(profile)); }
    }
    for (const [profileId, list] of changes) {
      let state = (await done(s.state.get(profileId))) || { profile: profileId };
      for (const change of list) state = change(state) || state;
      await done(s.state.put(state));
    }
  });
  try {
    await attempt();
  } catch (err) {
    if (!isQuotaError(err)) { console.warn("writing held events", err); return false; }
    if (!onFull) return false;
    await onFull().catch(() => {});
    try { await attempt(); } catch (_) { return false; }
  }
  // Outbox operations run one at a time, so memory still holds exactly what was snapshotted.
  const written = new Set(rows.map((r) => r.id));
  for (let i = heldInMemory.length - 1; i >= 0; i--) if (written.has(heldInMemory[i].id)) heldInMemory.splice(i, 1);
  for (const [profileId, list] of changes) {
    const left = (heldChanges.get(profileId) || []).slice(list.length);
    if (left.length) heldChanges.set(profileId, left); else heldChanges.delete(profileId);
  }
  heldChanged();
  return !heldCount();
}

function scheduleHeldRetry() {
  if (retryHeldTimer) return;
  retryHeldTimer = setTimeout(() => {
    retryHeldTimer = null;
    serial(() => writeHeld(null)).catch(() => false).then((clear) => { if (!clear) scheduleHeldRetry(); });
  }, RETRY_HELD_MS);
}

/** Events waiting for a profile, in the order they happened (stored and memory-held alike). */
export async function pending(profileId) {
  const stored = await all("outbox", "profile", profileId);
  const byId = new Map(stored.map((r) => [r.id, r]));
  for (const r of heldInMemory) if (r.profile === profileId) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** How many answers of a profile wait to sync. */
export async function answersWaiting(profileId) {
  return (await pending(profileId)).filter((r) => r.type === "answer").length;
}

/**
 * Remove acknowledged events and move refused ones aside, with the server's reason. The room
 * this frees is the first chance to write events held in memory.
 */
export function settle(profileId, acked, rejected) {
  return serial(async () => {
    await settleNow(profileId, acked, rejected);
    if (heldCount()) await writeHeld(null).catch(() => false);
  });
}

async function settleNow(profileId, acked, rejected) {
  const ackedSet = new Set(acked);
  const reasons = new Map(rejected.map((r) => [r.id, r.reason]));
  const refusedInMemory = [];
  const heldBefore = heldInMemory.length;
  for (let i = heldInMemory.length - 1; i >= 0; i--) {
    const r = heldInMemory[i];
    if (ackedSet.has(r.id) || reasons.has(r.id)) heldInMemory.splice(i, 1);
    if (reasons.has(r.id)) refusedInMemory.push(r);
  }
  if (refusedInMemory.length || heldInMemory.length !== heldBefore) heldChanged();
  const apply = (keepRefused) => transact(["outbox", "rejected"], "readwrite", async (s) => {
    if (keepRefused) {
      for (const row of refusedInMemory) await done(s.rejected.put({ ...row, reason: reasons.get(row.id), at: Date.now() }));
    }
    for (const id of ackedSet) await done(s.outbox.delete(id));
    for (const [id, reason] of reasons) {
      const row = await done(s.outbox.get(id));
      if (row) {
        if (keepRefused) await done(s.rejected.put({ ...row, reason, at: Date.now() }));
        await done(s.outbox.delete(id));
      }
    }
  });
  try {
    await apply(true);
  } catch (err) {
    // On a full disk the acknowledgements still count: the refusals' copies are only for the record.
    if (!isQuotaError(err)) throw err;
    await apply(false);
  }
}
