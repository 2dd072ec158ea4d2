// Pin and stand codes as people type them: the rules of qr/codes.py, mirrored for the scanner.
// Crockford base32 without I, L, O, U; O reads as 0, I and L as 1; dashes and spaces are
// ignored; the last symbol is a check over GF(32), so a typo is caught before anything is sent.
// tests/code_cases.json holds the cases both implementations are tested against.

export const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const PIN_LENGTH = 9;
export const STAND_LENGTH = 15;
const MAX_INPUT = 64;
const CANONICAL = /^[0-9A-HJKMNP-TV-Z]+$/;
const READS_AS = { O: "0", I: "1", L: "1" };

// Exp and log tables of GF(32) over x^5 + x^2 + 1, as in qr/codes.py.
const EXP = new Array(62).fill(0);
const LOG = new Array(32).fill(0);
for (let power = 0, x = 1; power < 31; power++) {
  EXP[power] = EXP[power + 31] = x;
  LOG[x] = power;
  x <<= 1;
  if (x & 0b100000) x ^= 0b100101;
}

function syndrome(values) {
  let total = 0;
  values.forEach((v, i) => {
    if (v) total ^= EXP[LOG[v] + (values.length - 1 - i)];
  });
  return total;
}

/** Canonical form of what a person typed: ASCII upper case, O->0, I/L->1, no dashes or spaces. */
export function normalize(text) {
  let out = "";
  for (const ch of text) {
    if (ch === "-" || ch === " ") continue;
    // ASCII only, as in Python: "ı" must not become "I", nor "ß" "SS".
    const upper = ch >= "a" && ch <= "z" ? String.fromCharCode(ch.charCodeAt(0) - 32) : ch;
    out += READS_AS[upper] ?? upper;
  }
  return out;
}

function check(text, length) {
  if (typeof text !== "string" || [...text].length > MAX_INPUT) return false;
  const code = normalize(text);
  if (code.length !== length || !CANONICAL.test(code)) return false;
  return syndrome([...code].map((ch) => ALPHABET.indexOf(ch))) === 0;
}

/** True if text is a well-formed pin code in any accepted spelling. */
export function isValid(text) {
  return check(text, PIN_LENGTH);
}

/** True if text is a well-formed stand poster code in any accepted spelling. */
export function isValidStand(text) {
  return check(text, STAND_LENGTH);
}

/** The code grouped for people, e.g. ABC-DEF-GHJ. */
export function display(code) {
  const canonical = normalize(code);
  return canonical.match(/.{1,3}/g)?.join("-") ?? "";
}

/** What a scanned QR or a typed text is: {kind: "pin", code}, "poster", "typo" or "other". */
export function readScan(text, typed = false) {
  const trimmed = String(text).trim();
  const url = /^https?:\/\/[^/]+\/([PS])\/([^/?#]+)\/?$/i.exec(trimmed);
  if (url) {
    const [kind, code] = [url[1].toUpperCase(), url[2]];
    if (kind === "S") return { kind: "poster" };
    return isValid(code) ? { kind: "pin", code: normalize(code) } : { kind: "other" };
  }
  if (isValid(trimmed)) return { kind: "pin", code: normalize(trimmed) };
  if (isValidStand(trimmed)) return { kind: "poster" };
  return { kind: typed ? "typo" : "other" };
}
