#!/usr/bin/env bash
# Coverage-guided fuzzing of Climb's parsers of outside bytes with SharpFuzz + AFL++ (docs/reliability.md).
#
#   scripts/fuzz.sh [--seconds N] [--out DIR] [--no-build] [target...]     (default: every target, 60 s each)
#
# Builds tests/Fuzz/Climb.Fuzz into DIR/bin, instruments Climb.dll and the parsing libraries it calls with
# sharpfuzz, then runs afl-fuzz on each target for N seconds, one after another, starting from the committed seeds
# (tests/Fuzz/corpus/<target>) plus the committed regression inputs (tests/Fuzz/regressions/<target>).
# Afterwards it replays every committed regression input and prints each target's afl-fuzz statistics.
# Exit status 1 if any target found a crash (an exception other than the documented ones, see
# docs/reliability.md) or a hang (an input still running 120 s after it started outside afl-fuzz, except the
# known open slow Parquet.Net footer decoding, recognised by its stack); the inputs are left in DIR/findings/<target>/default/{crashes,hangs}
# and their stack traces are printed.
# Needs: afl-fuzz (Debian package afl++) and sharpfuzz (dotnet tool SharpFuzz.CommandLine 2.3.0); with
# --install it installs both when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=60
out="$root/artifacts/fuzz"
build=1
install=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --install) install=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
export PATH="$PATH:$HOME/.dotnet/tools" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "$install" = 1 ]; then
  if ! command -v afl-fuzz >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq afl++ >/dev/null
  fi
  if ! command -v sharpfuzz >/dev/null; then
    dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0 >/dev/null
  fi
  if ! command -v dotnet-stack >/dev/null; then
    dotnet tool install -g dotnet-stack --version 10.0.750501 >/dev/null || true
  fi
fi
command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz is missing (apt-get install afl++, or pass --install)" >&2; exit 2; }
command -v sharpfuzz >/dev/null || { echo "fuzz.sh: sharpfuzz is missing (dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0, or pass --install)" >&2; exit 2; }

mkdir -p "$out"
bin="$out/bin"     # instrumented: runs only under afl-fuzz
plain="$out/plain" # not instrumented: replays and triage
if [ "$build" = 0 ] && { [ ! -f "$bin/Climb.Fuzz.dll" ] || [ ! -f "$plain/Climb.Fuzz.dll" ]; }; then build=1; fi
if [ "$build" = 1 ]; then
  rm -rf "$bin" "$plain"
  dotnet build tests/Fuzz/Climb.Fuzz/Climb.Fuzz.csproj -c Release -o "$plain" -p:UseSharedCompilation=false -nologo -v q >/dev/null
  cp -r "$plain" "$bin"
  # Coverage feedback from our parsers and the libraries that parse the bytes for them.
  for dll in Climb.dll Parquet.dll ZstdSharp.dll Microsoft.ML.Tokenizers.dll; do
    sharpfuzz "$bin/$dll" >/dev/null
  done
fi
fuzz=(dotnet "$plain/Climb.Fuzz.dll")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <("${fuzz[@]}" list | cut -f1)

export CLIMB_FUZZ_TMP="${CLIMB_FUZZ_TMP:-/dev/shm}"
[ -d "$CLIMB_FUZZ_TMP" ] && [ -w "$CLIMB_FUZZ_TMP" ] || CLIMB_FUZZ_TMP=/tmp
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 \
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 AFL_QUIET=1

