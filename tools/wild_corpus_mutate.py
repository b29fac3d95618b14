#!/usr/bin/env python3
"""Damaged copies of real PDFs, for tools/wild_corpus.sh --mutate.

    wild_corpus_mutate.py DIR [--seed N] [--max-bytes B]

For every DIR/<name>.pdf (up to B bytes, default 8 MB) writes, beside it,
<name>--cut.pdf (the first 60 %: truncated download) and <name>--flip.pdf (30 bytes
overwritten at random: bit rot). The same seed gives the same files.
"""

import argparse
import os
import random


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-bytes", type=int, default=8_000_000)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    made = 0
    for name in sorted(os.listdir(a.dir)):
        if not name.lower().endswith(".pdf") or name.endswith(("--cut.pdf", "--flip.pdf")):
            continue
        path = os.path.join(a.dir, name)
        data = open(path, "rb").read()
        if len(data) > a.max_bytes or not data:
            continue
        stem = name[:-4]
        with open(os.path.join(a.dir, stem + "--cut.pdf"), "wb") as f:
            f.write(data[: int(len(data) * 0.6)])
        flipped = bytearray(data)
        for _ in range(30):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        with open(os.path.join(a.dir, stem + "--flip.pdf"), "wb") as f:
            f.write(bytes(flipped))
        made += 2
    print(f"mutated copies: {made}")


if __name__ == "__main__":
    main()
