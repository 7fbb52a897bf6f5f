#!/usr/bin/python3
"""Phone-number formats beyond the Presidio set: Faker's phone numbers for every locale it
has (Debian's python3-fake-factory), in sentence frames with a cue word, without one, right
after an address, right after a name, cued with an id's word earlier in the text, after an
id's word that names a service ("Customer service: …"), and beside other personal data
with only punctuation between. Prints recall per frame kind and the locales found least
often, and how many postal addresses alone had a phone number found in them (house numbers
and zip codes are not phones). Generated data only: it checks that the recognisers
generalise past the formats they were written from. With --dev-shapes, also the shapes of
the Presidio set's dev-half numbers, with fresh digits, in frames without a cue word.

usage: phone_formats.py FRONTLINE [--ner MODEL] [--seed N] [--per-locale N] [--dev-shapes SYNTH_JSON]
"""
import argparse
import collections
import json
import random
import re
import subprocess

import faker.config
from faker import Faker

CUED = ["You can reach me at {} any time.", "Phone: {}", "Please call {} for details.",
        "My mobile number is {}.", "Tel. {}", "Contact {} if the printer fails again.",
        "Send a text to {} when done.", "Phone No. {}", "Cell no.: {}"]
PLAIN = ["{} was on the invoice too.", "I tried {} twice yesterday but no luck.",
         "Lisa wrote down {} on a sticky note.", "Ring back: none. {} left a message."]
AFTER_ADDRESS = ["{address} {phone}", "{address}, {phone}", "{address}\n{phone}", "{address} ({phone})"]
AFTER_NAME = ["{name} {phone}", "{name}, {phone}", "Ask for {name} on {phone}.", "Regards,\n{name}\n{phone}"]
# A cue, with an id's or a counter's word earlier in the text (which vetoes only its own
# number: "license number is 6940579").
ID_NEARBY = ["My account is locked out. You can reach me at {}.", "Re: order 5531 - please contact me on {} today.",
             "I am a new employee, my direct line is {}.", "About the invoice: reach me at {}.",
             "The ticket is still open; my number is {}."]
# An id's word that names a service or is followed by a way to reach it, and a phone
# beside other personal data with only punctuation between.
SERVICE = ["Customer service: {}", "Ticket office {}", "Our booking office can be reached on {}",
           "Call me any time {}", "My order is late and my number is {}", "Member services {}",
           "Account questions? Ring {}", "Customer Mr. Ana Silva ({})"]
BESIDE = ["{other}, {phone}", "{phone}; {other}", "{other} | {phone}", "{phone} / {other}", "{other}\n{phone}",
          "{phone}, {other}"]
KINDS = ("cued", "plain", "after address", "after name", "ids nearby", "service words", "beside other data")
ADDRESS_ONLY = ["I live at {}.", "Ship to {}", "{}", "Our office moved to {} last year."]


