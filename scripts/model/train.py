"""Step 3 of `npm run train:model`: trains Loupe's static code-embedding model on the mined
(doc, code) pairs and writes the shipped files.

model: codetok tokens -> embedding table (V x D) -> sum -> L2 normalise (the rows' lengths act
as learned token weights). Trained with a symmetric InfoNCE loss, in-batch negatives: each
description must pick its code among the batch's codes, and each code its description.

usage: train.py <corpus dir> <output model dir> [--minutes M] [--dim D]
writes <out>/model.json, vocab.txt, embeddings.i8, scales.f32 and the tokenizer / vector
fixture test/fixtures/models/loupe-code-cases.json.
"""
import argparse
import collections
import hashlib
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import codetok  # noqa: E402

FORMAT = 'loupe-static-embedding'
VERSION = 1


def log(*a):
    print('[train]', *a, flush=True)


def load_pairs(path):
    pairs = []
    with open(path, encoding='utf8') as f:
        for line in f:
            p = json.loads(line)
            pairs.append((p['d'], p['c'], p['lang']))
    return pairs


def held_out(doc):
    return int(hashlib.sha1(doc.encode('utf8')).hexdigest()[:4], 16) % 50 == 0  # 2%


def build_vocab(texts, max_words, max_wholes, max_pieces):
    part_count = collections.Counter()
    whole_count = collections.Counter()
    for t in texts:
        for ident, ps in codetok.words(t):
            part_count.update(ps)
            if len(ps) > 1:
                whole_count[ident] += 1
    ranked = sorted(part_count.items(), key=lambda kv: (-kv[1], kv[0]))
    words = [w for w, c in ranked if c >= 5][:max_words]
    chosen = set(words)
    wholes = [w for w, c in sorted(whole_count.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 10 and w not in chosen][:max_wholes]
    chosen.update(wholes)
    # continuation pieces for the parts left out, from the substrings they are made of
    grams = collections.Counter()
    for w, c in ranked:
        if w in chosen or c < 2:
            continue
        for i in range(1, len(w)):
            for n in range(2, 6):
                if i + n <= len(w):
                    grams[w[i:i + n]] += c
    pieces = ['##' + g for g, _ in sorted(grams.items(), key=lambda kv: (-kv[1], kv[0]))[:max_pieces]]
    chars = [chr(c) for c in range(ord('a'), ord('z') + 1)] + [str(d) for d in range(10)]
    vocab = [c for c in chars if c not in chosen] + words + wholes
    seen = set(vocab)
    vocab += [p for p in pieces if p not in seen] + ['##' + c for c in chars]
    return vocab


def encode_all(tok, texts):
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    ids = []
    for i, t in enumerate(texts):
        e = tok.encode(t)
        if not e:
            e = [0]  # an input with no tokens still needs a bag; 'a' is harmless
        ids.extend(e)
        offsets[i + 1] = len(ids)
    return np.asarray(ids, dtype=np.int64), offsets


class Bags:
    """Token ids of many texts, flat, with offsets: what EmbeddingBag eats."""

    def __init__(self, ids, offsets):
        self.ids = ids
        self.offsets = offsets

    def batch(self, rows):
        starts = self.offsets[rows]
        ends = self.offsets[rows + 1]
        parts = [self.ids[s:e] for s, e in zip(starts, ends)]
        lens = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        bag = np.repeat(np.arange(len(parts)), lens)
        return torch.from_numpy(np.concatenate(parts)), torch.from_numpy(bag)


class StaticModel(torch.nn.Module):
    def __init__(self, vocab_size, dim, init):
        super().__init__()
        # a plain table and index_add: Debian's torch 1.13 runs EmbeddingBag's backward slowly
        self.weight = torch.nn.Parameter(init.clone())
        self.log_scale = torch.nn.Parameter(torch.tensor(math.log(20.0)))

    def forward(self, ids, bag):
        n = int(bag[-1]) + 1 if len(bag) else 0
        pooled = torch.zeros(n, self.weight.shape[1]).index_add(0, bag, self.weight[ids])
        return torch.nn.functional.normalize(pooled, dim=-1)


def evaluate(embed_docs, embed_codes, pool=1000):
    """Recall@1 and MRR of each held-out description against `pool` held-out codes."""
    n = min(pool, embed_docs.shape[0])
    d, c = embed_docs[:n], embed_codes[:n]
    sims = d @ c.T
    ranks = (sims > sims.diag().unsqueeze(1)).sum(1)
    return float((ranks == 0).float().mean()), float((1.0 / (ranks.float() + 1)).mean())


def quantize(weight):
    w = weight.astype(np.float32)
    scale = np.abs(w).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def embed_quantized(tok, q, scale, text):
    v = np.zeros(q.shape[1], dtype=np.float64)
    for i in tok.encode(text):
        v += q[i].astype(np.float64) * float(scale[i])
    n = np.linalg.norm(v)
    return (v / n if n > 0 else v).tolist()


FIXTURE_TEXTS = [
    'parseHTTPResponse2 getUserName XMLHttpRequest snake_case_name __init__ MAX_BUFFER_SIZE',
    'src/server/embed/pool.ts: EmbedPool.start\nstatic async start(options: EmbedPoolOptions): Promise<EmbedPool> {',
    'def read_config_file(path: str) -> dict:\n    with open(path) as f:\n        return json.load(f)',
    'func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }',
    'impl<T: Clone> Iterator for RingBuffer<T> { fn next(&mut self) -> Option<T> { self.pop_front() } }',
    'public final class ConcurrentHashMap<K,V> extends AbstractMap<K,V> implements ConcurrentMap<K,V>',
    'static int uv__io_poll(uv_loop_t* loop, int timeout) { return epoll_wait(loop->backend_fd, events, 1024, timeout); }',
    'template <typename T> std::unique_ptr<T> make_unique_ptr(std::size_t n) noexcept;',
    'public async Task<IActionResult> GetOrdersAsync(CancellationToken cancellationToken) => Ok(await _db.Orders.ToListAsync());',
    'def each_with_object(memo, &block)\n  each { |x| block.call(x, memo) }\nend',
    'public function handleRequest(Request $request): ResponseInterface { return $this->kernel->handle($request); }',
    'const useDebouncedCallback = <T extends (...args: unknown[]) => void>(fn: T, ms = 300) => { /* tsx */ };',
    'how to retry a failed network request with exponential backoff',
    'zzqxj qwxzv 0x7fffffff 1234567890 deadbeefcafebabe0123456789abcdef0123 naïve café',
    '',
]


def write_fixtures(tok, q, scale, path):
    cases = [{'text': t, 'ids': tok.encode(t), 'vector': embed_quantized(tok, q, scale, t)} for t in FIXTURE_TEXTS]
    with open(path, 'w', encoding='utf8') as f:
        json.dump({'about': 'written by scripts/model/train.py from the shipped vocabulary and table; '
                            'the TypeScript tokenizer and embedder must give the same ids and vectors',
                   'cases': cases}, f, indent=1)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('corpus')
    ap.add_argument('out')
    ap.add_argument('--minutes', type=float, default=20.0)
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--dim', type=int, default=256)
    ap.add_argument('--batch', type=int, default=2048)
    ap.add_argument('--lr', type=float, default=0.02)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--words', type=int, default=48000)
    ap.add_argument('--wholes', type=int, default=8000)
    ap.add_argument('--pieces', type=int, default=4000)
    ap.add_argument('--fixtures', default=None)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    random.seed(0)
    np.random.seed(0)
    started = time.time()

    pairs = load_pairs(os.path.join(args.corpus, 'pairs.jsonl'))
    train = [p for p in pairs if not held_out(p[0])]
    dev = [p for p in pairs if held_out(p[0])]
    random.Random(1).shuffle(dev)
    log(f'{len(pairs)} pairs: {len(train)} train, {len(dev)} held out')

    vocab = build_vocab([p[0] for p in train] + [p[1] for p in train], args.words, args.wholes, args.pieces)
    tok = codetok.Tokenizer(vocab)
    log(f'vocabulary {len(vocab)} tokens ({time.time() - started:.0f} s)')

    docs = Bags(*encode_all(tok, [p[0] for p in train]))
    codes = Bags(*encode_all(tok, [p[1] for p in train]))
    dev_docs = Bags(*encode_all(tok, [p[0] for p in dev]))
    dev_codes = Bags(*encode_all(tok, [p[1] for p in dev]))
    log(f'encoded: {len(codes.ids) / len(train):.0f} tokens a code, {len(docs.ids) / len(train):.0f} a description ({time.time() - started:.0f} s)')

    # idf-scaled random start: frequent tokens (syntax, stop words) begin with little weight
    df = np.zeros(len(vocab))
    for bags in (docs, codes):
        for i in range(len(bags.offsets) - 1):
            df[np.unique(bags.ids[bags.offsets[i]:bags.offsets[i + 1]])] += 1
    idf = np.log((2 * len(train) + 1) / (df + 1))
    init = torch.randn(len(vocab), args.dim) * torch.from_numpy(idf / idf.max()).float().unsqueeze(1) * 0.1
    model = StaticModel(len(vocab), args.dim, init)
    opt_table = torch.optim.Adam([model.weight], lr=args.lr)
    opt_scale = torch.optim.Adam([model.log_scale], lr=0.01)

    def dev_figures():
        with torch.no_grad():
            rows = np.arange(len(dev))
            return evaluate(model(*dev_docs.batch(rows)), model(*dev_codes.batch(rows)))

    log('before training: dev recall@1 %.3f, MRR %.3f (1,000 candidates)' % dev_figures())
    n = len(train)
    steps_per_epoch = n // args.batch
    total_steps = steps_per_epoch * args.epochs
    step = 0
    deadline = started + args.minutes * 60
    for epoch in range(args.epochs):
        order = np.random.permutation(n)
        loss_sum = 0.0
        for b in range(steps_per_epoch):
            rows = order[b * args.batch:(b + 1) * args.batch]
            lr = args.lr * 0.5 * (1 + math.cos(math.pi * step / total_steps))
            for g in opt_table.param_groups:
                g['lr'] = lr
            d = model(*docs.batch(rows))
            c = model(*codes.batch(rows))
            logits = d @ c.T * model.log_scale.exp().clamp(max=100)
            target = torch.arange(len(rows))
            loss = (torch.nn.functional.cross_entropy(logits, target) + torch.nn.functional.cross_entropy(logits.T, target)) / 2
            opt_table.zero_grad()
            opt_scale.zero_grad()
            loss.backward()
            opt_table.step()
            opt_scale.step()
            loss_sum += float(loss)
            step += 1
        r1, mrr = dev_figures()
        log(f'epoch {epoch + 1}: loss {loss_sum / steps_per_epoch:.3f}, scale {float(model.log_scale.exp()):.1f}, '
            f'dev recall@1 {r1:.3f}, MRR {mrr:.3f} ({time.time() - started:.0f} s)')
        if time.time() > deadline:
            log('time budget reached')
            break

    weight = model.weight.detach().numpy()
    q, scale = quantize(weight)
    os.makedirs(args.out, exist_ok=True)
    q.tofile(os.path.join(args.out, 'embeddings.i8'))
    scale.astype('<f4').tofile(os.path.join(args.out, 'scales.f32'))
    with open(os.path.join(args.out, 'vocab.txt'), 'w', encoding='utf8') as f:
        f.write('\n'.join(vocab) + '\n')
    header = {
        'format': FORMAT,
        'version': VERSION,
        'dim': args.dim,
        'vocabSize': len(vocab),
        'table': 'embeddings.i8',
        'scales': 'scales.f32',
        'vocab': 'vocab.txt',
        'tokenizer': {'maxDigits': codetok.MAX_DIGITS, 'maxPart': codetok.MAX_PART, 'maxTokens': codetok.MAX_TOKENS},
        'training': {'pairs': len(train), 'heldOut': len(dev), 'epochs': epoch + 1, 'batch': args.batch,
                     'devRecallAt1': round(r1, 4), 'devMRR': round(mrr, 4)},
    }
    with open(os.path.join(args.out, 'model.json'), 'w', encoding='utf8') as f:
        json.dump(header, f, indent=2)
        f.write('\n')
    # the figures of the shipped (int8) table, not of the float one
    qt = torch.from_numpy(q.astype(np.float32) * scale[:, None])
    with torch.no_grad():
        model.weight.copy_(qt)
    r1q, mrrq = dev_figures()
    log(f'int8 table: dev recall@1 {r1q:.3f}, MRR {mrrq:.3f}; {q.nbytes / 1e6:.1f} MB + {scale.nbytes / 1e6:.2f} MB scales')
    if args.fixtures:
        write_fixtures(tok, q, scale, args.fixtures)
        log(f'fixtures: {args.fixtures}')
    log(f'done in {time.time() - started:.0f} s')


if __name__ == '__main__':
    main()
