// The stand scanner: camera or typed code -> a record in IndexedDB -> sent to the server in a
// batch (now, or when the network is back). The sign-in lives in the HttpOnly session cookie;
// this script only ever sees the token once, in the sign-in card's URL fragment.
import { display, readScan } from "./codes.js";
import * as queue from "./queue.js";

const config = JSON.parse(document.getElementById("speld-config").textContent);
const stand = config.stand;
const $ = (id) => document.getElementById(id);
// A message in the page's language, its %(name)s filled, numbers in the language's format. A
// count's message comes as [singular, plural] (scanner_strings.py): Dutch and English say the
// singular for exactly 1 and the plural for every other count, 0 included; values.n is the count.
const number = (value) => (typeof value === "number" ? value.toLocaleString(config.lang) : String(value));
const t = (key, values = {}) => {
  const said = config.strings[key];
  const message = Array.isArray(said) ? said[values.n === 1 ? 0 : 1] : said;
  return message.replace(/%\((\w+)\)s/g, (_, name) => number(values[name])).replace(/%%/g, "%");
};
// A QR code stays in view for a while: it counts again only after this long out of sight.
const QUIET_MS = 2000;
const RETRY_MS = 10000;
// While the page is open it tells the server it is alive, with its queue and version, this often.
const HEARTBEAT_MS = (config.heartbeat ?? 60) * 1000;
// A send with no answer this long is given up (the scans stay queued): one hung request
// must not hold up every later sync until the page is reloaded.
const SEND_TIMEOUT_MS = (config.sendTimeout ?? 20) * 1000;
const REFUSALS = {
  pin_other_event: "other_event",
  pin_void: "void",
  pin_not_found: "unknown",
};
let revoked = false;
let syncing = null;
let again = false;
let lastNonce = null;
let audio = null;
let lastReport = -Infinity;
let tabletFallback = null;

function banner(text, info = false) {
  const element = $("banner");
  element.textContent = text;
  element.hidden = !text;
  element.classList.toggle("info", info);
}

// The card's QR opens /scan#token=…: the fragment never reached a server or a log.
function signInFromFragment() {
  const match = /^#token=([A-Za-z0-9_-]{1,200})$/.exec(location.hash);
  if (!match) return false;
  history.replaceState(null, "", location.pathname + location.search);
  const form = $("sign-in");
  form.elements.token.value = match[1];
  banner(t("signing_in"), true);
  form.submit();
  return true;
}

function statusText(record) {
  // Outside the fair's days the server accepts a scan as a rehearsal: a test, not counted.
  if (record.status === "created") return t(record.rehearsal ? "rehearsal" : "ok");
  if (record.status === "exists") return t(record.rehearsal ? "rehearsal_repeat" : "repeat");
  if (record.status === "queued") return t("waiting");
  return t(REFUSALS[record.error] ?? "refused");
}

function signal(state) {
  // A beep and a buzz, so staff need not look at the screen for every scan.
  navigator.vibrate?.(state === "bad" ? [90, 60, 90] : 90);
  try {
    audio ??= new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = { ok: 880, test: 880, repeat: 660, queued: 880 }[state] ?? 220;
    gain.gain.value = 0.2;
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + (state === "bad" ? 0.4 : 0.15));
  } catch {
    // No audio on this device: the colour and the vibration remain.
  }
}

function show(state, title, code = "", quiet = false) {
  const box = $("result");
  box.dataset.state = state;
  $("result-title").textContent = title;
  $("result-code").textContent = code ? display(code) : "";
  if (!quiet) signal(state);
}

function showRecord(record, quiet = false) {
  let state = { created: "ok", exists: "repeat", queued: "queued" }[record.status] ?? "bad";
  if (record.rehearsal && state !== "bad") state = "test";
  show(state, record.status === "queued" ? t("queued") : statusText(record), record.pin, quiet);
}

function item(className, text) {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = text;
  return span;
}

