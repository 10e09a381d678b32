#!/usr/bin/env python3
"""A proxy "trainer" for the tests of Climb's command proxy: it trains nothing and computes a known function of the
mixture from the data folder, so that the search's answer can be checked against that function's optimum.

    known_function_trainer.py --mixture M --data D --output O --seed S --source python [--sleep SECONDS] [--wait-for FILE]

It reads the mixture file (weights by super-cluster name) and every super-cluster's JSON-lines shards listed in
data.json, and computes, for each super-cluster i, the share p_i of its tokens that come from documents whose
"source" is --source. The objective (minimised) is the share of the mixture's tokens from other sources,
f(w) = sum_i w_i (1 - p_i), plus a tiny seed-dependent noise (1e-4 x a hash of the seed) so that the seed matters and
the same seed gives the same value. It checks the files as a real trainer would: every name of the mixture is a
super-cluster of data.json, every shard line has an id, a token count and a text, and the shards' token counts add up
to data.json's. With --wait-for it first waits (up to 10 minutes) until FILE exists, so that a test can hold a proxy
running for as long as it needs. Writes {"objective", "goal": "minimize", "metrics": {"p:<index>": p_i}, "tokens_trained": 0}.
"""

import argparse
import hashlib
import json
import os
import sys
import time


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--mixture", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--sleep", type=float, default=0.0)
    p.add_argument("--wait-for")
    a = p.parse_args(argv)

    if a.wait_for:
        deadline = time.time() + 600
        while not os.path.exists(a.wait_for):
            if time.time() > deadline:
                print(f"{a.wait_for} did not appear in 10 minutes", file=sys.stderr)
                return 5
            time.sleep(0.2)

    with open(a.mixture, encoding="utf-8") as f:
        mixture = json.load(f)
    with open(os.path.join(a.data, "data.json"), encoding="utf-8") as f:
        index = json.load(f)
    clusters = {c["name"]: c for c in index["super_clusters"]}
    weights = mixture["weights"]
    if list(weights) != [c["name"] for c in index["super_clusters"]]:
        print("the mixture's names are not data.json's super-clusters, in order", file=sys.stderr)
        return 3

    objective = 0.0
    metrics = {}
    for name, w in weights.items():
        c = clusters[name]
        tokens = 0
        matching = 0
        documents = 0
        for shard in c["files"]:
            with open(os.path.join(a.data, shard["path"]), encoding="utf-8") as f:
                for line in f:
                    d = json.loads(line)
                    if not d["id"] or not isinstance(d["text"], str):
                        print(f"{shard['path']}: a line without id or text", file=sys.stderr)
                        return 3
                    tokens += d["tokens"]
                    documents += 1
                    if d.get("source") == a.source:
                        matching += d["tokens"]
        if tokens != c["tokens"] or documents != c["documents"]:
            print(f"{name}: the shards hold {documents} documents and {tokens} tokens, data.json says {c['documents']} and {c['tokens']}", file=sys.stderr)
            return 3
        share = matching / tokens if tokens else 0.0
        metrics[f"p:{c['index']}"] = share
        objective += w * (1.0 - share)

    noise = int(hashlib.sha256(str(a.seed).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    objective += 1e-4 * noise
    if a.sleep > 0:
        time.sleep(a.sleep)
    with open(a.output + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"objective": objective, "goal": "minimize", "metrics": metrics, "tokens_trained": 0, "device": "known-function"}, f)
    os.replace(a.output + ".tmp", a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
