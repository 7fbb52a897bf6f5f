#!/usr/bin/python3
"""Phone-number formats beyond the Presidio set: Faker's phone numbers for every locale it
has (Debian's python3-fake-factory), in sentence frames with a cue word, without one, right
after an address, right after a name, cued with an id's word earlier in the text, after an
id's word that names a service ("Customer service: …"), and beside other personal data
with only punctuation between. Prints recall per frame kind and the locales found least
often, and how many postal addresses alone had a phone number found in them (house numbers
and zip codes are not phones). Generated data only: it checks that the recognisers
generalise past the formats they were written from. With --dev-shapes, also the shapes of
the Presidio set's dev-half numbers, with fresh digits, in frames without a cue word and
glued to a word without a space ("Maria-451 5986", "M.358 0594"). With
--national, also a catalogue of national formats written from numbering plans, not from
Faker (45 countries), with a cue and without.

usage: phone_formats.py FRONTLINE [--ner MODEL] [--seed N] [--per-locale N] [--dev-shapes SYNTH_JSON] [--national]
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


def byte_range(text, start, value):
    """The byte offsets of value, which starts at character `start` of text."""
    a = len(text[:start].encode("utf-8"))
    return a, a + len(value.encode("utf-8"))


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
    ap.add_argument("--national", action="store_true",
                    help="also: national formats from numbering plans (45 countries), with a cue and without")
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
        a, b = byte_range(text, start, phone)
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
    if args.national:
        national(args, cmd, rnd)


# Frames without a phone's word, for the dev half's number shapes.
NO_CUE = ["{} was the number on the form.", "I wrote {} on the card.", "{}", "The list said: {}.", "Bob Smith, {}",
          "Acme Corp ({})", "\"{}\" - that's all he said.", "He gave me {} and left.", "Is {} right?",
          "They texted {} yesterday", "Write to anna@example.org or {}", "Berlin, {}", "{} (home)", "{}, ext. 12",
          "Note: {}", "Re: {}", "Her new one is {}", "I moved, {} now works.", "Name:{}", "[{}]",
          "\u201c{}\u201d", "{} \u2013 go figure", "John\t{}", "{}; thanks"]
# Glued to a word without a space: a hyphen, a slash, a dot, a label's ":-".
GLUED = ["Maria-{}", "Maria/{}", "{}-Maria", "{}/Maria", "M.{}", "{}.Maria will answer.", "Mobile:-{}",
         "Ms. Lopez: -{}", "Maria Lopez-{}-Madrid", "{} - Ms. Lopez"]


def dev_shapes(args, cmd, rnd):
    records = json.load(open(args.dev_shapes))
    values = sorted({s["entity_value"] for r in records if r["template_id"] % 2 == 0 for s in r["spans"]
                     if s["entity_type"] == "PHONE_NUMBER"})
    # The glued frames draw from a generator of their own: the probes after this one keep
    # their numbers.
    for frames, label, draw in ((NO_CUE, "frames without a cue", rnd),
                                (GLUED, "frames glued to a word", random.Random(args.seed + 1000))):
        rows = []
        for v in values:
            # Keep the country code or trunk prefix; every other digit is drawn afresh.
            keep = len(re.match(r"^(\+\d{1,2}|00\d|\(?0?\d)", v).group(0))
            for frame in frames:
                n = v[:keep] + re.sub(r"\d", lambda m: str(draw.randint(0, 9)), v[keep:])
                rows.append((frame.format(n), n))
        out = subprocess.run(cmd, input="".join(t + "\n" for t, _ in rows), capture_output=True, text=True,
                             check=True).stdout.splitlines()
        hit = 0
        for (text, n), line in zip(rows, out):
            a, b = byte_range(text, text.index(n), n)
            found = any(s["type"] == "PHONE" and s["start"] < b and a < s["end"] for s in json.loads(line)["spans"])
            hit += found
            if not found and args.misses:
                print(f"  missed [dev shape] {n!r} in {text!r}")
        print(f"Presidio dev-half phone shapes ({len(values)}), fresh digits, {len(frames)} {label}: "
              f"recall {hit / len(rows):.3f} of {len(rows)}")


# National formats as numbering plans and local custom write them, per country: X is any
# digit, N is 2-9 (a North American area code or exchange).
FORMATS = {
 "NL": ["06-XXXXXXXX", "020-XXXXXXX", "010 XXX XXXX", "06 XXXX XXXX", "0X0-XXXXXXX", "+31 6 XXXXXXXX", "+31 (0)20 XXX XXXX"],
 "DE": ["030 XXXXXXX", "0211 XXXXXXX", "089 XX XX XX XX", "06021 XXXXX", "0171 XXXXXXX", "(030) XXX XXX XX", "030/XXXXXXX",
        "0211/XXXXXX", "+49 30 XXXXXXX", "+49 (0)30 XXXXXXX", "+49 171 XXXXXXX", "07156 XX XX XX", "0XXXX-XXXXXX"],
 "FI": ["040 XXX XXXX", "09 XXX XXXX", "040-XXXXXXX", "050 XXXXXXX", "+358 40 XXX XXXX", "09-XXX XXX"],
 "PT": ["21 XXX XXXX", "912 XXX XXX", "218 XXX XXX", "+351 912 XXX XXX", "22 XXX XX XX"],
 "SE": ["08-XXX XXX XX", "0XXX-XXX XX", "070-XXX XX XX", "031-XX XX XX", "+46 8 XXX XXX XX", "+46 70 XXX XX XX", "0XXX-XXXXX"],
 "NZ": ["(027) XXX-XXXX", "(09) XXX-XXXX", "021 XXX XXXX", "09 XXX XXXX", "+64 21 XXX XXXX", "(03) XXX XXXX", "(021) XXXX-XXX"],
 "UY": ["099 XXX XXX", "2XXX XXXX", "(02) XXX XXXX", "+598 99 XXX XXX", "4XXX XXXX"],
 "TN": ["71 XXX XXX", "22 XXX XXX", "+216 71 XXX XXX", "98 XXX XXX"],
 "HR": ["01 XXX XXXX", "091 XXX XXXX", "+385 91 XXX XXXX", "021/XXX-XXX"],
 "EE": ["5XXX XXXX", "6XX XXXX", "+372 5XXX XXXX"],
 "SI": ["01 XXX XX XX", "031 XXX XXX", "041 XXX-XXX", "+386 31 XXX XXX", "(01) XXX XX XX"],
 "CZ": ["777 XXX XXX", "+420 777 XXX XXX", "2XX XXX XXX"],
 "PL": ["12 XXX XX XX", "512 XXX XXX", "+48 512 XXX XXX", "(12) XXX XX XX", "+48 12 XXX XX XX"],
 "HU": ["06 1 XXX XXXX", "06-20-XXX-XXXX", "(1) XXX-XXXX", "+36 1 XXX XXXX", "06 30 XXX XXXX", "(72) XXX-XXX", "+36 (30) XXX-XXXX"],
 "AT": ["0664 XXXXXXX", "01 XXX XX XX", "0316 XXXXXX", "+43 664 XXXXXXX", "0664/XXX XX XX", "+43 (0)1 XXX XX XX", "0650 XXX XX XX"],
 "BE": ["02 XXX XX XX", "0470 XX XX XX", "+32 470 XX XX XX", "09/XXX.XX.XX", "0470/XX.XX.XX", "03 XXX XX XX"],
 "DK": ["XX XX XX XX", "XX-XX-XX-XX", "+45 XX XX XX XX", "XXXXXXXX"],
 "NO": ["XXX XX XXX", "XX XX XX XX", "+47 XXX XX XXX", "+47 XX XX XX XX"],
 "IS": ["XXX XXXX", "+354 XXX XXXX", "XXX-XXXX"],
 "IT": ["06 XXXX XXXX", "02 XXXXXXXX", "333 XXX XXXX", "0331 XXXXXX", "+39 333 XXXXXXX", "+39 06 XXXX XXXX", "347/XXXXXXX", "06-XXXXXXXX"],
 "ES": ["91X XX XX XX", "6XX XXX XXX", "+34 6XX XX XX XX", "+34 91X XXX XXX", "9XX XXX XXX", "6XX XX XX XX"],
 "FR": ["0X XX XX XX XX", "0X.XX.XX.XX.XX", "0X-XX-XX-XX-XX", "+33 X XX XX XX XX", "+33 (0)X XX XX XX XX", "0XXXXXXXXX", "+33X XX XX XX XX"],
 "CH": ["0XX XXX XX XX", "+41 XX XXX XX XX", "0XX/XXX XX XX", "+41 (0)XX XXX XX XX", "07X XXX XX XX"],
 "GB": ["020 XXXX XXXX", "0161 XXX XXXX", "01632 XXXXXX", "07700 XXXXXX", "+44 20 XXXX XXXX", "+44 (0)20 XXXX XXXX",
        "(020) XXXX XXXX", "(01632) XXXXXX", "+44 7700 XXXXXX", "0XXXX XXX XXX", "07XXX XXXXXX", "+44 (0) 1632 XXXXXX", "0044 20 XXXX XXXX"],
 "IE": ["01 XXX XXXX", "087 XXX XXXX", "+353 87 XXX XXXX", "(01) XXX XXXX", "+353 (0)1 XXX XXXX"],
 "US": ["(NXX) NXX-XXXX", "NXX.NXX.XXXX", "1-NXX-NXX-XXXX", "+1 (NXX) NXX-XXXX", "NXX NXX XXXX", "+1 NXX NXX XXXX",
        "1 (800) NXX-XXXX", "NXX-NXX-XXXX ext. XXX", "(NXX) NXX-XXXX x XXXX", "+1.NXX.NXX.XXXX", "NXX-NXX-XXXX #XXX",
        "NXXNXXXXXX", "(NXX)NXX-XXXX", "NXX/NXX-XXXX", "1.NXX.NXX.XXXX", "+1NXXNXXXXXX", "(NXX) NXX XXXX"],
 "AU": ["(0X) XXXX XXXX", "04XX XXX XXX", "04 XXXX XXXX", "+61 X XXXX XXXX", "+61 4XX XXX XXX", "1300 XXX XXX", "0X XXXX XXXX",
        "+61 (0)X XXXX XXXX", "1800 XXX XXX"],
 "BR": ["(11) 9XXXX-XXXX", "(11) XXXX-XXXX", "+55 11 9XXXX-XXXX", "11 9XXXX-XXXX", "+55 (11) 9XXXX-XXXX", "(0XX11) XXXX-XXXX"],
 "ZA": ["082 XXX XXXX", "011 XXX XXXX", "(011) XXX-XXXX", "+27 82 XXX XXXX", "+27 (0)11 XXX XXXX", "0XX-XXX-XXXX"],
 "CY": ["22 XXXXXX", "99 XXXXXX", "+357 99 XXXXXX", "22-XXXXXX"],
 "GR": ["210 XXX XXXX", "69XXXXXXXX", "+30 69X XXX XXXX", "+30 210 XXXXXXX", "2310 XXXXXX"],
 "CN": ["010-XXXXXXXX", "(010) XXXX XXXX", "138 XXXX XXXX", "138XXXXXXXX", "+86 138 XXXX XXXX", "0755-XXXXXXXX", "+86 10 XXXX XXXX"],
 "JP": ["03-XXXX-XXXX", "090-XXXX-XXXX", "+81 3-XXXX-XXXX", "(03) XXXX-XXXX", "+81 90 XXXX XXXX", "0XX-XXX-XXXX"],
 "IN": ["9XXXX XXXXX", "+91 9XXXX XXXXX", "022 XXXX XXXX", "+91-9XXXXXXXXX", "09XXXXXXXXX", "+91 22 XXXX XXXX"],
 "RU": ["8 (495) XXX-XX-XX", "+7 495 XXX-XX-XX", "8 912 XXX XX XX", "+7 (912) XXX-XX-XX", "+7 912 XXX XX XX", "8-912-XXX-XX-XX"],
 "MX": ["55 XXXX XXXX", "(55) XXXX-XXXX", "+52 55 XXXX XXXX", "+52 1 55 XXXX XXXX", "(81) XXXX XXXX"],
 "SG": ["6XXX XXXX", "+65 9XXX XXXX", "+65 6XXX XXXX"],
 "HK": ["2XXX XXXX", "+852 9XXX XXXX"],
 "KR": ["02-XXX-XXXX", "010-XXXX-XXXX", "+82 10-XXXX-XXXX", "031-XXX-XXXX"],
 "TR": ["0212 XXX XX XX", "0532 XXX XX XX", "+90 532 XXX XX XX", "(0212) XXX XX XX", "0 (532) XXX XX XX"],
 "IL": ["03-XXX-XXXX", "052-XXX-XXXX", "+972 52-XXX-XXXX", "+972 3 XXX XXXX"],
 "AE": ["04 XXX XXXX", "050 XXX XXXX", "+971 50 XXX XXXX", "+971 4 XXX XXXX"],
 "PH": ["(02) 8XXX XXXX", "0917 XXX XXXX", "+63 917 XXX XXXX", "+63 2 8XXX XXXX"],
 "AR": ["011 XXXX-XXXX", "+54 9 11 XXXX-XXXX", "(011) XXXX-XXXX", "+54 11 XXXX-XXXX", "15-XXXX-XXXX"],
 "CL": ["+56 9 XXXX XXXX", "9 XXXX XXXX", "(2) XXXX XXXX", "+56 2 XXXX XXXX"],
 "CO": ["300 XXXXXXX", "(1) XXX XXXX", "+57 300 XXX XXXX", "+57 1 XXX XXXX", "601 XXX XXXX"],
}


def national(args, cmd, rnd):
    fill = lambda fmt: "".join(str(rnd.randint(0, 9)) if c == "X" else str(rnd.randint(2, 9)) if c == "N" else c
                               for c in fmt)
    rows = []  # (country, format, cued, text, number)
    for cc, formats in FORMATS.items():
        for fmt in formats:
            for cued, frames in ((False, NO_CUE), (True, CUED)):
                for frame in frames:
                    n = fill(fmt)
                    rows.append((cc, fmt, cued, frame.format(n), n))
    out = subprocess.run(cmd, input="".join(r[3] + "\n" for r in rows), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    hit, total = collections.Counter(), collections.Counter()
    for (cc, fmt, cued, text, n), line in zip(rows, out):
        a, b = byte_range(text, text.index(n), n)
        # Whole: every digit of the number inside one phone finding.
        found = any(s["type"] == "PHONE" and s["start"] <= a and s["end"] >= b for s in json.loads(line)["spans"])
        for key in (cued, (fmt, cued)):
            total[key] += 1
            hit[key] += found
        if not found and args.misses:
            print(f"  missed [{cc}{', cued' if cued else ''}] {n!r} in {text!r}")
    worst = sorted((k for k in total if isinstance(k, tuple) and hit[k] < total[k]), key=lambda k: hit[k] / total[k])
    print(f"National formats ({len(FORMATS)} countries, {sum(map(len, FORMATS.values()))} formats, "
          f"{len(rows)} numbers), found whole: without a cue {hit[False] / total[False]:.3f}, "
          f"with one {hit[True] / total[True]:.3f}")
    if worst:
        print("  least found: " + ", ".join(f"{f!r}{' cued' if c else ''} {hit[(f, c)] / total[(f, c)]:.2f}"
                                             for f, c in worst[:6]))


if __name__ == "__main__":
    main()
