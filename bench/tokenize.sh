#!/usr/bin/env bash
# Tokenizer speed: tokens/s encoding a few MB of mixed text (the shared ticket sets, the
# banking and CLINC utterances, the StackFAQ answers) with the gpt-2 (byte-level BPE),
# llama-spm and phi-3 (SentencePiece-style) vocabularies, single thread, through
# `frontline tokenize` (wall time includes loading the vocabulary).
#
# usage: bash bench/tokenize.sh [path/to/frontline]
set -euo pipefail
source "$(dirname "$0")/common.sh" tokenize "${1:-}"
VOCABS="$DATA/tokenizer-vectors"
cat "$DATA"/it-tickets-kaggle-endava/*.csv "$DATA"/banking77/*.csv "$DATA"/kb-retrieval-stackfaq/*.tsv \
  "$DATA"/clinc150/*.json 2>/dev/null | head -c 4000000 > "$WORK/text.txt" || true  # cat stops early: SIGPIPE
MB=$(/usr/bin/python3 -c "import os; print(os.path.getsize('$WORK/text.txt') / 1e6)")
printf 'text: %.1f MB of tickets, utterances and FAQ answers\n' "$MB"
printf '%-12s %10s %10s %12s %8s\n' vocab tokens seconds "tokens/s" "MB/s"
for v in gpt-2 llama-spm phi-3 llama-bpe qwen2; do
  [ -f "$VOCABS/ggml-vocab-$v.gguf" ] || continue
  start=$(date +%s.%N)
  n=$("$FL" tokenize --model "$VOCABS/ggml-vocab-$v.gguf" --ids --no-bos < "$WORK/text.txt" | wc -w)
  end=$(date +%s.%N)
  /usr/bin/python3 -c "
s = $end - $start
print(f'{\"$v\":<12} {$n:>10} {s:>10.2f} {$n / s:>12,.0f} {$MB / s:>8.2f}')"
done
