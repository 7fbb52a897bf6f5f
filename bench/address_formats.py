#!/usr/bin/python3
"""Street addresses beyond the Presidio set: Faker's postal addresses of every Latin-script
locale it has (Debian's python3-fake-factory), one per line in a sentence. Prints the share
whose street line (up to the first comma) is hidden: all its digits inside findings, or,
without digits, some of it. Generated data only.

usage: address_formats.py FRONTLINE [--ner MODEL] [--seed N] [--per-locale N] [--misses]
"""
import argparse
import collections
import json
import subprocess

import faker.config
from faker import Faker

# Scripts the street recognisers do not cover (they read Latin letters).
SKIP = ("ar_", "fa_", "he_", "ja_", "zh_", "ko_", "th_", "hi_", "bn_", "ka_", "hy_", "ne_", "ta_", "el_", "ru_", "uk_",
        "bg_", "az_")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("frontline")
    ap.add_argument("--ner")
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--per-locale", type=int, default=20)
    ap.add_argument("--misses", action="store_true", help="print every address whose street line shows")
    args = ap.parse_args()
    rows = []  # (locale, text, address)
    for loc in sorted(faker.config.AVAILABLE_LOCALES):  # a set: its order changes from run to run
        if loc.startswith(SKIP):
            continue
        try:
            fake = Faker(loc)
            fake.seed_instance(args.seed)
            fake.address()
        except Exception:  # locales without an address provider
            continue
        for _ in range(args.per_locale):
            address = fake.address().replace("\n", ", ")
            rows.append((loc, f"Please send it to {address} thanks", address))
    cmd = [args.frontline, "-q", "redact", "--json"] + (["--ner", args.ner] if args.ner else [])
    out = subprocess.run(cmd, input="".join(r[1] + "\n" for r in rows), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    total, hidden = collections.Counter(), collections.Counter()
    for (loc, text, address), line in zip(rows, out):
        found = json.loads(line)
        raw = text.encode("utf-8")
        start = len(text[:text.index(address)].encode("utf-8"))
        end = start + len(address.split(",")[0].encode("utf-8"))
        covered = [False] * len(raw)
        for s in found["spans"]:
            for k in range(s["start"], s["end"]):
                covered[k] = True
        digits = [k for k in range(start, end) if chr(raw[k]).isdigit()]
        ok = all(covered[k] for k in digits) if digits else any(covered[start:end])
        total[loc] += 1
        hidden[loc] += ok
        if not ok and args.misses:
            print(f"  shows [{loc}] {address!r} -> {found['text']!r}")
    n, h = sum(total.values()), sum(hidden.values())
    worst = sorted(total, key=lambda k: hidden[k] / total[k])[:6]
    print(f"Street addresses of Faker's {len(total)} Latin-script locales (seed {args.seed}, {n}): street line hidden "
          f"{h / n:.3f}; least: " + ", ".join(f"{k} {hidden[k] / total[k]:.2f}" for k in worst))


if __name__ == "__main__":
    main()
