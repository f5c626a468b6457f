// IndexedDB, the phone's state: profiles, the outbox, refused events, per-profile progress
// and verified pack manifests. Small promise helpers; every write that must survive
// (an event with the progress it caused) goes through one transaction.

const DB_NAME = "abhyas";
const DB_VERSION = 1;
let opening = null;

function upgrade(db) {
  db.createObjectStore("meta");
  db.createObjectStore("profiles", { keyPath: "id" });
  const outbox = db.createObjectStore("outbox", { keyPath: "id" });
  outbox.createIndex("profile", "profile");
  const rejected = db.createObjectStore("rejected", { keyPath: "id" });
  rejected.createIndex("profile", "profile");
  db.createObjectStore("state", { keyPath: "profile" });
  const packs = db.createObjectStore("packs", { keyPath: "key" });
  packs.createIndex("pack", "pack");
}

/** The open database (opened once per worker life). */
export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => upgrade(request.result);
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); opening = null; };
        db.onclose = () => { opening = null; };
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
    });
  }
  return opening;
}

/** A request's result as a promise. */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Run `work(stores)` in one transaction; resolve with its result only once the transaction committed. */
export async function transact(names, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode, { durability: "strict" });
    const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
    let result;
    Promise.resolve()
      .then(() => work(stores, tx))
      .then((value) => { result = value; }, (err) => { try { tx.abort(); } catch (_) { /* already done */ } reject(err); });
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException("transaction aborted", "AbortError"));
  });
}

/** One record by key. */
export function get(store, key) {
  return transact([store], "readonly", (s) => done(s[store].get(key)));
}

/** Store one record (with an out-of-line key when given). */
export function put(store, value, key) {
  return transact([store], "readwrite", (s) => done(key === undefined ? s[store].put(value) : s[store].put(value, key)));
}

/** Delete one record by key. */
export function del(store, key) {
  return transact([store], "readwrite", (s) => done(s[store].delete(key)));
}

/** Every record of a store, or of one index value. */
export function all(store, index, value) {
  return transact([store], "readonly", (s) => done(index ? s[store].index(index).getAll(value) : s[store].getAll()));
}

/** How many records a store (or one index value) holds. */
export function count(store, index, value) {
  return transact([store], "readonly", (s) => done(index ? s[store].index(index).count(value) : s[store].count()));
}

/** True for the error a full disk gives. */
export function isQuotaError(err) {
  return !!err && (err.name === "QuotaExceededError" || /quota/i.test(String(err.message || "")));
}
