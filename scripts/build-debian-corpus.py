#!/usr/bin/env python3
"""Build a large corpus (over a million documents) from the Debian-packaged text on this machine, for scale runs.

The bundled sample corpus (scripts/build-sample-corpus.py) holds every document its six packages have, about forty
thousand; a million-document run needs more text than they hold. This script reads the text that every Debian 12
development machine of this project has installed and cuts it into documents of about a paragraph:

    source     where                                              cut
    fortunes   /usr/share/games/fortunes (all languages)          one document per quote (%-separated)
    docs       /usr/share/doc: README, changelog, copyright,      paragraphs (blank-line separated), merged until a
               NEWS, .txt/.md/.rst and their .gz                  document holds at least --min-chars
    man        /usr/share/man/man*/*.gz (groff source)            the text of each section (.SH/.SS/.PP), requests
                                                                  and font escapes removed, merged as above
    c-headers  /usr/include/**/*.h                                blank-line separated blocks, merged as above
    pascal     /usr/share/fpcsrc/**/*.pp, *.pas, *.inc            blank-line separated blocks, merged as above
    python     /usr/lib/python3/dist-packages, /usr/lib/python3.11 blank-line separated blocks, merged as above
    perl       /usr/share/perl*, /usr/lib/x86_64-linux-gnu/perl*   (.pm, .pl, .pod) blank-line separated blocks, as above
    cmake      /usr/share/cmake-3.25 (.cmake, .rst, .txt)          blank-line separated blocks, merged as above

A document is cut at the first paragraph boundary after --min-chars (default 300) and never runs past --max-chars
(default 2,000: a longer paragraph is cut at a line break). Documents under 20 characters are dropped, and so are
exact repeats of a text already written (package changelogs and licences repeat a lot).

Every document is a JSON object on its own line, one gzip file per source in OUT_DIR:

    {"id": "docs-0001234", "text": "...", "source": "docs", "title": "/usr/share/doc/bash/README"}

Inputs are read in sorted path order, so the output is deterministic for a given set of installed packages
(gzip headers carry no time). Stops once --documents documents are written (default: all of them), taking sources in
turn file by file so each source keeps its share, or once a source holds --per-source documents. Exact repeats are
dropped within a process (so across sources only when they are built by the same process). Python standard library
only.

Usage:  python3 scripts/build-debian-corpus.py OUT_DIR [--documents N] [--per-source N] [--sources a,b]
                                                    [--min-chars 300] [--max-chars 2000]

The 1M-document run of docs/performance.md (one process per source, in parallel):

    for s in fortunes docs man c-headers pascal python perl cmake; do
      python3 scripts/build-debian-corpus.py /tmp/corpus1m --sources $s --per-source 280000 & done; wait
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Iterator

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OVERSTRIKE = re.compile(r".\x08")
_GROFF_FONT = re.compile(r"\\f(\[[^]]*\]|\(..|.)")
_GROFF_ESCAPE = re.compile(r"\\(\(..|\[[^]]*\]|s[-+]?\d+|[-e&|^%:\"' 0c~{}\\])")
_DOC_NAMES = re.compile(r"^(readme|changelog|news|copyright|authors|todo|thanks|faq|history|changes|usage)([.-].*)?$", re.I)
_DOC_SUFFIXES = (".txt", ".md", ".rst", ".text")


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _OVERSTRIKE.sub("", text).replace("\x08", "")
    text = _CONTROL.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def read(path: Path) -> str | None:
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile, ValueError):
        return None
    if b"\x00" in data[:4096]:
        return None  # binary
    return decode(data)


def paragraphs(text: str) -> Iterator[str]:
    for block in re.split(r"\n[ \t]*\n", clean(text)):
        block = block.strip("\n")
        if block.strip():
            yield block


def documents(blocks: Iterator[str], min_chars: int, max_chars: int) -> Iterator[str]:
    """Merges paragraphs until a document holds min_chars; cuts an over-long paragraph at line breaks."""
    current: list[str] = []
    size = 0
    for block in blocks:
        while len(block) > max_chars:
            cut = block.rfind("\n", 0, max_chars)
            cut = cut if cut > max_chars // 4 else max_chars
            if current:
                yield "\n\n".join(current)
                current, size = [], 0
            yield block[:cut]
            block = block[cut:].lstrip("\n")
        if size and size + len(block) > max_chars:
            yield "\n\n".join(current)
            current, size = [], 0
        current.append(block)
        size += len(block) + 2
        if size >= min_chars:
            yield "\n\n".join(current)
            current, size = [], 0
    if current:
        yield "\n\n".join(current)


def files(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p.name.endswith(suffixes))


def fortunes(min_chars: int, max_chars: int) -> Iterator[tuple[str, list[str]]]:
    root = Path("/usr/share/games/fortunes")
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p.suffix not in (".dat", ".u8")):
        text = read(path)
        if text is not None:
            yield str(path), [clean(q) for q in re.split(r"^%[ \t]*$", text, flags=re.MULTILINE) if clean(q)]


def debian_docs(min_chars: int, max_chars: int) -> Iterator[tuple[str, list[str]]]:
    root = Path("/usr/share/doc")
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        name = path.name[:-3] if path.name.endswith(".gz") else path.name
        if not (_DOC_NAMES.match(name) or name.lower().endswith(_DOC_SUFFIXES)) or name.endswith((".html", ".htm")):
            continue
        text = read(path)
        if text is not None:
            yield str(path), list(documents(paragraphs(text), min_chars, max_chars))


def man_text(source: str) -> Iterator[str]:
    """The running text of a groff man page, one block per section or paragraph."""
    block: list[str] = []
    for line in source.split("\n"):
        if line.startswith((".", "'")):
            request = line[1:].split(None, 1)
            name = request[0] if request else ""
            if name in ("SH", "SS", "PP", "P", "LP", "TP", "IP", "HP", "sp", "br") and block:
                yield "\n".join(block)
                block = []
            if name in ("SH", "SS", "B", "I", "BR", "IR", "RB", "RI", "BI", "IB") and len(request) > 1:
                line = request[1].replace('"', "")
            else:
                continue
        line = _GROFF_ESCAPE.sub(lambda m: "-" if m.group(1) == "-" else "", _GROFF_FONT.sub("", line))
        if line.strip():
            block.append(line)
    if block:
        yield "\n".join(block)


def man_pages(min_chars: int, max_chars: int) -> Iterator[tuple[str, list[str]]]:
    root = Path("/usr/share/man")
    for path in sorted(p for p in root.glob("man*/*.gz") if p.is_file() and not p.is_symlink()):
        text = read(path)
        if text is not None:
            yield str(path), list(documents((b for b in man_text(clean(text)) if b.strip()), min_chars, max_chars))


def source_files(roots: list[str], suffixes: tuple[str, ...]):
    def generate(min_chars: int, max_chars: int) -> Iterator[tuple[str, list[str]]]:
        for root in roots:
            for path in files(Path(root), suffixes):
                text = read(path)
                if text is not None:
                    yield str(path), list(documents(paragraphs(text), min_chars, max_chars))
    return generate


SOURCES = {
    "fortunes": fortunes,
    "docs": debian_docs,
    "man": man_pages,
    "c-headers": source_files(["/usr/include"], (".h",)),
    "pascal": source_files(["/usr/share/fpcsrc"], (".pp", ".pas", ".inc")),
    "python": source_files(["/usr/lib/python3/dist-packages", "/usr/lib/python3.11"], (".py",)),
    "perl": source_files(["/usr/share/perl", "/usr/share/perl5", "/usr/lib/x86_64-linux-gnu/perl", "/usr/lib/x86_64-linux-gnu/perl-base", "/usr/lib/x86_64-linux-gnu/perl5"], (".pm", ".pl", ".pod")),
    "cmake": source_files(["/usr/share/cmake-3.25"], (".cmake", ".rst", ".txt")),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=0, help="stop after this many documents (0: all)")
    parser.add_argument("--min-chars", type=int, default=300)
    parser.add_argument("--max-chars", type=int, default=2000)
    parser.add_argument("--sources", default=",".join(SOURCES), help="comma-separated sources to build (one process per source runs them in parallel)")
    parser.add_argument("--per-source", type=int, default=0, help="at most this many documents per source (0: no limit)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    names = [n.strip() for n in args.sources.split(",") if n.strip()]
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        parser.error(f"--sources: unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")

    generators = {name: SOURCES[name](args.min_chars, args.max_chars) for name in names}
    writers = {name: gzip.GzipFile(filename="", mode="wb", fileobj=open(args.out / f"{name}.jsonl.gz", "wb"), mtime=0) for name in names}
    counts = {name: 0 for name in names}
    seen: set[bytes] = set()
    total = 0
    active = list(names)
    # Sources in turn, one input file each, so a --documents limit keeps every source's share.
    while active and (args.documents == 0 or total < args.documents):
        for name in list(active):
            item = next(generators[name], None)
            if item is None:
                active.remove(name)
                continue
            title, texts = item
            if args.per_source and counts[name] >= args.per_source:
                active.remove(name)
                continue
            for text in texts:
                if args.per_source and counts[name] >= args.per_source:
                    break
                if len(text) < 20:
                    continue
                digest = hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()
                if digest in seen:
                    continue
                seen.add(digest)
                record = {"id": f"{name}-{counts[name]:07d}", "text": text, "source": name, "title": title}
                writers[name].write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
                counts[name] += 1
                total += 1
                if args.documents and total >= args.documents:
                    break
            if args.documents and total >= args.documents:
                break
    for w in writers.values():
        fileobj = w.fileobj
        w.close()
        fileobj.close()
    for name, n in counts.items():
        print(f"{name:10} {n:>9,}")
    print(f"{'total':10} {total:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
