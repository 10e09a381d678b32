#!/usr/bin/env python3
"""PyTorch peer of Climb's TorchSharp proxy transformer (same architecture, optimiser and step).

Decoder-only transformer: token embedding tied with the output layer, learned positions, pre-norm blocks of
causal multi-head attention and a GELU MLP (ratio 4), final LayerNorm. AdamW (weight decay on matrices only),
global gradient clipping at 1.0. Debian's python3-torch 1.13 has no scaled_dot_product_attention, so the
attention is written out (QK^T/sqrt(d), causal mask, softmax, V): the same maths, unfused.

Usage: torch_proxy.py --layers 3 --dim 96 --heads 4 --ctx 128 --batch 16 --vocab 257 --threads 2 --steps 30
Prints one JSON object: parameters, tokens_per_second, seconds, peak_rss_mb, final_loss.
"""
import argparse
import json
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads, mlp_ratio):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.attn_c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = nn.Linear(d, mlp_ratio * d)
        self.mlp_c_proj = nn.Linear(mlp_ratio * d, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        hd = d // self.heads
        qkv = self.c_attn(self.ln_1(x)).view(b, t, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
        att = att.masked_fill(mask[:t, :t], float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, d)
        x = x + self.attn_c_proj(y)
        return x + self.mlp_c_proj(F.gelu(self.c_fc(self.ln_2(x))))


class ProxyTransformer(nn.Module):
    def __init__(self, vocab, layers, d, heads, ctx, mlp_ratio=4):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(ctx, d)
        self.blocks = nn.ModuleList([Block(d, heads, mlp_ratio) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.register_buffer("mask", torch.triu(torch.ones(ctx, ctx, dtype=torch.bool), 1), persistent=False)
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif "ln" in name:
                nn.init.ones_(p)
            elif name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0, 0.02 / math.sqrt(2 * layers))
            else:
                nn.init.normal_(p, 0, 0.02)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(t, device=idx.device))
        for blk in self.blocks:
            x = blk(x, self.mask)
        return F.linear(self.ln_f(x), self.wte.weight)


def peak_rss_mb():
    # VmHWM belongs to this process image; ru_maxrss would also count the parent that exec'd us (Linux keeps it across exec).
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--dim", type=int, default=96)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ctx", type=int, default=128)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--vocab", type=int, default=257)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = ProxyTransformer(a.vocab, a.layers, a.dim, a.heads, a.ctx)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "wpe" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "wpe" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=3e-3, betas=(0.9, 0.95), eps=1e-8)
    params = sum(p.numel() for p in model.parameters())
    gen = torch.Generator().manual_seed(a.seed)
    # Zipf-like synthetic tokens: the cost of a step does not depend on the data.
    batches = [torch.randint(0, a.vocab, (a.batch, a.ctx + 1), generator=gen) for _ in range(8)]
    loss_value = float("nan")
    start = None
    for step in range(a.warmup + a.steps):
        if step == a.warmup:
            start = time.perf_counter()
            cpu0 = time.process_time()
        batch = batches[step % len(batches)]
        x, y = batch[:, :-1], batch[:, 1:]
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, a.vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss_value = loss.item()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu0
    tokens = a.steps * a.batch * a.ctx
    print(json.dumps({
        "framework": "pytorch " + torch.__version__,
        "parameters": params,
        "tokens_per_second": tokens / seconds,
        "seconds": seconds,
        "tokens_per_cpu_second": a.steps * a.batch * a.ctx / cpu_seconds,
        "peak_rss_mb": peak_rss_mb(),
        "final_loss": loss_value,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
