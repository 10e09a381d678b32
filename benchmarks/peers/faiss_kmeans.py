#!/usr/bin/python3
"""FAISS k-means peer for `climb-bench kmeans-peers`.

Reads raw little-endian float32 files written by the .NET runner (data: N x D, init: K x D), runs
faiss.Clustering for a fixed number of Lloyd iterations from the given centroids without subsampling,
and prints one JSON object with per-iteration time, final inertia and the BLAS actually loaded.

Run with Debian's python3-faiss (`/usr/bin/python3`); it must link OpenBLAS (libopenblas0-pthread):
with the reference BLAS, FAISS is ~20x slower and the comparison would be meaningless.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import faiss


def loaded_blas():
    """The BLAS/LAPACK shared objects mapped into this process (proves which BLAS FAISS uses)."""
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if any(s in path for s in ("blas", "lapack")):
                libs.add(os.path.realpath(path))
    return sorted(libs)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--init", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()

    faiss.omp_set_num_threads(a.threads)
    x = np.fromfile(a.data, dtype="<f4", count=a.n * a.d).reshape(a.n, a.d)
    init = np.fromfile(a.init, dtype="<f4", count=a.k * a.d).reshape(a.k, a.d)

    cp = faiss.ClusteringParameters()
    cp.niter = a.iters
    cp.verbose = False
    cp.seed = 1234
    cp.min_points_per_centroid = 1
    cp.max_points_per_centroid = (a.n + a.k - 1) // a.k + 1  # never subsample
    clus = faiss.Clustering(a.d, a.k, cp)
    faiss.copy_array_to_vector(init.ravel(), clus.centroids)  # start from the given centroids
    index = faiss.IndexFlatL2(a.d)

    t0 = time.perf_counter()
    clus.train(x, index)
    train_s = time.perf_counter() - t0

    stats = clus.iteration_stats
    times = [stats.at(i).time for i in range(stats.size())]
    objs = [stats.at(i).obj for i in range(stats.size())]
    per_iter = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else times[0]

    # Final inertia: every row against the final centroids (as Climb reports it).
    centroids = faiss.vector_to_array(clus.centroids).reshape(a.k, a.d)
    final_index = faiss.IndexFlatL2(a.d)
    final_index.add(centroids)
    dist, _ = final_index.search(x, 1)
    inertia = float(dist.astype(np.float64).sum())

    blas = loaded_blas()
    out = {
        "peer": "faiss",
        "faiss_version": faiss.__version__,
        "numpy_version": np.__version__,
        "blas_libraries": blas,
        "openblas": any("openblas" in b for b in blas),
        "omp_threads": faiss.omp_get_max_threads(),
        "iterations": len(times),
        "train_seconds": train_s,
        "seconds_per_iteration": per_iter,
        "iteration_objectives": objs,
        "final_inertia": inertia,
    }
    np.save(a.init + ".faiss-centroids.npy", centroids)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
