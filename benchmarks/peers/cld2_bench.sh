#!/usr/bin/env bash
# Builds and runs the CLD2 peer (cld2_bench.cc) on the texts written by
#   dotnet run -c Release --project benchmarks/Climb.Benchmarks -- quality langid
# which calls this script itself:  benchmarks/peers/cld2_bench.sh TEXTS.bin [threads=2] [predictions.txt] [runs=3]
# Needs Debian's libcld2-dev (apt-get install libcld2-dev) and g++.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${CLD2_BUILD_DIR:-$here/../out}
mkdir -p "$out"
[ -f /usr/include/cld2/public/compact_lang_det.h ] || { echo "libcld2-dev is missing: apt-get install libcld2-dev" >&2; exit 2; }
if [ ! -x "$out/cld2_bench" ] || [ "$here/cld2_bench.cc" -nt "$out/cld2_bench" ]; then
  g++ -O3 -march=native -std=c++17 -o "$out/cld2_bench" "$here/cld2_bench.cc" -lcld2 -pthread
fi
echo "libcld2 $(dpkg-query -W -f='${Version}' libcld2-0 2>/dev/null || echo '?'), g++ $(g++ -dumpfullversion), -O3 -march=native"
exec "$out/cld2_bench" "$@"
