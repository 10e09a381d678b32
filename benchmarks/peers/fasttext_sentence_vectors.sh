#!/usr/bin/env bash
# Peer for the unknown-word path of GloveSifEmbedder: fastText (Debian package fasttext 0.9.2) computing sentence
# vectors from subword n-grams (minn 3, maxn 5, dim 100, as Climb's hashed n-grams; 200,000 buckets so that loading the model does not dominate) for the texts written by
# `dotnet run -c Release --project benchmarks/Climb.Benchmarks -- unknown-words-speed` (one text per line).
# Trains a small skipgram model on the texts first (not timed), then times `print-sentence-vectors` RUNS times.
#   benchmarks/peers/fasttext_sentence_vectors.sh [texts=benchmarks/out/ru-fortunes.txt] [runs=5]
set -euo pipefail
texts=${1:-benchmarks/out/ru-fortunes.txt}
runs=${2:-5}
command -v fasttext >/dev/null || { echo "fasttext is missing: apt-get install fasttext" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fasttext skipgram -input "$texts" -output "$work/model" -dim 100 -minn 3 -maxn 5 -epoch 1 -thread 2 -bucket 200000 -verbose 0 >/dev/null
n=$(wc -l < "$texts")
echo "fastText $(dpkg-query -W -f='${Version}' fasttext 2>/dev/null || echo '?'): $n texts; loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$runs"); do
  start=$(date +%s.%N)
  fasttext print-sentence-vectors "$work/model.bin" < "$texts" > /dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'run $r: {$n / ($end - $start):,.0f} docs/s ({$end - $start:.2f} s, one thread, model load included)')"
done
