#!/usr/bin/python3
"""Card numbers beyond the Presidio set: Faker's numbers of every card type it has (Debian's
python3-fake-factory), written plain, in groups of four by spaces or hyphens, in sentence
frames. Prints recall per card type. Generated data only: it checks that the card recogniser
holds for issuers and lengths the Presidio set has few of.

usage: card_formats.py FRONTLINE [--seed N] [--per-type N] [--misses]
"""
import argparse
import collections
import json
import random
import subprocess

from faker import Faker

TYPES = ["visa13", "visa16", "visa19", "mastercard", "amex", "discover", "diners", "jcb15", "jcb16", "maestro"]
FRAMES = ["My card {} was declined", "Card number: {}", "{}", "Pay with {} please", "Charge {} for the order",
          "cc {} exp 12/25", "The number on the card is {}.", "{} - please refund"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("frontline")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--per-type", type=int, default=100)
    ap.add_argument("--misses", action="store_true", help="print every number not found")
    args = ap.parse_args()
    fake, rnd = Faker("en_US"), random.Random(args.seed)
    fake.seed_instance(args.seed)
    rows = []
    for card_type in TYPES:
        for _ in range(args.per_type):
            n = fake.credit_card_number(card_type=card_type)
            sep = rnd.choice(["", " ", "-"])
            value = sep.join(n[i:i + 4] for i in range(0, len(n), 4)) if sep else n
            rows.append((card_type, rnd.choice(FRAMES).format(value), value))
    out = subprocess.run([args.frontline, "-q", "redact", "--json"], input="".join(t + "\n" for _, t, _ in rows),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    hit, total = collections.Counter(), collections.Counter()
    for (card_type, text, value), line in zip(rows, out):
        a = len(text[:text.index(value)].encode())
        b = a + len(value.encode())
        found = any(s["type"] == "CREDIT_CARD" and s["start"] < b and a < s["end"] for s in json.loads(line)["spans"])
        hit[card_type] += found
        total[card_type] += 1
        if not found and args.misses:
            print(f"  missed [{card_type}] {value!r} in {text!r}")
    print(f"Card numbers of Faker's {len(TYPES)} card types (seed {args.seed}, {sum(total.values())} numbers, plain or "
          f"in fours): recall {sum(hit.values()) / sum(total.values()):.3f}; "
          + ", ".join(f"{t} {hit[t] / total[t]:.2f}" for t in TYPES))


if __name__ == "__main__":
    main()
