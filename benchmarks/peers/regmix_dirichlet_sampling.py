"""Peer for `climb-bench search`: RegMix-style Dirichlet mixture sampling in numpy.

Re-implements (not copies) the procedure of RegMix's mixture_config/synthesize_mixture.py: tempered prior
(share ** 0.5, renormalised), one strength drawn from 15 log-spaced values in [0.1, 5], rejection of weights above
15 x the token share, zeroing of weights below 2e-4, renormalisation, rounding to the 2e-4 grid, de-duplication.
Two variants are timed:
  loop:       one np.random.dirichlet call per candidate, as RegMix's script does;
  vectorized: gamma draws for a whole batch at once (the fastest reasonable numpy formulation).

usage: python3 regmix_dirichlet_sampling.py [count=100000] [clusters=20]
"""
import sys
import time

import numpy as np


def prior(k):
    s = 1.0 / np.arange(1, k + 1)
    return s / s.sum()


def post(w, minimum=2e-4):
    w = np.where(w < minimum, 0.0, w)
    w = w / w.sum(axis=-1, keepdims=True)
    w = np.round(w / minimum) * minimum
    return w / w.sum(axis=-1, keepdims=True)


def loop(count, k, rng):
    shares = prior(k)
    cap = np.minimum(shares * 15, 1.0)
    base = shares ** 0.5
    base /= base.sum()
    strengths = np.logspace(np.log10(0.1), np.log10(5.0), 15)
    out = []
    while len(out) < count:
        w = rng.dirichlet(base * strengths[rng.integers(15)])
        if np.any(w > cap):
            continue
        out.append(post(w[None, :])[0])
    return np.unique(np.array(out), axis=0)


def vectorized(count, k, rng):
    shares = prior(k)
    cap = np.minimum(shares * 15, 1.0)
    base = shares ** 0.5
    base /= base.sum()
    strengths = np.logspace(np.log10(0.1), np.log10(5.0), 15)
    parts = []
    have = 0
    while have < count:
        n = 2 * count
        alpha = base[None, :] * strengths[rng.integers(15, size=n)][:, None]
        g = rng.standard_gamma(alpha)
        s = g.sum(axis=1, keepdims=True)
        ok = s[:, 0] > 0
        w = g[ok] / s[ok]
        w = w[np.all(w <= cap, axis=1)]
        parts.append(post(w))
        have += len(w)
    return np.unique(np.concatenate(parts), axis=0)[:count]


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    with open("/proc/loadavg") as f:
        print("load:", f.read().strip())
    rng = np.random.default_rng(1)
    for name, fn in (("numpy vectorized", vectorized), ("numpy loop (RegMix script style)", loop)):
        n = count if name.startswith("numpy vectorized") else min(count, 20_000)
        t = time.perf_counter()
        res = fn(n, k, rng)
        dt = time.perf_counter() - t
        print(f"{name}: {len(res)} mixtures x {k} clusters in {dt:.3f} s = {len(res) / dt:.0f} mixtures/s")


if __name__ == "__main__":
    main()
