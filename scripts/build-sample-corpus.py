#!/usr/bin/env python3
"""Build Climb's multi-domain sample corpus from Debian packages installed on this machine.

Domains and the Debian packages they come from (install them first on a fresh Debian 12 machine):

    fortunes  fortunes, fortunes-min   one document per quote (%-separated), topic = fortune file name
    bible     bible-kjv, bible-kjv-text one document per group of up to 5 consecutive verses of a chapter
    foldoc    dict-foldoc               one document per dictionary definition (dictd .index + .dict.dz)
    jargon    jargon-text               one document per Jargon File lexicon entry
    devil     dict-devil                one document per dictionary definition (dictd .index + .dict.dz)
    python    libpython3.11-stdlib      one document per standard-library source file; files longer than
                                        --python-max-chars are split into consecutive parts at top-level
                                        def/class statements (title "module (part i/n)")

    sudo apt-get install fortunes fortunes-min bible-kjv dict-foldoc jargon-text dict-devil python3.11

Every document is a JSON object on its own line:

    {"id": "bible-000123", "text": "...", "source": "bible", "topic": "Genesis", "title": "Genesis 25:1-5"}

"topic" and "title" are present only where the source has them. Ids are assigned over the FULL
extraction of a domain in a deterministic order (sorted input files, document order inside a file), so a
document keeps the same id in the full corpus and in the committed subset.

Usage:
    python3 scripts/build-sample-corpus.py                 # the committed subset -> data/sample-corpus/
    python3 scripts/build-sample-corpus.py --full OUT_DIR  # every document of every domain -> OUT_DIR

The output is byte-for-byte deterministic for a given set of installed package versions: inputs are read
in sorted order, sampling uses a fixed seed (--seed) and gzip headers carry no timestamp or file name.
Python standard library only.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterable, Iterator

DOMAINS = ("fortunes", "bible", "foldoc", "jargon", "devil", "python")

FORTUNES_DIR = Path("/usr/share/games/fortunes")
DICTD_DIR = Path("/usr/share/dictd")
PYTHON_STDLIB = Path("/usr/lib/python3.11")
JARGON_PACKAGE = "jargon-text"
BIBLE_PACKAGES = ("bible-kjv", "bible-kjv-text")

# Default subset: at most this many documents per domain (domains with fewer documents are taken whole).
DEFAULT_PER_DOMAIN = 3000
DEFAULT_SEED = 20250417
DEFAULT_BIBLE_GROUP = 5
DEFAULT_PYTHON_MAX_CHARS = 4000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OVERSTRIKE = re.compile(r".\x08")


def clean(text: str) -> str:
    """Normalise a document's text: drop overstrike sequences and control characters, unify newlines,
    strip trailing spaces on each line and blank lines at both ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    while "\x08" in text:
        new = _OVERSTRIKE.sub("", text)
        if new == text:
            text = text.replace("\x08", "")
            break
        text = new
    text = _CONTROL.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n").strip()


def decode(data: bytes) -> str:
    """UTF-8, falling back to Latin-1 for the few legacy files that are not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def dpkg_files(package: str) -> list[Path]:
    """Files installed by a Debian package (dpkg -L), or an empty list if it is not installed."""
    try:
        out = subprocess.run(["dpkg", "-L", package], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return [Path(line) for line in out.splitlines() if line.strip()]


def require(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"build-sample-corpus: {message}")


# ---------------------------------------------------------------------------------------------- fortunes

def fortunes() -> Iterator[dict]:
    require(FORTUNES_DIR.is_dir(), f"{FORTUNES_DIR} not found (apt-get install fortunes fortunes-min)")
    files = sorted(
        p for p in FORTUNES_DIR.iterdir()
        if p.is_file() and not p.is_symlink() and p.suffix not in (".dat", ".u8") and "off" not in p.parts[-2:-1])
    require(files, f"no fortune files in {FORTUNES_DIR}")
    for path in files:
        topic = path.name
        text = decode(path.read_bytes())
        for quote in re.split(r"^%[ \t]*$", text, flags=re.MULTILINE):
            quote = clean(quote)
            if quote:
                yield {"text": quote, "topic": topic}


# ------------------------------------------------------------------------------------------------- bible

def bible(group: int) -> Iterator[dict]:
    files = [p for pkg in BIBLE_PACKAGES for p in dpkg_files(pkg)]
    program = next((p for p in files if p.name == "bible" and p.parent.name == "bin"), None)
    data = next((p for p in files if p.name == "bible.data"), None)
    require(program is not None and data is not None,
            "bible-kjv / bible-kjv-text not installed (apt-get install bible-kjv)")
    # bible.data is the Bible Retrieval System's own compressed format; the package's `bible` program is
    # its reader. -l sets the line width (no wrapping), -p the data directory.
    out = subprocess.run(
        [str(program), "-l100000", "-p", str(data.parent), "gen1:1-rev22:21"],
        check=True, capture_output=True, stdin=subprocess.DEVNULL).stdout
    heading = re.compile(r"^(\S.*?) (\d+)$")
    verse = re.compile(r"^\s+(\d+) (.*)$")
    chapters: list[tuple[str, int, list[tuple[int, str]]]] = []
    for line in decode(out).splitlines():
        if not line.strip():
            continue
        if m := heading.match(line):
            chapters.append((m.group(1), int(m.group(2)), []))
        elif m := verse.match(line):
            require(bool(chapters), f"verse before any chapter heading: {line!r}")
            chapters[-1][2].append((int(m.group(1)), m.group(2).strip()))
        else:
            require(False, f"unexpected line in bible output: {line!r}")
    verses = sum(len(c[2]) for c in chapters)
    require(verses == 31102, f"expected the 31,102 verses of the KJV, read {verses}")
    for book, chapter, vs in chapters:
        for start in range(0, len(vs), group):
            chunk = vs[start:start + group]
            first, last = chunk[0][0], chunk[-1][0]
            ref = f"{book} {chapter}:{first}" + (f"-{last}" if last != first else "")
            yield {"text": " ".join(t for _, t in chunk), "topic": book, "title": ref}


# ------------------------------------------------------------------------------------------------- dictd

_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def dictd_number(text: str) -> int:
    """dictd's .index numbers: big-endian base-64 digits (A=0 ... /=63)."""
    value = 0
    for ch in text:
        value = value * 64 + _B64[ch]
    return value


