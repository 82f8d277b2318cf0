#!/usr/bin/env python3
"""Build data/nlu/train.jsonl and data/nlu/test.jsonl from data/nlu/sources/.

Usage:  python3 data/nlu/build_dataset.py            # rewrite train.jsonl and test.jsonl
        python3 data/nlu/build_dataset.py --check    # only say whether they are up to date
        python3 data/nlu/build_dataset.py --out DIR  # write the two files to DIR instead

* Standard library only, deterministic (fixed seed), re-runnable.
* The sentences are data: sources/train/<intent>.jsonl (hand-written training
  lines), sources/test/<intent>.jsonl (the held-out split) and
  sources/augmentation.json (word lists of the augmentation step).  Their
  format is in sources/README.md; a malformed line stops the build with one
  line naming its file and line number.
* test.jsonl is the held-out split copied as written (grouped by intent).
* train.jsonl is the hand-written lines plus a minority of templated variants
  (dataset_augment.py: id re-sampling / id form variation, typo injection,
  space removal, filler words, English code-mixing and register swaps),
  shuffled.  A training line whose normalised text equals a held-out line is
  dropped (and reported) so the split stays held-out.
"""

import argparse
import json
import os
import random
import sys
import tempfile
from collections import OrderedDict

from dataset_augment import Augmenter
from dataset_sources import INTENTS, SourceError, load_augmentation, load_split, norm

SEED = 20261126
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = os.path.join(HERE, "sources")
OUTPUTS = ("train.jsonl", "test.jsonl")
AUG_SHARE = 0.28        # variants per intent: this share of its hand-written lines ...
MIN_PER_INTENT = 165    # ... or enough to reach this many lines, whichever is more
MAX_TRIES_PER_LINE = 60


def _write(path, records):
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def build(sources_dir=SOURCES, out_dir=HERE):
    """Write train.jsonl and test.jsonl into ``out_dir``; returns counts for the report.

    Raises SourceError when a source file is malformed.
    """
    train_src = load_split(os.path.join(sources_dir, "train"))
    test_src = load_split(os.path.join(sources_dir, "test"))
    augmenter = Augmenter(load_augmentation(os.path.join(sources_dir, "augmentation.json")))

    rng = random.Random(SEED)
    test_norms = {norm(r["text"]) for i in INTENTS for r in test_src[i]}
    seen = set()
    hand, dropped = OrderedDict(), []
    for intent in INTENTS:
        hand[intent] = []
        for rec in train_src[intent]:
            n = norm(rec["text"])
            if n in test_norms:
                dropped.append(rec["text"])
                continue
            seen.add(n)
            hand[intent].append(rec)
    aug = OrderedDict()
    for intent in INTENTS:
        base = hand[intent]
        target = max(int(round(AUG_SHARE * len(base))), MIN_PER_INTENT - len(base))
        aug[intent] = []
        tries = 0
        while len(aug[intent]) < target and tries < target * MAX_TRIES_PER_LINE:
            tries += 1
            out = augmenter.augment_one(rng.choice(base), rng)
            if out is None:
                continue
            n = norm(out["text"])
            if n in seen or n in test_norms or not n:
                continue
            seen.add(n)
            aug[intent].append(out)
    records = [r for i in INTENTS for r in hand[i]] + [r for i in INTENTS for r in aug[i]]
    rng.shuffle(records)
    _write(os.path.join(out_dir, "train.jsonl"), records)
    _write(os.path.join(out_dir, "test.jsonl"), [r for i in INTENTS for r in test_src[i]])
    return {"hand": {i: len(hand[i]) for i in INTENTS}, "aug": {i: len(aug[i]) for i in INTENTS},
            "test": {i: len(test_src[i]) for i in INTENTS}, "dropped": dropped}


def report(stats, out=sys.stdout):
    hand, aug, test = stats["hand"], stats["aug"], stats["test"]
    print("%-16s %6s %6s %6s %6s" % ("intent", "hand", "aug", "train", "test"), file=out)
    for i in INTENTS:
        print("%-16s %6d %6d %6d %6d" % (i, hand[i], aug[i], hand[i] + aug[i], test[i]), file=out)
    n_hand, n_aug = sum(hand.values()), sum(aug.values())
    print("%-16s %6d %6d %6d %6d  (augmented share %.1f%%)" % (
        "TOTAL", n_hand, n_aug, n_hand + n_aug, sum(test.values()),
        100.0 * n_aug / (n_hand + n_aug)), file=out)
    if stats["dropped"]:
        print("WARNING: %d hand-written train lines collide with the held-out split and were"
              " dropped:" % len(stats["dropped"]), file=sys.stderr)
        for t in stats["dropped"]:
            print("   ", t, file=sys.stderr)


def _same_bytes(a, b):
    if not os.path.exists(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def main(argv=None):
    ap = argparse.ArgumentParser(description="Build the NLU train/test files from sources/.")
    ap.add_argument("--sources", default=SOURCES, help="source folder (default: %(default)s)")
    ap.add_argument("--out", default=HERE, help="where train/test.jsonl go (default: %(default)s)")
    ap.add_argument("--check", action="store_true",
                    help="build into a temporary folder and exit 1 if --out differs")
    args = ap.parse_args(argv)
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                build(args.sources, tmp)
                stale = [f for f in OUTPUTS
                         if not _same_bytes(os.path.join(tmp, f), os.path.join(args.out, f))]
            for f in stale:
                print("%s is out of date; run python3 data/nlu/build_dataset.py"
                      % os.path.join(args.out, f), file=sys.stderr)
            if not stale:
                print("train.jsonl and test.jsonl are up to date")
            return 1 if stale else 0
        stats = build(args.sources, args.out)
    except SourceError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    report(stats)
    print("wrote", ", ".join(os.path.join(args.out, f) for f in OUTPUTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
