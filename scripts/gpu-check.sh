#!/usr/bin/env bash
# Publishes the GPU check runner (tools/Climb.GpuCheck) as one self-contained Linux x64 file (at most 64 MiB) and
# runs it. On a machine with an NVIDIA GPU and driver it runs the ILGPU CUDA k-means assignment, update and
# centroid-merge kernels on a large case and compares them with the CPU path; elsewhere run it with
# --device ilgpu-cpu and a small case to check the runner itself.
#
#   scripts/gpu-check.sh                       # publish to artifacts/gpu-check/, then run N=1M D=1024 K=1000 on CUDA
#   scripts/gpu-check.sh --publish-only        # publish only (copy artifacts/gpu-check/Climb.GpuCheck to the GPU machine)
#   scripts/gpu-check.sh --n 20000 --d 64 --k 50 --device ilgpu-cpu   # small case on ILGPU's CPU accelerator
#
# The published file needs no .NET on the target machine; CUDA needs only the NVIDIA driver (libcuda.so).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${GPU_CHECK_OUT:-artifacts/gpu-check}
dotnet publish tools/Climb.GpuCheck/Climb.GpuCheck.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  \
  -p:DebugType=none -o "$OUT" >/dev/null
exe="$OUT/Climb.GpuCheck"
size=$(stat -c %s "$exe")
echo "published $exe: $((size / 1048576)) MiB ($size bytes); files in $OUT: $(ls "$OUT" | tr '\n' ' ')"
if [ "$size" -gt $((64 * 1048576)) ]; then echo "ERROR: the runner is larger than 64 MiB" >&2; exit 1; fi
if [ "${1:-}" = "--publish-only" ]; then exit 0; fi
exec "$exe" "$@"
