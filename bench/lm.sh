#!/usr/bin/env bash
# Local LM speed: `frontline bench-lm` (llama-bench's method: pp = one batch of 128
# prompt tokens, tg = 64 single-token steps, fresh context, mean ± sd over repetitions)
# on a Qwen2.5-0.5B-shaped random-weight model (n_embd 896, 24 layers, 14 heads, 2 KV
# heads, n_ff 4864, the qwen2 vocabulary of 151936, tied embeddings) at F16, Q8_0 and
# Q4_0, beside llama.cpp's figures for the same shape, and generation as a share of the
# memory-bandwidth limit: a STREAM-like triad measured in the same run, divided by the
# bytes one token reads (every weight once, plus the KV cache).
#
# usage: bash bench/lm.sh [path/to/frontline]   (THREADS=2 REPS=3 TYPES="f16 q8_0 q4_0")
set -euo pipefail
source "$(dirname "$0")/common.sh" lm "${1:-}"
THREADS="${THREADS:-2}"; REPS="${REPS:-3}"; TYPES="${TYPES:-f16 q8_0 q4_0}"
VOCAB="${VOCAB:-$DATA/tokenizer-vectors/ggml-vocab-qwen2.gguf}"
TRIAD="$(dirname "$FL")/bench_triad"
[ -f "$VOCAB" ] || { echo "skipping: no qwen2 vocabulary at $VOCAB (set VOCAB=)"; exit 0; }
[ -x "$TRIAD" ] || { echo "error: $TRIAD not found; run make build" >&2; exit 1; }
MODELS="$ROOT/build/bench-models"  # kept between runs: writing the F16 model takes a while
mkdir -p "$MODELS"
for t in $TYPES; do
  m="$MODELS/qwen2.5-0.5b-shape-$t.gguf"
  [ -f "$m" ] || "$FL" model random --arch qwen2 --n-embd 896 --n-layer 24 --n-head 14 --n-head-kv 2 --n-ff 4864 \
    --ctx 32768 --vocab "$VOCAB" --type "$t" --out "$m" 2>/dev/null
done
sync  # a model just written is dirty in the page cache: its pages could not be re-read as 2 MiB ones
"$TRIAD" "$THREADS" 256 10 > "$WORK/triad.json"
for t in $TYPES; do
  "$FL" bench-lm --model "$MODELS/qwen2.5-0.5b-shape-$t.gguf" -p 128 -n 64 -t "$THREADS" -r "$REPS" --json > "$WORK/$t.json"
done
$PY - "$WORK" "$TYPES" <<'PY'
import json, sys
work, types = sys.argv[1], sys.argv[2].split()
triad = json.load(open(f"{work}/triad.json"))
bw = triad["best_gbps"] * 1e9
# llama.cpp on the issue's machine kind (Sapphire Rapids), 2 threads: native (AVX-512 +
# AMX) and its AVX2-only build; (pp128 low, high, tg64 low, high).
native = {"f16": (126, 191, 14, 17), "q8_0": (490, 650, 32, 41), "q4_0": (410, 680, 52, 67)}
avx2 = {"f16": None, "q8_0": (140, 140, 23, 23), "q4_0": (136, 166, 35, 35)}
def rng(r, a, b):
    return "—" if r is None else (f"{r[a]}" if r[a] == r[b] else f"{r[a]}–{r[b]}")
print(f"memory bandwidth (triad, {triad['threads']} threads): {triad['best_gbps']:.1f} GB/s best, {triad['mean_gbps']:.1f} mean")
print(f"{'type':<6} {'MB':>7} {'kernels':>8} {'pp128 tok/s':>16} {'tg64 tok/s':>14} {'tg limit':>9} {'share':>6}   "
      f"{'llama.cpp native pp / tg':>26} {'AVX2 build pp / tg':>20}")
for t in types:
    r = json.load(open(f"{work}/{t}.json"))
    kv = 2 * 24 * 64 * 2 * 64 * 2 / 2  # the KV cache read per token, F16, on average over the 64 steps
    per_token = r["size_bytes"] + kv
    limit = bw / per_token
    share = r["tg_tps"] / limit
    print(f"{t:<6} {r['size_bytes']/1e6:>7.0f} {r['kernels']:>8} {r['pp_tps']:>9.1f} ± {r['pp_sd']:<4.1f} "
          f"{r['tg_tps']:>7.2f} ± {r['tg_sd']:<4.2f} {limit:>9.1f} {share:>6.0%}   "
          f"{rng(native[t],0,1) + ' / ' + rng(native[t],2,3):>26} {rng(avx2[t],0,1) + ' / ' + rng(avx2[t],2,3):>20}")
print(f"({r['threads']} threads, {r['repetitions']} repetitions after a warm-up; tg limit = triad bandwidth / bytes per token)")
PY