status=0
summary="$out/summary.tsv" # appended to by every run into the same --out (a fresh build starts it anew)
[ "$build" = 0 ] && [ -f "$summary" ] || printf 'target\tseconds\texecs_done\texecs_per_sec\tcorpus_count\tbitmap_cvg\tedges_found\ttotal_edges\tsaved_crashes\tsaved_hangs\n' > "$summary"
for target in "${targets[@]}"; do
  seeds="$out/seeds/$target"
  rm -rf "$seeds"; mkdir -p "$seeds"
  cp tests/Fuzz/corpus/"$target"/* "$seeds"/
  if [ -d tests/Fuzz/regressions/"$target" ]; then
    find tests/Fuzz/regressions/"$target" -type f ! -name '*.md' -exec cp {} "$seeds"/ \;
  fi
  findings="$out/findings/$target"
  rm -rf "$findings"; mkdir -p "$(dirname "$findings")"
  echo "== $target: afl-fuzz for ${seconds}s"
  # -V bounds the campaign; timeout bounds afl-fuzz itself should it stall starting up. -t: a hang is > 5 s per input.
  timeout --kill-after=30 $((seconds + 120)) afl-fuzz -V "$seconds" -t 5000 -m none -i "$seeds" -o "$findings" -- "$(command -v dotnet)" "$bin/Climb.Fuzz.dll" "$target" \
    > "$out/$target.afl.log" 2>&1 || { echo "afl-fuzz failed on $target (exit $?); log:"; tail -30 "$out/$target.afl.log"; status=1; continue; }
  stats="$findings/default/fuzzer_stats"
  get() { sed -n "s/^$1 *: *//p" "$stats" | head -1; }
  crashes=$(find "$findings/default/crashes" -type f ! -name README.txt 2>/dev/null | wc -l)
  hangs=$(find "$findings/default/hangs" -type f 2>/dev/null | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$seconds" "$(get execs_done)" "$(get execs_per_sec)" \
    "$(get corpus_count)" "$(get bitmap_cvg)" "$(get edges_found)" "$(get total_edges)" "$crashes" "$hangs" >> "$summary"
  if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
    echo "!! $target: $crashes crashing and $hangs hanging inputs in $findings/default"
    if [ "$crashes" -gt 0 ]; then
      "${fuzz[@]}" "$target" --replay "$findings/default/crashes" 2>&1 | head -60 || true
    fi
  fi
  # A hang is an input still running 120 s after it started outside afl-fuzz (afl-fuzz's 5 s limit also flags inputs
  # that are merely slow on a loaded machine); its stack is taken at 20 s. One slow loop is known and open (docs/reliability.md): Parquet.Net
  # 6.1.0's Thrift footer decoder skipping a forged list of up to 2^31 booleans one no-op at a time; it is recognised
  # by its stack (the decoder inside FileMetaData.Read) and reported, not failed.
  stuck=0
  for h in $(find "$findings/default/hangs" -type f 2>/dev/null); do
    "${fuzz[@]}" "$target" --replay "$h" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" || { echo "!! $target: $h fails outside afl-fuzz"; stuck=$((stuck + 1)); }
      continue
    fi
    stack=$(command -v dotnet-stack >/dev/null && dotnet-stack report -p "$pid" 2>/dev/null || true)
    # Slow is not stuck: give it up to 100 s more (the known slow Parquet case takes 5-40 s on a loaded machine) and
    # judge it by its outcome if it ends; only an input still running then is stuck.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if ! kill -0 "$pid" 2>/dev/null; then
      if wait "$pid"; then
        echo "   $target: $h: slow, not stuck (ended with a documented outcome within 120 s)"
      else
        echo "!! $target: $h fails outside afl-fuzz"; stuck=$((stuck + 1))
      fi
      continue
    fi
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    if [ "$target" = parquet ] && grep -q 'Parquet.Meta.Proto.ThriftCompactProtocolReader' <<<"$stack" && grep -q 'Parquet.Meta.FileMetaData.Read' <<<"$stack"; then
      echo "   $target: $h: known open slow Parquet.Net footer decoding (docs/reliability.md)"
    else
      echo "!! $target: $h is stuck:"; head -20 <<<"$stack"; stuck=$((stuck + 1))
    fi
  done
  if [ "$crashes" -gt 0 ] || [ "$stuck" -gt 0 ]; then
    status=1
  fi
done

# Every committed regression input must parse to a documented error (or succeed).
for target in "${targets[@]}"; do
  if [ -d tests/Fuzz/regressions/"$target" ]; then
    "${fuzz[@]}" "$target" --replay tests/Fuzz/regressions/"$target" || status=1
  fi
done

column -t -s $'\t' "$summary"
exit $status