def dictd(name: str, package: str, indent: str = "") -> Iterator[dict]:
    index = DICTD_DIR / f"{name}.index"
    body = DICTD_DIR / f"{name}.dict.dz"
    require(index.is_file() and body.is_file(), f"{index} / {body} not found (apt-get install {package})")
    # .dict.dz is dictzip: a gzip stream with random-access chunk tables in the header's extra field.
    # Any gzip reader decompresses it whole; offsets/lengths in the index are into the uncompressed text.
    data = gzip.decompress(body.read_bytes())
    seen: dict[tuple[int, int], None] = {}
    entries: list[tuple[int, int, str]] = []
    for number, line in enumerate(index.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("\t")
        require(len(parts) >= 3, f"{index}:{number}: expected headword<TAB>offset<TAB>length")
        headword, offset, length = parts[0], dictd_number(parts[1]), dictd_number(parts[2])
        if headword.startswith("00database") or headword.startswith("00-database"):
            continue  # dictd metadata entries (info, url, short name), not definitions
        require(offset + length <= len(data), f"{index}:{number}: entry beyond the end of {body}")
        key = (offset, length)
        if key in seen:
            continue  # several headwords (spelling variants) pointing at one definition
        seen[key] = None
        entries.append((offset, length, headword))
    entries.sort()  # document order of the dictionary itself
    for offset, length, headword in entries:
        text = decode(data[offset:offset + length])
        if indent:
            # FOLDOC indents every line of a definition body by three spaces under its headword lines.
            text = re.sub(f"^{indent}", "", text, flags=re.MULTILINE)
        text = clean(text)
        if text:
            yield {"text": text, "title": headword}


# ------------------------------------------------------------------------------------------------ jargon

def jargon() -> Iterator[dict]:
    path = next((p for p in dpkg_files(JARGON_PACKAGE) if p.name == "jargon.txt.gz"), None)
    require(path is not None, "jargon-text not installed (apt-get install jargon-text)")
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    start = re.compile(r"^   :(.+?):(.*)$")
    # Lexicon entries end at the next entry, at the per-letter glossary headings ("  A") that precede each
    # letter's entries, or at "Part III. Appendices".
    stop = re.compile(r"^  \S{1,2}$|^\s+Part\s+III\.\s")  # the heading uses no-break spaces
    entry: list[str] | None = None
    title = ""

    def flush() -> Iterator[dict]:
        if entry is not None:
            text = clean(textwrap.dedent("\n".join(entry)))
            if text:
                yield {"text": text, "title": title}

    for line in lines:
        if m := start.match(line):
            yield from flush()
            entry, title = [line], m.group(1)
        elif stop.match(line):
            yield from flush()
            entry = None
            if "Part" in line:
                break
        elif entry is not None:
            entry.append(line)
    yield from flush()


# ------------------------------------------------------------------------------------------------ python

_TOP_LEVEL = re.compile(r"^(def |async def |class |@|if __name__)")


def python_parts(text: str, max_chars: int) -> list[str]:
    """Split a module into consecutive parts of at most max_chars, breaking at top-level def/class/
    decorator lines; a single top-level block longer than max_chars is broken at line boundaries. Nothing
    is dropped: the parts joined by newlines give the module back (up to blank lines at the cuts)."""
    if len(text) <= max_chars:
        return [text]
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if _TOP_LEVEL.match(line) and blocks[-1] and not blocks[-1][-1].startswith("@"):
            blocks.append([])
        blocks[-1].append(line)
    pieces: list[str] = []
    for block in blocks:
        joined = "\n".join(block)
        if len(joined) <= max_chars:
            pieces.append(joined)
            continue
        current: list[str] = []
        size = 0
        for line in block:
            while len(line) > max_chars:  # pathological single line (long data literal)
                pieces.append(line[:max_chars])
                line = line[max_chars:]
            if current and size + 1 + len(line) > max_chars:
                pieces.append("\n".join(current))
                current, size = [], 0
            current.append(line)
            size += len(line) + (1 if size else 0)
        if current:
            pieces.append("\n".join(current))
    parts: list[str] = []
    current_part = ""
    for piece in pieces:
        if current_part and len(current_part) + 1 + len(piece) > max_chars:
            parts.append(current_part)
            current_part = piece
        else:
            current_part = f"{current_part}\n{piece}" if current_part else piece
    if current_part:
        parts.append(current_part)
    return [p for p in (clean(p) for p in parts) if p]


def python(max_chars: int) -> Iterator[dict]:
    require(PYTHON_STDLIB.is_dir(), f"{PYTHON_STDLIB} not found (apt-get install python3.11)")
    files = sorted(
        p for p in PYTHON_STDLIB.rglob("*.py")
        if p.is_file() and not ({"site-packages", "dist-packages", "__pycache__"} & set(p.parts)))
    require(files, f"no .py files under {PYTHON_STDLIB}")
    for path in files:
        rel = path.relative_to(PYTHON_STDLIB)
        module = ".".join(rel.with_suffix("").parts)
        topic = rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else "stdlib"
        text = clean(decode(path.read_bytes()))
        if not text:
            continue  # empty __init__.py files
        parts = python_parts(text, max_chars)
        for number, part in enumerate(parts, 1):
            title = module if len(parts) == 1 else f"{module} (part {number}/{len(parts)})"
            yield {"text": part, "topic": topic, "title": title}


# ---------------------------------------------------------------------------------------------- assembly

def extract(domain: str, args: argparse.Namespace) -> list[dict]:
    if domain == "fortunes":
        raw: Iterable[dict] = fortunes()
    elif domain == "bible":
        raw = bible(args.bible_group)
    elif domain == "foldoc":
        raw = dictd("foldoc", "dict-foldoc", indent="   ")
    elif domain == "jargon":
        raw = jargon()
    elif domain == "devil":
        raw = dictd("devil", "dict-devil")
    elif domain == "python":
        raw = python(args.python_max_chars)
    else:
        raise ValueError(domain)
    docs = []
    for number, doc in enumerate(raw):
        record = {"id": f"{domain}-{number:06d}", "text": doc["text"], "source": domain}
        for key in ("topic", "title"):
            if key in doc:
                record[key] = doc[key]
        docs.append(record)
    return docs


def write_jsonl_gz(path: Path, docs: list[dict]) -> int:
    """Deterministic gzip (no timestamp, no file name in the header); atomic (temp file + rename)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        for doc in docs:
            gz.write(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
            gz.write(b"\n")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, path)
    return len(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", metavar="OUT_DIR", type=Path,
                        help="write every document of every domain to OUT_DIR instead of the committed subset")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "sample-corpus",
                        help="output folder of the subset (default: data/sample-corpus in the repository)")
    parser.add_argument("--per-domain", type=int, default=DEFAULT_PER_DOMAIN,
                        help=f"subset: at most this many documents per domain (default {DEFAULT_PER_DOMAIN})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"subset sampling seed (default {DEFAULT_SEED})")
    parser.add_argument("--bible-group", type=int, default=DEFAULT_BIBLE_GROUP,
                        help=f"verses per bible document (default {DEFAULT_BIBLE_GROUP})")
    parser.add_argument("--python-max-chars", type=int, default=DEFAULT_PYTHON_MAX_CHARS,
                        help=f"split python files longer than this (default {DEFAULT_PYTHON_MAX_CHARS})")
    parser.add_argument("--domains", default=",".join(DOMAINS), help="comma-separated subset of " + ",".join(DOMAINS))
    args = parser.parse_args()

    domains = [d.strip() for d in args.domains.split(",") if d.strip()]
    unknown = sorted(set(domains) - set(DOMAINS))
    require(not unknown, f"unknown domain(s): {', '.join(unknown)}")
    out: Path = args.full if args.full is not None else args.out
    out.mkdir(parents=True, exist_ok=True)

    summary = []
    for domain in domains:
        docs = extract(domain, args)
        available = len(docs)
        if args.full is None and available > args.per_domain:
            rng = random.Random(f"{args.seed}:{domain}")
            keep = sorted(rng.sample(range(available), args.per_domain))
            docs = [docs[i] for i in keep]
        size = write_jsonl_gz(out / f"{domain}.jsonl.gz", docs)
        chars = sum(len(d["text"]) for d in docs)
        summary.append((domain, len(docs), available, chars, size))
        print(f"{domain:9s} {len(docs):6d} of {available:6d} documents  {chars:11,d} chars  {size:10,d} bytes gz",
              file=sys.stderr)
    total = sum(s[4] for s in summary)
    print(f"{'total':9s} {sum(s[1] for s in summary):6d} documents {' ' * 32}{total:10,d} bytes gz", file=sys.stderr)
    if args.full is None and domains == list(DOMAINS):
        write_readme(out / "README.md", summary, args)


PACKAGES = {
    "fortunes": ("fortunes", "fortunes-min"),
    "bible": ("bible-kjv", "bible-kjv-text"),
    "foldoc": ("dict-foldoc",),
    "jargon": ("jargon-text",),
    "devil": ("dict-devil",),
    "python": ("libpython3.11-stdlib",),
}


def package_version(package: str) -> str:
    try:
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package],
                              check=True, capture_output=True, text=True).stdout.strip() or "?"
    except (OSError, subprocess.CalledProcessError):
        return "?"


def write_readme(path: Path, summary: list[tuple[str, int, int, int, int]], args: argparse.Namespace) -> None:
    """The subset's README: what it is, per-domain counts (a test checks them against the files) and the
    exact command that regenerates it."""
    options = []
    if args.per_domain != DEFAULT_PER_DOMAIN:
        options.append(f"--per-domain {args.per_domain}")
    if args.seed != DEFAULT_SEED:
        options.append(f"--seed {args.seed}")
    if args.bible_group != DEFAULT_BIBLE_GROUP:
        options.append(f"--bible-group {args.bible_group}")
    if args.python_max_chars != DEFAULT_PYTHON_MAX_CHARS:
        options.append(f"--python-max-chars {args.python_max_chars}")
    command = " ".join(["python3 scripts/build-sample-corpus.py", *options])
    rows = "\n".join(
        f"| {domain} | {count} | {available} | {chars} | {size} | "
        + ", ".join(f"{p} {package_version(p)}" for p in PACKAGES[domain]) + " |"
        for domain, count, available, chars, size in summary)
    total_docs = sum(s[1] for s in summary)
    total_chars = sum(s[3] for s in summary)
    total_size = sum(s[4] for s in summary)
    text = f"""# Climb sample corpus

A small, real, multi-domain corpus bundled with the repository so that the main command and the tests run
offline right after a clone. Each `<domain>.jsonl.gz` file holds one JSON object per line:

```json
{{"id": "bible-000123", "text": "...", "source": "bible", "topic": "Genesis", "title": "Genesis 25:1-5"}}
```

`id` is stable (`<domain>-<index in the full extraction>`), `source` is the domain, `topic` (fortunes:
the fortune file; bible: the book; python: the top-level package, `stdlib` for top-level modules) and
`title` (a verse range, a headword or a module name) are present where the source has them.

| domain | documents | of (full) | characters (code points) | bytes (gz) | Debian packages |
|---|---:|---:|---:|---:|---|
{rows}
| **total** | **{total_docs}** | | **{total_chars}** | **{total_size}** | |

Domains with more than {args.per_domain} documents are sampled uniformly without replacement (seed
{args.seed}); the others are complete. One document is: a quote (fortunes), a group of up to
{args.bible_group} consecutive verses of one chapter (bible), one definition (foldoc, devil), one lexicon
entry (jargon), one standard-library source file, or a part of at most {args.python_max_chars} characters
of a longer file cut at top-level `def`/`class` statements (python).

## Regenerate

On Debian 12 with the packages above installed
(`sudo apt-get install fortunes fortunes-min bible-kjv dict-foldoc jargon-text dict-devil python3.11`):

```sh
{command}
```

The output is byte-for-byte identical for the same package versions. The full corpus (every document of
every domain, about 41,000 documents, 8 MB compressed) is built with

```sh
python3 scripts/build-sample-corpus.py --full /path/to/full-corpus
```

Licences of the sources: see [LICENSE.md](LICENSE.md).
"""
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
