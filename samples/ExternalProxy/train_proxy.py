#!/usr/bin/env python3
"""A small GPT proxy for Climb's external command proxy trainer (docs/external-proxies.md).

Climb runs this once per proxy, for example:

    climb run --proxy Command --proxy-command \
      "python3 samples/ExternalProxy/train_proxy.py --mixture {mixture} --data {data} --output {output} --seed {seed}"

It reads the mixture file (weights by super-cluster name) and the data folder (data.json and each super-cluster's
JSON-lines shards), trains a byte-level GPT briefly on the CPU on sequences drawn from the mixture, measures its loss
on the evaluation targets' texts (and its accuracy on multiple-choice targets), and writes the result file:

    {"objective": 2.91, "goal": "minimize", "metrics": {"target:computing/loss": 2.91}, "tokens_trained": 204800, "device": "cpu"}

Sampling: each training sequence comes from super-cluster i with probability weight_i (the mixture is a share of
training tokens), from a document of it with probability proportional to its token count (every token of the
super-cluster is equally likely), at a random offset. The seed fixes the initialisation and the data order, so the
same seed gives the same result. Needs PyTorch (Debian 12: apt-get install python3-torch).
"""

import argparse
import bisect
import json
import math
import os
import random
import sys
import time

EOT = 256  # the byte vocabulary's end-of-text token


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mixture", required=True, help="the mixture file Climb wrote ({mixture})")
    p.add_argument("--data", required=True, help="the data folder ({data})")
    p.add_argument("--output", required=True, help="the result file to write ({output})")
    p.add_argument("--seed", type=int, required=True, help="the seed ({seed})")
    p.add_argument("--steps", type=int, default=200, help="optimiser steps (default 200)")
    p.add_argument("--batch", type=int, default=16, help="sequences per step (default 16)")
    p.add_argument("--context", type=int, default=128, help="bytes per sequence (default 128)")
    p.add_argument("--layers", type=int, default=2, help="transformer blocks (default 2)")
    p.add_argument("--dim", type=int, default=64, help="model width (default 64)")
    p.add_argument("--heads", type=int, default=4, help="attention heads (default 4)")
    p.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (default 3e-3)")
    p.add_argument("--eval-bytes", type=int, default=32768, help="bytes of each text target scored (default 32768)")
    p.add_argument("--eval-items", type=int, default=200, help="items of each multiple-choice target scored (default 200)")
    p.add_argument("--threads", type=int, default=1, help="CPU threads (default 1: Climb may run several proxies at once)")
    return p.parse_args(argv)


def fail(message):
    print(f"train_proxy.py: {message}", file=sys.stderr)
    sys.exit(2)


