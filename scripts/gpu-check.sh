#!/usr/bin/env bash
# GPU readiness: Climb's three CUDA paths, each against the CPU, one line per check (tools/Climb.GpuCheck):
#   1/3 the ILGPU k-means assignment (with update and centroid merge) against the CPU kernels;
#   2/3 one TorchSharp proxy training step on CUDA against the same step's CPU losses;
#   3/3 an ONNX Runtime CUDA embedding batch against the CPU vectors (and those against torch's reference).
# Without a GPU (or with --device cpu) every check runs its CPU fallback and its line says so, and why.
#
#   scripts/gpu-check.sh [--device auto|cuda|cpu] [--n N --d D --k K]   publish (where dotnet is), then run
#   scripts/gpu-check.sh --publish-only                                   publish only, to artifacts/gpu-check/
#
# The runner is one self-contained Linux x64 file (no .NET needed where it runs) plus TorchSharp's glue library,
# together at most 64 MiB; on a machine without dotnet the script runs the runner published before (carry
# artifacts/gpu-check there). libtorch (hundreds of MB) is not in it: the script takes the machine's own, from
#   CLIMB_LIBTORCH_DIR, else python3's torch/lib (a CUDA build on the GPU machine), else the NuGet cache's
#   libtorch-cpu-linux-x64 2.10.0 (CPU only; the NuGet mirror serves no libtorch-cuda package).
# ONNX Runtime's CUDA provider is not in it either (NuGet Microsoft.ML.OnnxRuntime.Gpu.Linux is far over 64 MiB):
#   CLIMB_ORT_DIR names a folder with that package's runtimes/linux-x64/native files, else the NuGet cache's copy
#   is used when restored; without one, check 3 runs on the CPU and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${GPU_CHECK_OUT:-artifacts/gpu-check}
exe="$OUT/Climb.GpuCheck"
if command -v dotnet >/dev/null 2>&1 && [ "${GPU_CHECK_NO_PUBLISH:-0}" != 1 ]; then
  rm -rf "$OUT"
  dotnet publish tools/Climb.GpuCheck/Climb.GpuCheck.csproj -c Release -r linux-x64 --self-contained true \
    -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
    -p:DebugType=none -o "$OUT" >"${TMPDIR:-/tmp}/climb-gpu-check-publish.log" 2>&1 \
    || { tail -30 "${TMPDIR:-/tmp}/climb-gpu-check-publish.log" >&2; exit 1; }
fi
if [ ! -x "$exe" ]; then
  echo "ERROR: no runner at $exe and no dotnet here to publish it (publish with --publish-only where dotnet is, and carry $OUT)" >&2
  exit 2
fi
size=$(du -cb "$OUT" | tail -1 | cut -f1)
echo "runner $OUT: $(awk "BEGIN { printf \"%.1f\", $size / 1048576 }") MiB ($size bytes): $(cd "$OUT" && ls | tr '\n' ' ')"
if [ "$size" -gt $((64 * 1048576)) ]; then echo "ERROR: the runner is larger than 64 MiB" >&2; exit 1; fi
if [ "${1:-}" = "--publish-only" ]; then exit 0; fi

if ! ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so'; then
  export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
  echo "ICU: none here, so .NET runs in invariant mode (the BERT tokenizer cannot strip accents: check 3's reference comparison fails on 'Café naïve résumé')"
fi
nuget=${NUGET_PACKAGES:-$HOME/.nuget/packages}
libtorch=${CLIMB_LIBTORCH_DIR:-}
from="CLIMB_LIBTORCH_DIR"
if [ -z "$libtorch" ] && command -v python3 >/dev/null 2>&1; then
  libtorch=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null || true)
  from="python3's torch $(python3 -c 'import torch; print(torch.__version__)' 2>/dev/null || true)"
fi
if [ -z "$libtorch" ] || [ ! -e "$libtorch/libtorch_cpu.so" ]; then
  libtorch="$nuget/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native"
  from="the NuGet cache (libtorch-cpu-linux-x64 2.10.0, CPU only)"
fi
if [ -e "$libtorch/libtorch_cpu.so" ]; then
  export LD_LIBRARY_PATH="$libtorch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "libtorch: $libtorch, from $from$([ -e "$libtorch/libtorch_cuda.so" ] && echo ', with CUDA' || echo ', CPU only')"
else
  echo "libtorch: none found (set CLIMB_LIBTORCH_DIR, install python3's torch, or restore libtorch-cpu-linux-x64 2.10.0); check 2 will say so"
fi
if [ -z "${CLIMB_ORT_DIR:-}" ]; then
  for d in "$nuget"/microsoft.ml.onnxruntime.gpu.linux/*/runtimes/linux-x64/native; do
    if [ -e "$d/libonnxruntime_providers_cuda.so" ]; then export CLIMB_ORT_DIR="$d"; fi
  done
fi
if [ -n "${CLIMB_ORT_DIR:-}" ] && command -v python3 >/dev/null 2>&1; then
  # The CUDA provider of ONNX Runtime 1.31 needs CUDA 13's libcublas, libcublasLt, libcurand and libcudart: take
  # them from python3's nvidia-* packages where the machine has them (the GPU machine's PyTorch does).
  cuda_libs=$(python3 -c 'import glob, os, nvidia; print(":".join(sorted({os.path.dirname(p) for d in nvidia.__path__ for p in glob.glob(d + "/**/lib*.so*", recursive=True)})))' 2>/dev/null || true)
  if [ -n "$cuda_libs" ]; then export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$cuda_libs"; fi
fi
echo "ONNX Runtime: ${CLIMB_ORT_DIR:-the bundled CPU build (no CUDA provider: set CLIMB_ORT_DIR)}"
exec "$exe" "$@"
