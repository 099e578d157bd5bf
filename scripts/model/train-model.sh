#!/usr/bin/env bash
# `npm run train:model`: from an empty folder to the shipped weights in models/code-v1.
#   1. fetch-corpus.sh: Debian packages (apt-get download), unpacked, benchmark repos excluded
#   2. mineCorpus.ts:   (doc, code) pairs cut with Loupe's own chunker; writes scripts/model/corpus.txt
#   3. train.py:        the static model, trained with PyTorch (Debian's python3-torch, CPU)
# CORPUS_DIR (default .corpus/) holds the downloads; MINUTES bounds the training time.
# Needs: apt-get (Debian), /usr/bin/python3 with torch and numpy: apt-get install python3-torch
# libopenblas0-pthread (with the reference BLAS Debian installs by default a step takes 10x longer).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${CORPUS_DIR:-$root/.corpus}
python=${PYTHON:-/usr/bin/python3}
"$python" -c 'import torch, numpy' 2>/dev/null || { echo "train:model needs PyTorch: apt-get install -y python3-torch python3-numpy" >&2; exit 1; }
nice -n 10 bash "$root/scripts/model/fetch-corpus.sh" "$corpus"
nice -n 10 node "$root/out/scripts/model/mineCorpus.js" "$corpus"
OPENBLAS_NUM_THREADS=${THREADS:-2} nice -n 10 "$python" "$root/scripts/model/train.py" "$corpus" "$root/models/code-v1" \
  --minutes "${MINUTES:-25}" --fixtures "$root/test/fixtures/models/loupe-code-cases.json"
ls -l "$root/models/code-v1"
