#!/usr/bin/python3
"""Exports the tiny BERT-like test model for OnnxEmbedder (tests/Climb.Tests/Fixtures/tiny-bert).

Needs only Debian's python3-torch and python3-onnx (no transformers): the encoder is a small BERT written in
plain torch (token + position + token-type embeddings, LayerNorm, 2 post-norm transformer layers with GELU),
seeded, so the output is reproducible. It writes:

    vocab.txt                     a small WordPiece vocabulary ([PAD] [UNK] [CLS] [SEP] [MASK], words, ##pieces)
    model.onnx                    inputs input_ids, attention_mask, token_type_ids -> last_hidden_state
    model-no-token-types.onnx     inputs input_ids, attention_mask -> last_hidden_state (input detection test)
    expected.json                 for each test sentence: token ids (BERT uncased tokenization, truncated to
                                  max_tokens) and torch's own mean- and CLS-pooled vectors, computed one
                                  sentence at a time without padding

Run: /usr/bin/python3 scripts/export-tiny-bert.py
"""
import json
import os
import unicodedata

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "Climb.Tests", "Fixtures", "tiny-bert")
HIDDEN, HEADS, LAYERS, FFN, MAX_POSITIONS = 32, 4, 2, 64, 64
MAX_TOKENS = 24

WORDS = """the a an of to and in is it that for on with as was by be this are or from at not
quick brown fox jump over lazy dog hello world data mix model climb embed token text cluster weight
cafe naive resume sentence vector python code bible verse cat sat mat run walk talk play""".split()
PIECES = "s ed ing er ly ture ding ness ment able ize tion al ar ers".split()


def build_vocab():
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    vocab += list("abcdefghijklmnopqrstuvwxyz0123456789")
    vocab += ["##" + c for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
    vocab += WORDS
    vocab += ["##" + p for p in PIECES]
    seen = set()
    return [t for t in vocab if not (t in seen or seen.add(t))]


# --- BERT uncased tokenization (as in Hugging Face's BasicTokenizer + WordpieceTokenizer) -----------------------
def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def basic_tokenize(text):
    text = "".join(" " if _is_whitespace(c) else c for c in text if not (ord(c) == 0 or ord(c) == 0xFFFD or _is_control(c)))
    out = []
    for word in text.split():
        word = word.lower()
        word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        current = ""
        for c in word:
            if _is_punctuation(c):
                if current:
                    out.append(current)
                out.append(c)
                current = ""
            else:
                current += c
        if current:
            out.append(current)
    return out


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


def encode(text, index, max_tokens):
    ids = [i for w in basic_tokenize(text) for i in wordpiece(w, index)]
    return [index["[CLS]"]] + ids[: max_tokens - 2] + [index["[SEP]"]]


# --- the model ----------------------------------------------------------------------------------------------------
class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(HIDDEN, 3 * HIDDEN)
        self.out = nn.Linear(HIDDEN, HIDDEN)
        self.norm1 = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.ff1 = nn.Linear(HIDDEN, FFN)
        self.ff2 = nn.Linear(FFN, HIDDEN)
        self.norm2 = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, x, mask_bias):
        b, t, _ = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, HEADS, HIDDEN // HEADS).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / (HIDDEN // HEADS) ** 0.5 + mask_bias
        attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, HIDDEN)
        x = self.norm1(x + self.out(attended))
        return self.norm2(x + self.ff2(nn.functional.gelu(self.ff1(x))))


class TinyBert(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.words = nn.Embedding(vocab_size, HIDDEN)
        self.positions = nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.types = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))

    def forward(self, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.norm(self.words(input_ids) + self.positions(positions) + self.types(token_type_ids))
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x


class NoTokenTypes(nn.Module):
    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask):
        return self.bert(input_ids, attention_mask, torch.zeros_like(input_ids))


SENTENCES = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "Embedding mixtures: CLIMB clusters the data, then weights it.",
    "Café naïve résumé",
    "The cat sat on the mat \u2603 and talked",
    "a",
    "Walking, talking and playing: the models embed tokens as vectors, sentence by sentence, verse by verse; "
    "python code and bible text are clustered, weighted and mixed over and over.",
]


def main():
    torch.manual_seed(20250417)
    os.makedirs(OUT, exist_ok=True)
    vocab = build_vocab()
    index = {t: i for i, t in enumerate(vocab)}
    with open(os.path.join(OUT, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(vocab) + "\n")

    model = TinyBert(len(vocab)).eval()
    with torch.no_grad():
        for p in model.parameters():  # larger weights than the default init, so outputs differ clearly per token
            p.add_(torch.randn_like(p) * 0.2)

    ids = torch.tensor([encode(SENTENCES[1], index, MAX_TOKENS)])
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
            "token_type_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"}}
    torch.onnx.export(model, (ids, mask, types), os.path.join(OUT, "model.onnx"), opset_version=14,
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
                      dynamic_axes=axes)
    del axes["token_type_ids"]
    torch.onnx.export(NoTokenTypes(model), (ids, mask), os.path.join(OUT, "model-no-token-types.onnx"), opset_version=14,
                      input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"], dynamic_axes=axes)

    cases = []
    with torch.no_grad():
        for text in SENTENCES:
            token_ids = encode(text, index, MAX_TOKENS)
            t = torch.tensor([token_ids])
            hidden = model(t, torch.ones_like(t), torch.zeros_like(t))[0]
            cases.append({
                "text": text,
                "inputIds": token_ids,
                "mean": [round(float(v), 7) for v in hidden.mean(0)],
                "cls": [round(float(v), 7) for v in hidden[0]],
            })
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"maxTokens": MAX_TOKENS, "hidden": HIDDEN, "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{OUT}: vocab {len(vocab)}, {len(cases)} cases")


if __name__ == "__main__":
    main()
