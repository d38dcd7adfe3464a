#!/usr/bin/env bash
# Peak resident memory of a plain FP32 pass against a whole static quantization, one fresh JVM per
# measurement (see MemoryFootprint and docs/BENCHMARKS.md, "Memory while quantizing").
# Usage: quant-bench/memory.sh [resnet18 resnet50 vgg16]   (after: ./mvnw -o -pl quant-bench -am package -DskipTests)
# Environment: BATCH (16), SAMPLES (128), METHODS ("minmax entropy percentile": any of minmax, entropy,
# percentile, mse), JAVA_OPTS (-Xmx4g when unset; set but empty, the JVM's default heap), WORK (a temporary
# directory), JAR (quant-bench/target/benchmarks.jar; another build's jar, to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-quant-bench/target/benchmarks.jar}
[ -f "$JAR" ] || { echo "No $JAR: build it with ./mvnw -o -pl quant-bench -am package -DskipTests" >&2; exit 1; }
BATCH=${BATCH:-16}
SAMPLES=${SAMPLES:-128}
METHODS=${METHODS:-minmax entropy percentile}
JAVA_OPTS=${JAVA_OPTS--Xmx4g}
WORK=${WORK:-$(mktemp -d)}
MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(resnet18 resnet50 vgg16)

# Runs one measurement and prints its peak resident set in MiB, as /usr/bin/time -v reports it.
peak() {
  local log="$WORK/time.log"
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$log" java $JAVA_OPTS -cp "$JAR" org.quant4j.bench.MemoryFootprint "$@" > "$WORK/out.log" 2>&1 \
    || { cat "$WORK/out.log" >&2; exit 1; }
  awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log"
}

# One column per calibration method, each with its ratio to the FP32 pass.
read -r -a METHOD_LIST <<< "$METHODS"
printf '%-9s %7s %5s %9s' model weights batch fp32
for c in "${METHOD_LIST[@]}"; do printf ' %18s' "$c"; done
printf '\n'
for m in "${MODELS[@]}"; do
  model="$WORK/$m.onnx"
  [ -f "$model" ] || java -Xmx6g -cp "$JAR" org.quant4j.bench.MemoryFootprint export "$m" "$model" > /dev/null
  weights=$(( $(stat -c %s "$model") / 1000000 ))
  fp32=$(peak fp32 "$model" "$BATCH" "$SAMPLES")
  printf '%-9s %5sMB %5s %6sMiB' "$m" "$weights" "$BATCH" "$fp32"
  for c in "${METHOD_LIST[@]}"; do
    mib=$(peak quantize "$model" "$c" "$BATCH" "$SAMPLES" "$WORK/$m-$c.onnx")
    printf ' %18s' "$(awk -v a="$mib" -v f="$fp32" 'BEGIN {printf "%dMiB (%.2fx)", a, a / f}')"
  done
  printf '\n'
done