async function refresh() {
  const records = await queue.all();
  const waiting = records.filter((r) => r.status === "queued");
  const unsent = !stand || revoked ? waiting.length : 0;
  $("unsent").hidden = unsent === 0;
  $("unsent").textContent = unsent ? t("unsent", { n: unsent }) : "";
  if (!stand) return;
  const mine = records.filter((r) => r.stand === stand.id);
  $("waiting").textContent = number(mine.filter((r) => r.status === "queued").length);
  const list = $("recent");
  list.replaceChildren(
    ...mine.slice(0, 10).map((record) => {
      const row = document.createElement("li");
      row.dataset.status = record.status;
      row.dataset.pin = record.pin;
      if (record.rehearsal) row.dataset.rehearsal = "";
      const time = new Date(record.scanned_at).toLocaleTimeString(config.lang);
      row.append(item("time", time), item("code", display(record.pin)), item("status", statusText(record)));
      return row;
    }),
  );
  if (!mine.length) list.append(Object.assign(document.createElement("li"), { className: "muted", textContent: t("none_yet") }));
  const last = mine.find((r) => r.nonce === lastNonce);
  if (last && last.status !== "queued" && $("result").dataset.state === "queued") showRecord(last, true);
}

function revoke() {
  // Signed out (revoked card, or the session is gone): stop registering, keep every record.
  revoked = true;
  banner(t("revoked"));
  show("bad", t("signed_out"), "", true);
  for (const control of $("typed").elements) control.disabled = true;
  const video = $("camera");
  video.srcObject?.getTracks().forEach((track) => track.stop());
  video.hidden = true;
}

// This tablet's id: random, made once and kept in the browser (it names a device, not a person),
// so the organisers' live view can tell two tablets of one stand apart.
function tabletId() {
  try {
    let id = localStorage.getItem("speld-tablet");
    if (!id || !/^[A-Za-z0-9_-]{8,40}$/.test(id)) {
      id = nonce().slice(0, 32);
      localStorage.setItem("speld-tablet", id);
    }
    return id;
  } catch {
    return (tabletFallback ??= nonce().slice(0, 32)); // no storage: an id for this page's life
  }
}

// One POST of scans (maybe none) with the tablet's state; null when the network failed.
async function post(visits, queued) {
  const state = { tablet: tabletId(), queued, version: config.version ?? "" };
  try {
    const response = await fetch(config.visitsUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
      body: JSON.stringify({ visits, state }),
      credentials: "same-origin",
      referrerPolicy: "same-origin",
      signal: AbortSignal.timeout?.(SEND_TIMEOUT_MS), // older browsers: no timeout
    });
    if (response.ok) lastReport = performance.now();
    return response;
  } catch {
    banner(t("offline"), true);
    return null;
  }
}

async function send() {
  if (!stand || revoked) return;
  const waiting = await queue.queued(stand.id);
  if (performance.now() - lastReport >= HEARTBEAT_MS) {
    // The heartbeat: small and on its own, so it gets through where a batch may not.
    const response = await post([], waiting.length);
    if (!response) return;
    if ([400, 401, 403].includes(response.status)) return revoke();
    if (response.ok) {
      if ($("banner").textContent === t("offline")) banner("");
      $("today").textContent = number((await response.json()).today);
    }
  }
  const batch = waiting.slice(0, 500);
  if (!batch.length) return;
  const visits = batch.map(({ pin, scanned_at, nonce }) => ({ pin, scanned_at, nonce }));
  // The state says what still waits once this batch is answered.
  const response = await post(visits, waiting.length - batch.length);
  if (!response) return;
  if ([400, 401, 403].includes(response.status)) return revoke();
  if (!response.ok) return; // the server is in trouble: keep the scans and try again later
  banner("");
  const body = await response.json();
  const sent = new Map(batch.map((record) => [record.nonce, record]));
  const answered = body.results
    .filter((result) => sent.has(result.nonce))
    .map((result) => ({
      ...sent.get(result.nonce),
      status: result.status,
      error: result.error?.code ?? null,
      rehearsal: result.rehearsal ?? false,
    }));
  await queue.put(...answered);
  $("today").textContent = number(body.today);
}

