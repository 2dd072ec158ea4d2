#!/usr/bin/env bash
# Refresh the vendored BarcodeDetector polyfill served by /scan (see docs/scanner.md).
# Usage: scripts/vendor_barcode_detector.sh 3.2.2
# Fetches barcode-detector at that version with `npm pack`, and the zxing-wasm version it pins,
# copies the self-contained IIFE ponyfill, the reader WebAssembly and both licences, and checks
# the WebAssembly against the SHA-256 the ponyfill was built for.
set -euo pipefail
version=${1:?give the barcode-detector version, e.g. 3.2.2}
cd "$(dirname "$0")/.."
target=backend/pages/static/scan/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "barcode-detector@$version" >/dev/null)
mkdir "$work/bd" && tar xzf "$work/barcode-detector-$version.tgz" -C "$work/bd"
zxing=$(node -p "require('$work/bd/package/package.json').dependencies['zxing-wasm']")
(cd "$work" && npm pack --silent "zxing-wasm@$zxing" >/dev/null)
mkdir "$work/zx" && tar xzf "$work/zxing-wasm-$zxing.tgz" -C "$work/zx"

ponyfill="$work/bd/package/dist/iife/ponyfill.js"
wasm="$work/zx/package/dist/reader/zxing_reader.wasm"
expected=$(grep -o '[0-9a-f]\{64\}' "$ponyfill" | head -n 1)
actual=$(sha256sum "$wasm" | cut -d' ' -f1)
[ "$expected" = "$actual" ] || { echo "zxing_reader.wasm does not match the ponyfill's SHA-256"; exit 1; }

mkdir -p "$target"  # LICENSE.zxing-cpp stays: the Apache-2.0 text of the C++ library
cp "$ponyfill" "$target/barcode-detector.js"
cp "$wasm" "$target/zxing_reader.wasm"
cp "$work/bd/package/LICENSE" "$target/LICENSE.barcode-detector"
cp "$work/zx/package/LICENSE" "$target/LICENSE.zxing-wasm"
cat > "$target/VERSIONS" <<END
barcode-detector $version (npm, MIT): dist/iife/ponyfill.js -> barcode-detector.js
zxing-wasm $zxing (npm, MIT): dist/reader/zxing_reader.wasm -> zxing_reader.wasm
zxing_reader.wasm sha256 $actual
zxing-cpp (Apache-2.0) is compiled into the WebAssembly: LICENSE.zxing-cpp
END
echo "vendored barcode-detector $version with zxing-wasm $zxing into $target"
