// Student profiles on a shared phone: each has its own device token, outbox, progress and
// settings. The "current" profile is the one the screens show.

import { all, done, get, isQuotaError, put, transact } from "./store.js";
import { newestVersions } from "./packs.js";

/** Why a join did not work, in words the join screen can show. */
export class JoinError extends Error {
  constructor(kind, message) { super(message); this.kind = kind; }
}

/** Every profile on this phone, oldest first. */
export async function listProfiles() {
  return (await all("profiles")).sort((a, b) => a.createdAt - b.createdAt);
}

/** The profile the screens show, or null before anyone joined. */
export async function currentProfile() {
  const id = await get("meta", "current");
  return id ? (await get("profiles", id)) || null : null;
}

/** Show another profile's screens. */
export async function switchTo(id) {
  if (await get("profiles", id)) await put("meta", id, "current");
}

/** The stored check of a profile's PIN: a hash, so the PIN itself is not kept on the phone. */
export async function pinHash(studentId, pin) {
  const bytes = new TextEncoder().encode(`abhyas-pin:${studentId}:${String(pin).trim()}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `pin` is the profile's own (profiles joined before PINs were kept need none). */
export async function pinMatches(profile, pin) {
  if (!profile.pinHash) return true;
  return (await pinHash(profile.studentId, pin)) === profile.pinHash;
}

/** Update fields of a profile. */
export async function updateProfile(id, fields) {
  return transact(["profiles"], "readwrite", async (s) => {
    const profile = await done(s.profiles.get(id));
    if (!profile) return null;
    Object.assign(profile, fields);
    await done(s.profiles.put(profile));
    return profile;
  });
}

/** A stable id for this installation, so the server can tell phones behind one address apart. */
export async function installId() {
  let id = await get("meta", "install");
  if (!id) {
    id = [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("");
    await put("meta", id, "install");
  }
  return id;
}

/**
 * Join a class with code and PIN; the student gets (or keeps) a profile with a fresh token.
 * Returns {profile, reply}: the reply also carries what a first sync would answer.
 */
export async function join(classCode, pin, locale = null) {
  // A phone that cannot store a profile must not ask the server for one: the answer would be lost,
  // and the server would keep a device nobody holds. A full disk is named as such, not as "offline".
  let install, packs;
  try {
    install = await installId();
    await put("meta", Date.now(), "storage-probe");
    packs = await newestVersions();
  } catch (err) {
    if (isQuotaError(err)) throw new JoinError("storage", "storage full");
    throw err;
  }
  let response;
  try {
    response = await fetch("/api/v1/join", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Abhyas-Install": install },
      body: JSON.stringify({ class_code: classCode.trim(), pin: pin.trim(), label: "phone", packs }),
    });
  } catch (_) {
    throw new JoinError("offline", "no connection");
  }
  const reply = await response.json().catch(() => ({}));
  if (response.status === 401) throw new JoinError("wrong", reply.error || "not recognised");
  if (response.status === 429) throw new JoinError("slow", reply.error || "too many tries");
  if (!response.ok) throw new JoinError("server", reply.error || `HTTP ${response.status}`);
  const { token, student, class: klass } = reply;
  // Profiles are keyed on the student's id: a reply without one must not merge two students.
  if (!token || !student || student.id == null || !klass) throw new JoinError("server", "incomplete join reply");
  let profile;
  try {
    profile = await storeProfile(reply, locale, await pinHash(reply.student && reply.student.id, pin));
  } catch (err) {
    if (!isQuotaError(err)) throw err;
    // The server said yes but the phone could not keep it: undo the join so no device stays registered.
    await fetch("/api/v1/join/undo", { method: "POST", headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
    throw new JoinError("storage", "storage full");
  }
  return { profile, reply };
}

async function storeProfile(reply, locale, pinCheck) {
  const { token, student, class: klass } = reply;
  return transact(["profiles", "meta"], "readwrite", async (s) => {
    const existing = (await done(s.profiles.getAll())).find((p) => p.studentId === student.id && p.classCode === klass.code);
    const profileId = existing ? existing.id : `p${student.id}-${crypto.getRandomValues(new Uint32Array(1))[0].toString(36)}`;
    const record = {
      seq: 0, createdAt: Date.now(), locale: student.locale || "en", simplified: !!student.simplified,
      ...(existing || {}),
      // The language chosen on the join screen wins over the class default, as a switch in the footer would.
      ...(locale ? { locale } : {}),
      id: profileId, studentId: student.id, name: student.name, classCode: klass.code, className: klass.name,
      token, needsJoin: false, audio: !!student.audio, pinHash: pinCheck,
    };
    await done(s.profiles.put(record));
    await done(s.meta.put(profileId, "current"));
    return record;
  });
}