def read_jsonl(path):
    with open(path, "r", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    fail(f"{path} line {n}: {e}")


class ClusterSampler:
    """The documents of one super-cluster as UTF-8 bytes, drawn with probability proportional to their token counts."""

    def __init__(self, data, entry):
        self.docs = []
        self.cumulative = []
        total = 0
        for shard in entry["files"]:
            path = os.path.join(data, shard["path"])
            if not path.endswith(".jsonl"):
                fail(f"{path}: this sample reads JSON-lines shards only (CommandProxyTrainerOptions.DataFormat = Jsonl)")
            for doc in read_jsonl(path):
                total += max(1, int(doc["tokens"]))
                self.docs.append(doc["text"].encode("utf-8") + bytes([0]))  # the 0 byte stands for the end of text
                self.cumulative.append(total)
        if not self.docs:
            fail(f"super-cluster {entry['name']!r} has no documents")

    def draw(self, rng):
        return self.docs[bisect.bisect_right(self.cumulative, rng.randrange(self.cumulative[-1]))]


def to_ids(chunk):
    return [EOT if b == 0 else b for b in chunk]


def sequence(samplers, weights, rng, length):
    """length + 1 ids from one super-cluster (chosen by the mixture), documents appended until long enough."""
    cluster = rng.choices(range(len(samplers)), weights=weights)[0]
    buf = b""
    while len(buf) < length + 1:
        doc = samplers[cluster].draw(rng)
        start = rng.randrange(len(doc)) if not buf else 0
        buf += doc[start:]
    return to_ids(buf[: length + 1])


def build_model(torch, args):
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(args.dim)
            self.qkv = nn.Linear(args.dim, 3 * args.dim)
            self.proj = nn.Linear(args.dim, args.dim)
            self.ln2 = nn.LayerNorm(args.dim)
            self.mlp = nn.Sequential(nn.Linear(args.dim, 4 * args.dim), nn.GELU(), nn.Linear(4 * args.dim, args.dim))

        def forward(self, x, mask):
            b, t, d = x.shape
            h = args.heads
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
            q, k, v = (z.view(b, t, h, d // h).transpose(1, 2) for z in (q, k, v))
            att = (q @ k.transpose(-2, -1)) / math.sqrt(d // h)
            att = att.masked_fill(mask[:t, :t], float("-inf")).softmax(dim=-1)
            y = (att @ v).transpose(1, 2).reshape(b, t, d)
            x = x + self.proj(y)
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(EOT + 1, args.dim)
            self.pos = nn.Embedding(args.context, args.dim)
            self.blocks = nn.ModuleList(Block() for _ in range(args.layers))
            self.ln = nn.LayerNorm(args.dim)
            self.register_buffer("mask", torch.triu(torch.ones(args.context, args.context, dtype=torch.bool), diagonal=1))
            for module in self.modules():  # GPT-2's initialisation: small weights, so the first loss is near ln(257)
                if isinstance(module, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if isinstance(module, nn.Linear) and module.bias is not None:
                    nn.init.zeros_(module.bias)

        def forward(self, ids):
            t = ids.shape[1]
            x = self.tok(ids) + self.pos(torch.arange(t))
            for block in self.blocks:
                x = block(x, self.mask)
            return self.ln(x) @ self.tok.weight.T  # tied output layer

    return GPT()


def text_loss(torch, model, texts, args):
    """Mean loss (nats per byte) of the texts, in windows of the context length."""
    ids = []
    for text in texts:
        ids += to_ids(text.encode("utf-8") + bytes([0]))
        if len(ids) > args.eval_bytes:
            break
    ids = ids[: args.eval_bytes + 1]
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(ids) - 1, args.context):
            window = ids[start : start + args.context + 1]
            if len(window) < 2:
                break
            x = torch.tensor([window[:-1]])
            y = torch.tensor([window[1:]])
            total += torch.nn.functional.cross_entropy(model(x)[0], y[0], reduction="sum").item()
            count += len(window) - 1
    return total / max(1, count)


def choice_losses(torch, model, item, args):
    """Per-byte loss of each choice given the context (the last context bytes)."""
    context = to_ids(item["context"].encode("utf-8"))
    losses = []
    with torch.no_grad():
        for choice in item["choices"]:
            cont = to_ids((" " + choice).encode("utf-8"))
            ids = (context + cont)[-(args.context + 1):]
            n = min(len(cont), len(ids) - 1)
            x = torch.tensor([ids[:-1]])
            y = torch.tensor(ids[1:])
            logits = model(x)[0]
            losses.append(torch.nn.functional.cross_entropy(logits[-n:], y[-n:], reduction="mean").item())
    return losses


def main(argv):
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        fail("PyTorch is not installed (Debian 12: apt-get install python3-torch)")
    started = time.time()
    random.seed(args.seed)
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    with open(args.mixture, encoding="utf-8") as f:
        mixture = json.load(f)
    with open(os.path.join(args.data, "data.json"), encoding="utf-8") as f:
        index = json.load(f)
    if index.get("kind") != "climb-proxy-data" or index.get("version") != 1:
        fail(f"{args.data}/data.json is not a Climb proxy data folder of version 1")
    clusters = index["super_clusters"]
    weights_by_name = mixture["weights"]
    unknown = [n for n in weights_by_name if n not in {c["name"] for c in clusters}]
    if unknown:
        fail(f"the mixture names super-clusters the data folder does not have: {unknown!r}")
    weights = [float(weights_by_name.get(c["name"], 0.0)) for c in clusters]
    if not math.isclose(sum(weights), 1.0, abs_tol=1e-6) or min(weights) < 0:
        fail(f"the mixture's weights must be non-negative and sum to 1, not {sum(weights)}")

    # Only the super-clusters the mixture draws from are read.
    used = [i for i, w in enumerate(weights) if w > 0]
    samplers = [ClusterSampler(args.data, clusters[i]) for i in used]
    used_weights = [weights[i] for i in used]

    model = build_model(torch, args)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.1)
    warmup = max(1, args.steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / args.steps))))
    model.train()
    for step in range(args.steps):
        batch = torch.tensor([sequence(samplers, used_weights, rng, args.context) for _ in range(args.batch)])
        logits = model(batch[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, EOT + 1), batch[:, 1:].reshape(-1))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        if step % 50 == 0 or step == args.steps - 1:
            print(f"step {step + 1}/{args.steps} loss {loss.item():.4f}", flush=True)

    model.eval()
    metrics = {}
    text_terms, mc_loss_terms, mc_acc_terms = [], [], []
    for target in index["targets"]:
        rows = list(read_jsonl(os.path.join(args.data, target["path"])))
        name, weight = target["name"], float(target["weight"])
        if target["kind"] == "text":
            loss = text_loss(torch, model, [r["text"] for r in rows], args)
            metrics[f"target:{name}/loss"] = loss
            text_terms.append((weight, loss))
        elif target["kind"] == "multiple-choice":
            items = rows[: args.eval_items]
            correct, gold = 0, 0.0
            for item in items:
                losses = choice_losses(torch, model, item, args)
                correct += int(min(range(len(losses)), key=losses.__getitem__) == item["label"])
                gold += losses[item["label"]]
            metrics[f"mc:{name}/acc_norm"] = correct / max(1, len(items))
            metrics[f"mc:{name}/gold_loss"] = gold / max(1, len(items))
            mc_acc_terms.append((weight, correct / max(1, len(items))))
            mc_loss_terms.append((weight, gold / max(1, len(items))))
        else:
            fail(f"target {name!r} has an unknown kind {target['kind']!r}")

    def weighted(terms):
        total = sum(w for w, _ in terms)
        return sum(w * v for w, v in terms) / total if total > 0 else sum(v for _, v in terms) / max(1, len(terms))

    # As Climb's built-in proxies (ProxyObjectiveKind.Auto): accuracy when every target is multiple choice, else loss.
    if text_terms:
        objective, goal = weighted(text_terms + mc_loss_terms), "minimize"
    else:
        objective, goal = weighted(mc_acc_terms), "maximize"
    if not math.isfinite(objective):
        fail(f"the objective is not finite ({objective})")

    result = {
        "objective": objective,
        "goal": goal,
        "metrics": metrics,
        "tokens_trained": args.steps * args.batch * args.context,
        "device": "cpu",
        "seconds": round(time.time() - started, 3),
    }
    temp = args.output + ".tmp"
    with open(temp, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    os.replace(temp, args.output)
    print(f"objective {objective:.5f} ({goal}) in {time.time() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
