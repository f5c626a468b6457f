// Just enough of a service worker's browser for the pack code in Node: IndexedDB (the calls
// store.js makes), Cache Storage, fetch from a map of files, and navigator.onLine.

/** An in-memory IndexedDB whose transactions commit once no request is pending, as real ones do. */
export function fakeIndexedDB() {
  const stores = new Map(); // name -> {keyPath, rows: Map}
  const db = {
    createObjectStore(name, { keyPath } = {}) {
      stores.set(name, { keyPath, rows: new Map() });
      return { createIndex() {} };
    },
    transaction(names) {
      let pending = 0, finished = false;
      const tx = { oncomplete: null, onerror: null, onabort: null, abort() { finished = true; } };
      const settle = () => setTimeout(() => {
        if (!finished && pending === 0) { finished = true; if (tx.oncomplete) tx.oncomplete(); }
      }, 0);
      const request = (work) => {
        const req = { onsuccess: null, onerror: null, result: undefined };
        pending++;
        setTimeout(() => {
          req.result = work();
          pending--;
          if (req.onsuccess) req.onsuccess();
          settle();
        }, 0);
        return req;
      };
      tx.objectStore = (name) => {
        const { keyPath, rows } = stores.get(name);
        const copy = (v) => (v === undefined ? undefined : structuredClone(v));
        return {
          get: (key) => request(() => copy(rows.get(key))),
          put: (value, key) => request(() => { const k = key ?? value[keyPath]; rows.set(k, copy(value)); return k; }),
          add: (value, key) => request(() => {
            const k = key ?? value[keyPath];
            if (rows.has(k)) throw new Error(`ConstraintError: ${k} exists`);
            rows.set(k, copy(value));
            return k;
          }),
          delete: (key) => request(() => { rows.delete(key); }),
          getAll: () => request(() => [...rows.values()].map(copy)),
          count: () => request(() => rows.size),
          index: (field) => ({ getAll: (v) => request(() => [...rows.values()].filter((r) => r[field] === v).map(copy)) }),
        };
      };
      settle();
      return tx;
    },
  };
  return {
    open() {
      const req = { onupgradeneeded: null, onsuccess: null, onerror: null, result: db };
      setTimeout(() => {
        if (!stores.size && req.onupgradeneeded) req.onupgradeneeded();
        if (req.onsuccess) req.onsuccess();
      }, 0);
      return req;
    },
  };
}

/** Cache Storage with one shared store of URL -> bytes (every cache name sees the same files). */
export function fakeCaches() {
  const files = new Map();
  const cache = {
    async match(url) { return files.has(url) ? new Response(files.get(url)) : undefined; },
    async put(url, response) { files.set(url, new Uint8Array(await response.arrayBuffer())); },
    async delete(url) { return files.delete(url); },
  };
  return { files, open: async () => cache, match: (url) => cache.match(url) };
}

/** Install the fakes on globalThis; `served` maps URL -> bytes, and `fetched` records each request. */
export function installFakes() {
  const served = new Map();
  const fetched = [];
  const caches = fakeCaches();
  globalThis.indexedDB = fakeIndexedDB();
  globalThis.caches = caches;
  globalThis.fetch = async (url) => {
    fetched.push(url);
    if (!globalThis.navigator.onLine) throw new TypeError("Failed to fetch");
    return served.has(url) ? new Response(served.get(url)) : new Response("missing", { status: 404 });
  };
  Object.defineProperty(globalThis, "navigator", { value: { onLine: true }, configurable: true, writable: true });
  return { served, fetched, cached: caches.files };
}
