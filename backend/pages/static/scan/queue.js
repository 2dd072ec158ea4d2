// The scans this tablet made, in IndexedDB: the offline queue and the "last ten" list in one.
// A record: {nonce, stand, pin, scanned_at, status, error, rehearsal}. status is "queued" until
// the server answered "created", "exists" (rehearsal: outside the fair's days, not counted) or
// "refused" (error = the refusal's code). Records survive a
// reload or a closed tab; nothing is deleted when a sync fails or the sign-in is revoked.

const NAME = "speld-scanner";
const STORE = "scans";
let opened = null;

function database() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "nonce" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

async function run(mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const result = work(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(result.result);
    transaction.onerror = () => reject(transaction.error);
  });
}

/** Store or replace records (one transaction: all of them or none). */
export async function put(...records) {
  await run("readwrite", (store) => {
    let last = null;
    for (const record of records) last = store.put(record);
    return last ?? { result: undefined };
  });
}

/** Every record, newest scan first. */
export async function all() {
  const records = await run("readonly", (store) => store.getAll());
  return records.sort((a, b) => (a.scanned_at < b.scanned_at ? 1 : -1));
}

/** The records still waiting to be sent, oldest first; of one stand, or of all stands. */
export async function queued(stand = null) {
  const records = await all();
  return records
    .filter((r) => r.status === "queued" && (stand === null || r.stand === stand))
    .reverse();
}
