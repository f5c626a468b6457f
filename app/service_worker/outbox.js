// The outbox: every event the student makes is written to IndexedDB, together with the
// progress it caused, before the screen moves on. An event leaves only when the server
// acknowledged its id (or refused it, and then it moves to the "rejected" store).

import { all, done, isQuotaError, transact } from "./store.js";

const ID_BYTES = 12;
// Events that could not be written because the disk was full: kept here, and sent first,
// until the server acknowledges them; the status line counts them as waiting.
export const heldInMemory = [];
const memorySeq = new Map(); // profile id -> highest sequence number handed out while the disk was full

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
 * committed; on a full disk, `onFull` frees space and the write is tried once more.
 */
export async function record(profileId, events, change, onFull) {
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
  try {
    return await attempt();
  } catch (err) {
    if (!isQuotaError(err)) throw err;
    if (onFull) await onFull();
    try {
      return await attempt();
    } catch (again) {
      if (!isQuotaError(again)) throw again;
      // Still full: the answers must not be lost, so keep them in memory and send them first.
      const profile = (await all("profiles")).find((p) => p.id === profileId) || { seq: 0 };
      let seq = Math.max(profile.seq || 0, memorySeq.get(profileId) || 0);
      const kept = events.map((fields) => compact({ id: newEventId(), seq: ++seq, t: Date.now(), ...fields }));
      memorySeq.set(profileId, seq);
      transact(["profiles"], "readwrite", async (s) => {
        const fresh = await done(s.profiles.get(profileId));
        if (fresh && (fresh.seq || 0) < seq) { fresh.seq = seq; await done(s.profiles.put(fresh)); }
      }).catch(() => {});  // a full disk may refuse this too; memorySeq keeps the order meanwhile
      for (const event of kept) heldInMemory.push({ id: event.id, profile: profileId, seq: event.seq, type: event.type, event });
      if (change) await transact(["state"], "readwrite", async (s) => {
        const state = (await done(s.state.get(profileId))) || { profile: profileId };
        await done(s.state.put(change(state) || state));
      }).catch(() => {});
      const full = new Error("storage full; answers kept in memory until synced");
      full.kept = kept;
      full.name = "HeldInMemory";
      throw full;
    }
  }
}

/** Events waiting for a profile, in the order they happened (stored and memory-held alike). */
export async function pending(profileId) {
  const stored = await all("outbox", "profile", profileId);
  return [...heldInMemory.filter((r) => r.profile === profileId), ...stored].sort((a, b) => a.seq - b.seq);
}

/** How many answers of a profile wait to sync. */
export async function answersWaiting(profileId) {
  return (await pending(profileId)).filter((r) => r.type === "answer").length;
}

/** Remove acknowledged events and move refused ones aside, with the server's reason. */
export async function settle(profileId, acked, rejected) {
  const ackedSet = new Set(acked);
  const reasons = new Map(rejected.map((r) => [r.id, r.reason]));
  const refusedInMemory = [];
  for (let i = heldInMemory.length - 1; i >= 0; i--) {
    const r = heldInMemory[i];
    if (ackedSet.has(r.id) || reasons.has(r.id)) heldInMemory.splice(i, 1);
    if (reasons.has(r.id)) refusedInMemory.push(r);
  }
  await transact(["outbox", "rejected"], "readwrite", async (s) => {
    for (const row of refusedInMemory) await done(s.rejected.put({ ...row, reason: reasons.get(row.id), at: Date.now() }));
    for (const id of ackedSet) await done(s.outbox.delete(id));
    for (const [id, reason] of reasons) {
      const row = await done(s.outbox.get(id));
      if (row) {
        await done(s.rejected.put({ ...row, reason, at: Date.now() }));
        await done(s.outbox.delete(id));
      }
    }
  });
}
