#!/usr/bin/python3
"""Phone numbers in contexts nobody wrote for them, and ids that must stay ids.

1. Faker's phone numbers (Latin-script locales) put into real sentences, banking77's and
   CLINC150's training queries, at a random word boundary or in place of a word: recall.
2. An id's or a counter's word near a number that is a phone ("Order placed by …",
   "Request from …", "the account holder's number is …"): recall.
3. Numbers that an id's word names ("Account number … is overdrawn", "The tracking number
   for my parcel is …"): how many come out as a phone. North American shapes are left out:
   `(415) 555-0132` is a phone whatever word comes before it.

Generated text only, and training splits only; prints the misses with --misses.

usage: phone_contexts.py FRONTLINE --data DIR [--ner MODEL] [--seed N] [--n N] [--misses]
"""
import argparse
import csv
import json
import os
import random
import subprocess

import faker.config
from faker import Faker

# Part 2: the id's word does not name the number.
ID_NOT_NAMING = [
    "Please update my account with my new number {}", "I want to add {} to my account.",
    "The account holder's number is {}", "Link {} to my membership please.", "My customer profile still shows {}",
    "Employee contact: {}", "Order placed by {}", "Change the number on my order to {}",
    "Please change my number to {} on the invoice.", "The booking is under {}", "Booking confirmation was sent to {}",
    "Tracking updates go to {}", "The case owner can be reached at {}", "Incident raised by the user at {}; VPN down.",
    "Request from {}: reset password", "My license expired; my number is {}", "The total was wrong. Call me at {}",
    "Invoice #4412 - {}", "Ticket 5531, callback number {}", "My badge doesn't work. I'm at {}",
    "Release notes? Ask Tim at {}", "The firmware update failed, my number is {}", "Close my account. {}",
    "Why can't I top up my account? {}", "I am an account manager, my number is {}",
]
# Part 3: the id's word names the number.
ID_NAMING = [
    "My driver's license number is {}", "Passport no. {}", "The tracking number for my parcel is {}",
    "Your order {} has shipped.", "Order number: {}", "Account number {} is overdrawn.", "Invoice {} is attached.",
    "Ticket {} was closed.", "Case {} escalated.", "Membership number {}", "Policy number {} renewed.",
    "Employee id {} joined today.", "Customer number {}", "The number of users is {}", "Reference {} for your payment",
    "Booking reference {}", "Request {} approved", "Job {} failed with exit code 2", "Build {} passed.",
    "Serial on the label reads {}",
]
SHAPES = ["99999999", "9999 9999", "999-999-999", "99 999 999", "9999-9999", "999 9999", "999 999 9999",
          "(999) 999-9999", "99 99 99 99 99"]
# A North American number's shape is a phone whatever word comes before it: not in part 3.
ID_SHAPES = [s for s in SHAPES if s not in ("999 999 9999", "(999) 999-9999")]


def number(rnd, shape):
    return "".join(str(rnd.randint(1, 9)) if c == "9" else c for c in shape)


def run(args, texts):
    cmd = [args.frontline, "-q", "redact", "--json"] + (["--ner", args.ner] if args.ner else [])
    out = subprocess.run(cmd, input="".join(t.replace("\n", " ") + "\n" for t in texts), capture_output=True,
                         text=True, check=True).stdout.splitlines()
    return [json.loads(line)["spans"] for line in out]


def phone_at(text, value, spans):
    a = len(text[:text.index(value)].encode("utf-8"))
    b = a + len(value.encode("utf-8"))
    return any(s["type"] == "PHONE" and s["start"] < b and a < s["end"] for s in spans)


def shown(text, spans):
    raw = text.encode("utf-8")
    return [(s["type"], raw[s["start"]:s["end"]].decode("utf-8", "replace")) for s in spans]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("frontline")
    ap.add_argument("--data", required=True, help="the shared data folder (banking77, clinc150)")
    ap.add_argument("--ner")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    random.seed(args.seed)

    # 1. In real sentences.
    banking = os.path.join(args.data, "banking77", "train.csv")
    clinc = os.path.join(args.data, "clinc150", "data_full.json")
    if os.path.exists(banking) and os.path.exists(clinc):
        sentences = [r["text"] for r in csv.DictReader(open(banking, newline="", encoding="utf-8"))]
        sentences += [t for t, _ in json.load(open(clinc, encoding="utf-8"))["train"]]
        fakes = []
        for loc in sorted(faker.config.AVAILABLE_LOCALES):
            if loc.startswith(("ar_", "fa_", "he_", "ja_", "zh_", "ko_", "th_", "hi_", "bn_", "ka_", "hy_", "ne_",
                               "ta_")):
                continue
            try:
                fake = Faker(loc)
                fake.seed_instance(args.seed)
                fake.phone_number()
                fakes.append((loc, fake))
            except Exception:  # locales without a phone provider
                continue
        rows = []
        for _ in range(args.n):
            loc, fake = rnd.choice(fakes)
            phone = fake.phone_number()
            words = rnd.choice(sentences).split()
            k = rnd.randint(0, len(words))
            if rnd.random() < 0.3 and k < len(words):
                words[k] = phone
            else:
                words.insert(k, phone)
            rows.append((loc, " ".join(words), phone))
        hit = 0
        for (loc, text, phone), spans in zip(rows, run(args, [t for _, t, _ in rows])):
            found = phone_at(text, phone, spans)
            hit += found
            if not found and args.misses:
                print(f"  missed [{loc}] {phone!r} in {text!r}; found {shown(text, spans)}")
        print(f"Phones in real queries (banking77 + CLINC150 train, Faker's {len(fakes)} Latin-script locales, "
              f"seed {args.seed}): recall {hit / len(rows):.3f} of {len(rows)}")
    else:
        print(f"Phones in real queries: skipped, {banking} or {clinc} is missing")

    # 2 and 3. Near an id's word.
    rows = [(f, number(rnd, s)) for f in ID_NOT_NAMING for s in SHAPES]
    spans = run(args, [f.format(n) for f, n in rows])
    hit = 0
    for (f, n), sp in zip(rows, spans):
        found = phone_at(f.format(n), n, sp)
        hit += found
        if not found and args.misses:
            print(f"  missed [id word] {f.format(n)!r}; found {shown(f.format(n), sp)}")
    print(f"Phones near an id's word that does not name them ({len(ID_NOT_NAMING)} frames): "
          f"recall {hit / len(rows):.3f} of {len(rows)}")
    rows = [(f, number(rnd, s)) for f in ID_NAMING for s in ID_SHAPES]
    spans = run(args, [f.format(n) for f, n in rows])
    flagged = 0
    for (f, n), sp in zip(rows, spans):
        if phone_at(f.format(n), n, sp):
            flagged += 1
            if args.misses:
                print(f"  flagged [id] {f.format(n)!r}")
    print(f"Numbers an id's word names ({len(ID_NAMING)} frames, shapes other than North American): "
          f"{flagged} of {len(rows)} taken for a phone")


if __name__ == "__main__":
    main()
