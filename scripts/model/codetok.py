"""Loupe's code tokenizer, the Python side. src/server/embed/codeTokenizer.ts is the same
algorithm in TypeScript; test/fixtures/models/tokenizer-cases.json (written by
`train.py --fixtures`) holds the ids this file gives, and a unit test checks the TS side
against them.

text -> ASCII alphanumeric runs ("identifiers") -> camelCase / digit parts, lowercased ->
each part: its vocabulary id, or greedy longest-match word pieces (first piece any vocabulary
word, then "##" pieces) -> plus the whole identifier lowercased when it has several parts and is
in the vocabulary. Digit runs longer than MAX_DIGITS are dropped (hashes, magic numbers).
"""
import re

IDENT = re.compile(r'[A-Za-z0-9]+')
PART = re.compile(r'[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+')
MAX_DIGITS = 4
MAX_TOKENS = 4096
MAX_PART = 32  # longer parts (base64, hex blobs) are dropped


def parts(ident):
    return [p.lower() for p in PART.findall(ident)]


def words(text):
    """(identifier lowercased, its parts) for each identifier of text, in order."""
    out = []
    for ident in IDENT.findall(text):
        ps = [p for p in parts(ident) if len(p) <= MAX_PART and not (p.isdigit() and len(p) > MAX_DIGITS)]
        if ps:
            out.append((ident.lower(), ps))
    return out


class Tokenizer:
    def __init__(self, vocab):
        self.vocab = vocab  # list of strings; "##x" are continuation pieces
        self.ids = {t: i for i, t in enumerate(vocab)}
        self.max_piece = max(len(t) for t in vocab)

    def pieces(self, part):
        ids = self.ids
        i = ids.get(part)
        if i is not None:
            return [i]
        out = []
        start = 0
        n = len(part)
        while start < n:
            end = min(n, start + self.max_piece)
            found = None
            while end > start:
                sub = part[start:end] if start == 0 else '##' + part[start:end]
                found = ids.get(sub)
                if found is not None:
                    break
                end -= 1
            if found is None:  # a character the vocabulary lacks: skip it
                start += 1
                continue
            out.append(found)
            start = end
        return out

    def encode(self, text):
        out = []
        for ident, ps in words(text):
            if len(ps) > 1:
                whole = self.ids.get(ident)
                if whole is not None:
                    out.append(whole)
            for p in ps:
                out.extend(self.pieces(p))
            if len(out) >= MAX_TOKENS:
                return out[:MAX_TOKENS]
        return out