def line_text(text, span):
    return text.encode("utf-8")[span["start"]:span["end"]].decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("frontline")
    ap.add_argument("--ner")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--per-locale", type=int, default=60)
    ap.add_argument("--misses", action="store_true", help="print every number not found, with what was found")
    ap.add_argument("--dev-shapes", metavar="SYNTH_JSON",
                    help="also: the shapes of the Presidio set's dev-half phone numbers (even template_id), with "
                         "fresh digits, in frames without a cue word")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    random.seed(args.seed)  # some of this Faker's providers draw from the module's generator
    rows = []  # (locale, kind, text, char start, value)
    addresses = []  # (locale, text)
    for loc in sorted(faker.config.AVAILABLE_LOCALES):  # a set: its order changes from run to run
        try:
            fake = Faker(loc)
            fake.seed_instance(args.seed)
            fake.seed(args.seed)
            fake.phone_number()
        except Exception:  # locales without a phone provider
            continue
        for i in range(args.per_locale):
            phone = fake.phone_number()
            kind = KINDS[i % len(KINDS)]
            if kind == "after name":
                text = rnd.choice(AFTER_NAME).format(name=fake.name(), phone=phone)
            elif kind == "after address":
                try:
                    text = rnd.choice(AFTER_ADDRESS).format(address=fake.address().replace("\n", ", "), phone=phone)
                except AttributeError:  # no address provider
                    continue
            elif kind == "beside other data":
                other = rnd.choice([fake.email, fake.ssn, fake.credit_card_number, fake.iban, fake.ipv4,
                                    lambda: fake.date_of_birth().strftime("%d.%m.%Y"), fake.name])
                try:
                    text = rnd.choice(BESIDE).format(other=other(), phone=phone)
                except AttributeError:  # a provider this locale lacks
                    continue
            else:
                frames = {"cued": CUED, "plain": PLAIN, "ids nearby": ID_NEARBY, "service words": SERVICE}[kind]
                text = rnd.choice(frames).format(phone)
            text = text.replace("\n", " ")
            rows.append((loc, kind, text, text.rindex(phone), phone))
        # And the other way round: postal addresses alone, where a house number and a zip
        # code must not come out as a phone number.
        for i in range(args.per_locale // 3):
            try:
                address = fake.address().replace("\n", ", ")
            except AttributeError:
                break
            addresses.append((loc, rnd.choice(ADDRESS_ONLY).format(address)))
    cmd = [args.frontline, "-q", "redact", "--json"] + (["--ner", args.ner] if args.ner else [])
    out = subprocess.run(cmd, input="".join(r[2] + "\n" for r in rows), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    flagged = []
    for (loc, text), line in zip(addresses, subprocess.run(cmd, input="".join(t + "\n" for _, t in addresses),
                                                           capture_output=True, text=True, check=True).stdout.splitlines()):
        phones = [line_text(text, s) for s in json.loads(line)["spans"] if s["type"] == "PHONE"]
        if phones:
            flagged.append((loc, text, phones))
    hit, total = collections.Counter(), collections.Counter()
    for (loc, kind, text, start, phone), line in zip(rows, out):
        a = len(text[:start].encode("utf-8"))
        b = a + len(phone.encode("utf-8"))
        found = any(s["type"] == "PHONE" and s["start"] < b and a < s["end"] for s in json.loads(line)["spans"])
        if not found and args.misses:
            spans = [(s["type"], line_text(text, s)) for s in json.loads(line)["spans"]]
            print(f"  missed [{loc}, {kind}] {phone!r} in {text!r}; found {spans}")
        for key in (kind, loc, "all"):
            total[key] += 1
            hit[key] += found
    locales = sorted(k for k in total if k not in KINDS + ("all",))
    print(f"Phone formats of Faker's {len(locales)} locales (seed {args.seed}, {total['all']} numbers): recall "
          + ", ".join(f"{k} {hit[k] / total[k]:.3f}" for k in KINDS + ("all",)))
    worst = sorted(locales, key=lambda k: hit[k] / total[k])[:5]
    print("  least found: " + ", ".join(f"{k} {hit[k] / total[k]:.2f}" for k in worst))
    print(f"  postal addresses alone with a phone found in them: {len(flagged)} of {len(addresses)}")
    for loc, text, phones in flagged if args.misses else []:
        print(f"  flagged [{loc}] {phones} in {text!r}")
    if args.dev_shapes:
        dev_shapes(args, cmd, rnd)


# Frames without a phone's word, for the dev half's number shapes.
NO_CUE = ["{} was the number on the form.", "I wrote {} on the card.", "{}", "The list said: {}.", "Bob Smith, {}",
          "Acme Corp ({})", "\"{}\" - that's all he said.", "He gave me {} and left.", "Is {} right?",
          "They texted {} yesterday", "Write to anna@example.org or {}", "Berlin, {}", "{} (home)", "{}, ext. 12",
          "Note: {}", "Re: {}", "Her new one is {}", "I moved, {} now works."]


def dev_shapes(args, cmd, rnd):
    records = json.load(open(args.dev_shapes))
    values = sorted({s["entity_value"] for r in records if r["template_id"] % 2 == 0 for s in r["spans"]
                     if s["entity_type"] == "PHONE_NUMBER"})
    rows = []
    for v in values:
        # Keep the country code or trunk prefix; every other digit is drawn afresh.
        keep = len(re.match(r"^(\+\d{1,2}|00\d|\(?0?\d)", v).group(0))
        for frame in NO_CUE:
            n = v[:keep] + re.sub(r"\d", lambda m: str(rnd.randint(0, 9)), v[keep:])
            rows.append((frame.format(n), n))
    out = subprocess.run(cmd, input="".join(t + "\n" for t, _ in rows), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    hit = 0
    for (text, n), line in zip(rows, out):
        a = len(text[:text.index(n)].encode("utf-8"))
        b = a + len(n.encode("utf-8"))
        found = any(s["type"] == "PHONE" and s["start"] < b and a < s["end"] for s in json.loads(line)["spans"])
        hit += found
        if not found and args.misses:
            print(f"  missed [dev shape] {n!r} in {text!r}")
    print(f"Presidio dev-half phone shapes ({len(values)}), fresh digits, {len(NO_CUE)} frames without a cue: "
          f"recall {hit / len(rows):.3f} of {len(rows)}")


if __name__ == "__main__":
    main()
