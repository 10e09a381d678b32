#!/usr/bin/env python3
"""Build the WordNet corpus and its held-out biology target for the n-gram evidence benchmark (issue 21).

The third setting of `dotnet run -c Release --project benchmarks/Climb.Benchmarks -- evidence-power`: English
dictionary glosses from WordNet 3.0, in 45 lexicographer files (noun.animal, noun.artifact, verb.motion, adj.all, ...),
with a target in another domain than the other two settings: biology (held-out documents of noun.animal and
noun.plant, not in the corpus).

Source (install it first on a fresh Debian 12 machine):

    sudo apt-get install wordnet-base      # /usr/share/wordnet/data.{noun,verb,adj,adv}; WordNet 3.0 licence

Every synset becomes one line "lemma, lemma (pos): gloss" (underscores as spaces); a document is up to --group
consecutive synsets of one lexicographer file, in the data file's order. Every document is a JSON object on its own
line:

    {"id": "wordnet-noun.animal-00012", "text": "...", "source": "noun.animal"}

Output (byte-for-byte deterministic for a given wordnet-base version: the target is a seeded random choice, gzip
headers carry no timestamp or file name):

    OUT_DIR/corpus/<pos>.jsonl.gz        the corpus, one file per part of speech, target documents removed
    OUT_DIR/target/biology.jsonl.gz      the held-out target documents
    OUT_DIR/manifest.json                package version, counts, options

Usage:
    python3 scripts/build-wordnet-corpus.py OUT_DIR [--group 8] [--target-per-file 60] [--seed 2026]

Python standard library only.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import subprocess
import sys
from pathlib import Path

WORDNET_DIR = Path("/usr/share/wordnet")
PACKAGE = "wordnet-base"
PARTS = ("noun", "verb", "adj", "adv")
POS_NAME = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
TARGET_FILES = ("noun.animal", "noun.plant")

# WordNet 3.0's lexicographer files, by number (the lexnames file of the WordNet distribution; Debian's wordnet-base
# does not ship it).
LEXNAMES = (
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute",
    "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
    "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant", "noun.possession",
    "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
    "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition", "verb.consumption",
    "verb.contact", "verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession",
    "verb.social", "verb.stative", "verb.weather", "adj.ppl",
)


def fail(message: str) -> None:
    print(f"build-wordnet-corpus: {message}", file=sys.stderr)
    sys.exit(1)


def package_version() -> str:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE], capture_output=True, text=True, check=False)
    except OSError:
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def synsets(part: str):
    """Yields (lexicographer file name, text line) for every synset of data.<part>, in file order."""
    path = WORDNET_DIR / f"data.{part}"
    if not path.is_file():
        fail(f"{path} not found: install the Debian package with `sudo apt-get install {PACKAGE}`.")
    with path.open("r", encoding="utf-8", errors="strict") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("  "):
                continue  # the licence header
            head, sep, gloss = line.partition(" | ")
            fields = head.split(" ")
            if not sep or len(fields) < 6:
                fail(f"{path} line {number}: not a WordNet data line (no ' | ' gloss separator or too few fields).")
            try:
                lex = int(fields[1])
                count = int(fields[3], 16)
            except ValueError:
                fail(f"{path} line {number}: lexicographer file '{fields[1]}' or word count '{fields[3]}' is not a number.")
            if not 0 <= lex < len(LEXNAMES):
                fail(f"{path} line {number}: lexicographer file number {lex} is outside 0..{len(LEXNAMES) - 1}.")
            words = [w.replace("_", " ") for w in fields[4:4 + 2 * count:2]]
            # Adjective markers such as "(a)", "(p)" are part of the lemma in data.adj: strip them.
            words = [w.split("(")[0] if w.endswith(")") and "(" in w else w for w in words]
            pos = POS_NAME.get(fields[2], fields[2])
            yield LEXNAMES[lex], f"{', '.join(words)} ({pos}): {gloss.strip()}"


def documents(part: str, group: int):
    """Groups consecutive synsets of one lexicographer file into documents."""
    current: list[str] = []
    name = None
    counters: dict[str, int] = {}

    def flush():
        k = counters.get(name, 0)
        counters[name] = k + 1
        return {"id": f"wordnet-{name}-{k:05d}", "text": "\n".join(current), "source": name}

    for lex, text in synsets(part):
        if current and (lex != name or len(current) == group):
            yield flush()
            current = []
        name = lex
        current.append(text)
    if current:
        yield flush()


def write_jsonl_gz(path: Path, docs: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        for d in docs:
            gz.write((json.dumps(d, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8"))
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--group", type=int, default=8, help="synsets per document (default 8)")
    parser.add_argument("--target-per-file", type=int, default=60, help="held-out documents per target file (default 60)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the held-out choice (default 2026)")
    args = parser.parse_args()
    if args.group < 1 or args.target_per_file < 1:
        fail("--group and --target-per-file need a positive integer.")

    by_part = {part: list(documents(part, args.group)) for part in PARTS}
    random_choice = random.Random(args.seed)
    held: set[str] = set()
    for name in TARGET_FILES:
        pool = sorted(d["id"] for docs in by_part.values() for d in docs if d["source"] == name)
        if len(pool) < 2 * args.target_per_file:
            fail(f"{name} has {len(pool)} documents, too few to hold out {args.target_per_file}.")
        held.update(random_choice.sample(pool, args.target_per_file))

    out = args.out_dir
    target = [d for part in PARTS for d in by_part[part] if d["id"] in held]
    counts = {}
    for part in PARTS:
        kept = [d for d in by_part[part] if d["id"] not in held]
        write_jsonl_gz(out / "corpus" / f"{part}.jsonl.gz", kept)
        counts[part] = len(kept)
    write_jsonl_gz(out / "target" / "biology.jsonl.gz", target)
    manifest = {
        "package": PACKAGE,
        "version": package_version(),
        "group": args.group,
        "target_per_file": args.target_per_file,
        "seed": args.seed,
        "target_files": list(TARGET_FILES),
        "corpus_documents": counts,
        "target_documents": len(target),
        "corpus_characters": sum(len(d["text"]) for part in PARTS for d in by_part[part] if d["id"] not in held),
        "target_characters": sum(len(d["text"]) for d in target),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