function sync() {
  // One request at a time: a reconnect, a timer and a new scan must not send a batch twice.
  // A call while one runs is not lost: that run goes round once more when it is done, so a
  // scan made during a heartbeat is sent at once rather than at the next timer.
  if (syncing) {
    again = true;
    return syncing.then(refresh);
  }
  syncing = (async () => {
    do {
      again = false;
      await send();
    } while (again && !revoked);
  })().finally(() => {
    syncing = null;
  });
  return syncing.then(refresh);
}

function nonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function register(text, typed) {
  if (revoked) return "revoked";
  const scan = readScan(text, typed);
  if (scan.kind !== "pin") {
    show("bad", t({ poster: "poster", typo: "typo" }[scan.kind] ?? "not_pin"));
    return scan.kind;
  }
  const record = { nonce: nonce(), stand: stand.id, pin: scan.code, scanned_at: new Date().toISOString(), status: "queued", error: null };
  await queue.put(record);
  lastNonce = record.nonce;
  await sync();
  const stored = (await queue.all()).find((r) => r.nonce === record.nonce);
  if (!revoked) showRecord(stored);
  return scan.kind;
}

async function detector() {
  if ("BarcodeDetector" in window) {
    try {
      if ((await BarcodeDetector.getSupportedFormats()).includes("qr_code")) {
        return new BarcodeDetector({ formats: ["qr_code"] });
      }
    } catch {
      // fall through to the polyfill
    }
  }
  const polyfill = window.BarcodeDetectionAPI;
  if (!polyfill || typeof WebAssembly !== "object") return null;
  try {
    // Speld serves the WebAssembly itself; the polyfill's default would fetch it from a CDN.
    const locateFile = (path, prefix) => (path.endsWith(".wasm") ? config.wasm : prefix + path);
    await polyfill.prepareZXingModule({ overrides: { locateFile }, fireImmediately: true });
    return new polyfill.BarcodeDetector({ formats: ["qr_code"] });
  } catch {
    return null;
  }
}

async function watch(reader, video) {
  const seen = new Map();
  while (!revoked) {
    if (video.readyState >= 2) {
      try {
        for (const { rawValue } of await reader.detect(video)) {
          const last = seen.get(rawValue);
          seen.set(rawValue, performance.now());
          if (last === undefined || performance.now() - last > QUIET_MS) {
            await register(rawValue, false);
            seen.set(rawValue, performance.now());
          }
        }
      } catch {
        // A frame that could not be read: try the next one.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) return banner(t("old_browser"));
  const reader = await detector();
  if (!reader) return banner(t("old_browser"));
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
  } catch (error) {
    const denied = ["NotAllowedError", "SecurityError"].includes(error.name);
    return banner(t(denied ? "camera_denied" : "no_camera"));
  }
  if (revoked) return stream.getTracks().forEach((track) => track.stop());
  const video = $("camera");
  video.srcObject = stream;
  video.hidden = false;
  await video.play().catch(() => {});
  watch(reader, video);
}

function start() {
  // A card scanned while /scan is open changes only the fragment: no new page load.
  window.addEventListener("hashchange", signInFromFragment);
  if (signInFromFragment()) return;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.worker, { scope: config.scope }).catch(() => {});
  }
  refresh();
  if (!stand) return;
  $("typed").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("code");
    const kind = await register(input.value, true);
    if (kind === "pin") input.value = "";
    input.focus();
  });
  window.addEventListener("online", () => sync());
  setInterval(() => sync(), Math.min(RETRY_MS, HEARTBEAT_MS));
  sync();
  startCamera();
}

start();
