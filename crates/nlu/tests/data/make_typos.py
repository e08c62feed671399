#!/usr/bin/env python3
"""Writes typos_check.tsv: every sentence of inscope_check.tsv and jewelry_check.tsv (never tuned
on) with one typing slip in one of its words of five or more letters (a swap of two neighbours,
a dropped, doubled or wrong letter), chosen at random with a fixed seed, never the first letter,
and never a slip that makes another dictionary word. The expected intent is the original's.

    python3 crates/nlu/tests/data/make_typos.py /usr/share/dict/words   # Debian: wamerican
"""
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
KEYS = "qwertyuiopasdfghjklzxcvbnm"


def slip(word, rng):
    i = rng.randrange(1, len(word))
    kind = rng.choice(["swap", "drop", "double", "wrong"])
    if kind == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(KEYS.replace(word[i].lower(), "")) + word[i + 1:]


def main():
    words = {w.strip().lower() for w in open(sys.argv[1], encoding="utf-8")}
    rng = random.Random(16)
    out = ["# One typing slip per sentence of inscope_check.tsv and jewelry_check.tsv (never tuned "
           "on), made by make_typos.py (seed 16; slips that make a dictionary word are skipped). "
           "text<TAB>expected_intent. MIT (this project)."]
    for name in ["inscope_check.tsv", "jewelry_check.tsv"]:
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            text, intent = line.split("\t")[:2]
            spans = [m for m in re.finditer(r"[A-Za-z]{5,}", text)]
            rng.shuffle(spans)
            for m in spans:
                typed = slip(m.group(), rng)
                if typed.lower() not in words and typed != m.group():
                    out.append(f"{text[:m.start()]}{typed}{text[m.end():]}\t{intent}")
                    break
    (HERE / "typos_check.tsv").write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
