#!/usr/bin/env python3
"""Build the bundled target set for the sample corpus: held-out documents that are NOT in the committed subset.

The target plays the role of CLIMB's downstream benchmark: the search should find the mixture of the sample
corpus whose proxy models predict this text best. By default it is held-out computing text (FOLDOC definitions
and Python standard-library sources), so a good search puts its weight on the super-clusters of those domains.

    python3 scripts/build-sample-corpus.py --full /tmp/fullcorpus
    python3 scripts/build-sample-target.py --full /tmp/fullcorpus

Deterministic: same inputs and seed, same bytes.
"""
import argparse, gzip, io, json, os, random

def read(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", required=True, help="folder written by build-sample-corpus.py --full")
    ap.add_argument("--subset", default=os.path.join(os.path.dirname(__file__), "..", "data", "sample-corpus"))
    ap.add_argument("--domains", default="foldoc:200,python:40", help="domain:count,... of held-out documents")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "data", "sample-targets", "computing.jsonl.gz"))
    ap.add_argument("--seed", type=int, default=20251123)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    rows = []
    for spec in a.domains.split(","):
        domain, count = spec.split(":")
        used = {d["id"] for d in read(os.path.join(a.subset, domain + ".jsonl.gz"))}
        pool = [d for d in read(os.path.join(a.full, domain + ".jsonl.gz")) if d["id"] not in used]
        if len(pool) < int(count):
            raise SystemExit(f"{domain}: only {len(pool)} held-out documents, {count} asked")
        pool.sort(key=lambda d: d["id"])
        rows += rng.sample(pool, int(count))
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as g:
        for d in rows:
            g.write((json.dumps({"id": d["id"], "text": d["text"], "source": d["source"]}, ensure_ascii=False) + "\n").encode("utf-8"))
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "wb") as f:
        f.write(buf.getvalue())
    print(f"wrote {len(rows)} held-out documents to {a.out}")

if __name__ == "__main__":
    main()
