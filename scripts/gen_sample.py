#!/usr/bin/python3
"""Generate a synthetic IT help-desk ticket corpus (standard library only, deterministic).

    /usr/bin/python3 scripts/gen_sample.py --out data/sample --n 4000 --seed 42

Writes tickets.csv (RFC 4180, header row) and/or tickets.jsonl (--format), and README.md
(columns, how labels were made, label counts) into --out.
Columns: id, subject, body, category, priority, queue, requester, created, resolution.
Template text and word lists live in sample_templates.py next to this file.
All personal data is fake (example.com/example.org addresses, fictional phone ranges,
documentation IP ranges for outside hosts, published test card/IBAN numbers).
The same --seed and --n give byte-identical files (for a given version of these scripts).
"""
import argparse
import collections
import csv
import datetime
import json
import os
import random
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sample_templates as T  # noqa: E402

COLUMNS = ["id", "subject", "body", "category", "priority", "queue", "requester", "created", "resolution"]
PRIORITIES = ["P1", "P2", "P3", "P4"]
IMPACTS = ["individual", "team", "org"]
URGENCIES = ["low", "medium", "high"]

# Noise rates (share of tickets).
P_TYPO, P_TYPO_WORD = 0.20, 0.10
P_TERSE, P_RAMBLE, P_FORWARD, P_REPLY = 0.07, 0.07, 0.05, 0.04
P_PRIORITY_NOISE = 0.10
P_VIP = 0.03

_ASCII_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "đ": "d"})


def ascii_slug(s):
    s = unicodedata.normalize("NFKD", s.translate(_ASCII_FOLD)).encode("ascii", "ignore").decode()
    return "".join(ch for ch in s.lower() if ch.isalnum())


def email_of(name, rng):
    first, last = name.split(" ", 1)
    return f"{ascii_slug(first)}.{ascii_slug(last)}@" + ("example.com" if rng.random() < 0.8 else "example.org")


def login_of(name):
    first, last = name.split(" ", 1)
    return "CORP\\" + ascii_slug(first)[:1] + ascii_slug(last)


class Person:
    def __init__(self, rng):
        self.first = rng.choice(T.FIRST_NAMES)
        self.last = rng.choice(T.LAST_NAMES)
        self.name = f"{self.first} {self.last}"
        self.email = email_of(self.name, rng)
        self.user = login_of(self.name)
        self.dept = rng.choice(T.DEPTS)


def phone(rng):
    k = rng.random()
    if k < 0.35:
        n = f"555-01{rng.randrange(100):02d}"
        return rng.choice([f"+1 {rng.choice(['212', '415', '312', '617'])}-{n}", f"+1 555-01{rng.randrange(100):02d}",
                           f"(646) {n}"])
    if k < 0.65:
        x = f"{rng.randrange(1000):03d}"
        return rng.choice([f"+44 20 7946 0{x}", f"020 7946 0{x}", f"+44 (0)20 7946 0{x}"])
    if k < 0.9:
        x = f"{rng.randrange(1000):03d}"
        return rng.choice([f"+49 30 23125 {x}", f"+49 (0)30 23125{x}", f"030 23125 {x}"])
    return f"ext. {rng.randrange(2000, 7999)}"


def ipv4(rng):
    k = rng.random()
    if k < 0.7:
        return f"10.{rng.randrange(1, 60)}.{rng.randrange(0, 255)}.{rng.randrange(2, 254)}"
    if k < 0.85:
        return f"192.168.{rng.randrange(0, 20)}.{rng.randrange(2, 254)}"
    return f"172.{rng.randrange(16, 32)}.{rng.randrange(0, 255)}.{rng.randrange(2, 254)}"


HOST_ROLE = {"database": ["db", "sql", "ora"], "printer": ["print"], "storage": ["fs", "nas", "file"],
             "network": ["app", "web", "dc", "proxy"], "vpn": ["app", "rdp", "web", "jump"],
             "cloud_alert": ["k8s", "app", "api"]}


def hostname(rng, ctx):
    role = rng.choice(HOST_ROLE.get(ctx.get("_cat"), ["app", "web", "db", "fs", "dc", "mq", "k8s"]))
    site = rng.choice(["", "", "fra-", "lon-", "nyc-", "sin-"])
    return f"{site}srv-{role}-{rng.randrange(1, 40):02d}.corp.example.com"


def date_str(rng):
    d = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(366))
    return rng.choice([d.isoformat(), d.strftime("%d %B"), d.strftime("%B %d"), d.strftime("%d.%m.%Y")])


def person_slot(attr):
    return lambda rng, ctx: getattr(Person(rng), attr)


def ch(seq):
    return lambda rng, ctx: rng.choice(seq)


SLOTS = {
    # requester (set per ticket; these are fallbacks)
    "rname": person_slot("name"), "rfirst": person_slot("first"), "remail": person_slot("email"),
    "rdept": ch(T.DEPTS), "user": person_slot("user"),
    # other people
    "colleague": person_slot("name"), "manager": person_slot("name"), "newhire": person_slot("name"),
    "cemail": lambda rng, ctx: email_of(ctx["colleague"], rng),
    "nemail": lambda rng, ctx: email_of(ctx["newhire"], rng),
    "user2": lambda rng, ctx: login_of(ctx["colleague"]),
    "agent": ch(["Tom", "Priya", "Service Desk", "Jana", "Marco"]),
    "extemail": lambda rng, ctx: rng.choice(["billing", "security", "no-reply", "hr-payroll"]) + "@" +
    rng.choice(["secure.example.org", "example.org", "m365.example.com"]),
    "phone": lambda rng, ctx: phone(rng), "emp": lambda rng, ctx: f"EMP-{rng.randrange(100000, 999999)}",
    "card": ch(["4111 1111 1111 1111", "5555 5555 5555 4444", "4012888888881881", "3782 822463 10005"]),
    "iban": ch(["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606"]),
    # organisation
    "dept": ch(T.DEPTS), "dept2": ch(T.DEPTS), "office": ch(T.OFFICES), "jobtitle": ch(T.JOBTITLES),
    "floor": lambda rng, ctx: str(rng.randrange(1, 12)),
    "room": lambda rng, ctx: rng.choice(["", "B", "C"]) + f"{rng.randrange(1, 9)}.{rng.randrange(1, 40):02d}",
    "cc": lambda rng, ctx: f"CC-{rng.randrange(1000, 9999)}",
    "startdate": lambda rng, ctx: date_str(rng), "date": lambda rng, ctx: date_str(rng),
    "day": ch(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "the weekend"]),
    "month": ch(["January", "March", "May", "July", "September", "November"]),
    "time": lambda rng, ctx: f"{rng.randrange(6, 20):02d}:{rng.randrange(0, 60, 5):02d}",
    "n": lambda rng, ctx: str(rng.randrange(3, 25)), "big": lambda rng, ctx: str(rng.randrange(200, 5000, 50)),
    "mins": ch(["10", "15", "20", "30", "45"]), "pct": ch(["85", "90", "92", "95", "97", "98", "99"]),
    "ticket_ref": lambda rng, ctx: f"INC{rng.randrange(10**6, 10**7)}",
    "change": lambda rng, ctx: f"CHG{rng.randrange(10**6, 10**7)}",
    "kb": lambda rng, ctx: f"KB{rng.randrange(10**6, 10**7)}",
    # systems and things
    "app": ch(T.APPS), "sys": ch(T.SYSTEMS), "role": ch(T.ROLES), "plugin": ch(T.PLUGINS), "os": ch(T.OSES),
    "laptop": ch(T.LAPTOPS), "monitor": ch(T.MONITORS), "dock": ch(T.DOCKS), "printer": ch(T.PRINTERS),
    "bsod": ch(T.BSODS), "vpnclient": ch(T.VPNCLIENTS), "ssid": ch(T.SSIDS),
    "version": lambda rng, ctx: f"{rng.randrange(1, 25)}.{rng.randrange(0, 10)}.{rng.randrange(0, 20)}",
    "serial": lambda rng, ctx: "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8)),
    "asset": lambda rng, ctx: f"AT-{rng.randrange(10000, 99999)}",
    "lhost": lambda rng, ctx: f"LT-{rng.choice(['FIN', 'HR', 'SAL', 'ENG', 'MKT', 'LEG'])}-{rng.randrange(1000, 9999)}",
    "group": lambda rng, ctx: rng.choice(["GG-", "SG_", "grp-"]) + rng.choice(T.DEPTS).replace(" ", "").replace("&", "")
    + rng.choice(["-RW", "-RO", "_Users", "_Admins", "-Reporting"]),
    "share": lambda rng, ctx: "\\\\" + rng.choice(["fs01", "fs02", "nas-fra", "files"]) + "\\"
    + rng.choice(T.DEPTS).replace(" ", "") + rng.choice(["", "\\Projects", "\\Reports", "\\Archive"]),
    "drive": ch(["H", "S", "P", "G", "K"]),
    "folder": ch(["Q3 Reports", "Contracts 2024", "Budget", "Invoices", "Team Photos", "Audit"]),
    "file": ch(["Budget_2024_v3.xlsx", "contract_final.docx", "board-deck.pptx", "forecast.xlsx", "minutes.docx"]),
    "size": ch(["50", "100", "200", "500"]), "size2": ch(["250", "500", "1000"]),
    "vol": lambda rng, ctx: f"vol{rng.randrange(1, 30):02d}",
    "mailbox": lambda rng, ctx: rng.choice(["invoices", "support", "hr-team", "sales-emea", "info"]) + "@example.com",
    "dl": lambda rng, ctx: "dl-" + rng.choice(["all-berlin", "finance", "managers", "sales-emea", "it-news"])
    + "@example.com",
    "extdomain": ch(["example.org", "client.example.org", "partner.example.com"]),
    "printq": lambda rng, ctx: "-".join(["PRN", rng.choice(["BER", "LON", "NYC", "MUC"]),
                                         f"{rng.randrange(1, 12):02d}", rng.choice(["A", "B", "COLOR"])]),
    "jira": ch(["FIN", "OPS", "DATA", "WEB", "MOBILE", "INFRA"]),
    "awsacct": lambda rng, ctx: str(rng.randrange(10**11, 10**12)),
    "svc": ch(["backup", "reporting", "sqlagent", "etl", "jenkins", "sftp"]),
    "host": hostname, "ip": lambda rng, ctx: ipv4(rng),
    # outside addresses come from the documentation ranges (RFC 5737)
    "extip": lambda rng, ctx: f"{rng.choice(['203.0.113', '198.51.100', '192.0.2'])}.{rng.randrange(1, 255)}",
    "ipdash": lambda rng, ctx: f"10-{rng.randrange(0, 60)}-{rng.randrange(0, 255)}-{rng.randrange(2, 254)}",
    "port": ch(["443", "8443", "22", "3389", "1433", "5432", "9100", "8080"]),
    "switch": lambda rng, ctx: f"sw-{rng.choice(['ber', 'lon', 'nyc'])}-fl{rng.randrange(1, 12)}-{rng.randrange(1, 4)}",
    "vlan": lambda rng, ctx: str(rng.randrange(10, 400)),
    "gateway": lambda rng, ctx: f"vpn-{rng.choice(['eu', 'us', 'apac'])}{rng.randrange(1, 4)}.corp.example.com",
    "bank": ch(T.BANKS), "malware": ch(T.MALWARE), "country": ch(T.COUNTRIES),
    "badurl": lambda rng, ctx: f"http://login-{rng.choice(['m365', 'docusign', 'sso'])}.example.org/verify",
    "cloud": ch(T.CLOUDS), "metric": ch(T.METRICS), "region": ch(T.REGIONS),
    "cluster": lambda rng, ctx: "-".join([rng.choice(["prod", "staging", "shared"]),
                                          rng.choice(["eks", "aks", "gke"]), str(rng.randrange(1, 4))]),
    "alarm": lambda rng, ctx: "-".join([rng.choice(["prod", "stg"]), rng.choice(["api", "web", "orders", "billing"]),
                                        rng.choice(["cpu-high", "5xx", "latency", "disk"])]),
    "azres": lambda rng, ctx: "-".join(["vm", rng.choice(["app", "sql", "web"]), rng.choice(["weu", "neu"]),
                                        f"{rng.randrange(1, 20):02d}"]),
    "ns": ch(["payments", "checkout", "auth", "search", "default", "data-ingest"]),
    "instance": lambda rng, ctx: "i-0" + "".join(rng.choice("0123456789abcdef") for _ in range(16)),
    "bucket": lambda rng, ctx: "-".join(["corp", rng.choice(["backups", "exports", "logs", "data-lake"]),
                                         rng.choice(["prod", "eu", "archive"])]),
    "url": lambda rng, ctx: f"https://{rng.choice(['portal', 'api', 'shop', 'intranet'])}.example.com",
    "lambda": ch(["order-processor", "invoice-pdf", "thumbnailer", "etl-loader"]),
    "asg": lambda rng, ctx: f"asg-{rng.choice(['web', 'api', 'workers'])}-prod",
    "dbengine": ch(T.DB_ENGINES), "db": ch(T.DB_NAMES),
    "err_net": ch(T.ERR_NET), "err_vpn": ch(T.ERR_VPN), "err_win": ch(T.ERR_WIN), "err_mail": ch(T.ERR_MAIL),
    "err_auth": ch(T.ERR_AUTH), "err_http": ch(T.ERR_HTTP), "err_db": ch(T.ERR_DB), "err_print": ch(T.ERR_PRINT),
    "err": lambda rng, ctx: rng.choice(rng.choice([T.ERR_NET, T.ERR_WIN, T.ERR_HTTP, T.ERR_AUTH])),
}


class Ctx(dict):
    """Slot values for one ticket, generated on first use and then reused (consistent text)."""

    def __init__(self, rng, cat):
        super().__init__(_cat=cat)
        self.rng = rng

    def __missing__(self, key):
        value = SLOTS[key](self.rng, self)
        self[key] = value
        return value


def fill(template, ctx):
    return template.format_map(ctx)


KEYBOARD_NEIGHBOURS = {a: b for a, b in zip("qwertyuiopasdfghjklzxcvbnm", "wertyuioplsdfghjkllxcvbnmn")}


def typo(word, rng):
    i = rng.randrange(len(word) - 1)
    k = rng.random()
    if k < 0.35:  # swap
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if k < 0.65:  # drop
        return word[:i] + word[i + 1:]
    if k < 0.8:  # double
        return word[:i] + word[i] + word[i:]
    c = word[i].lower()
    return word[:i] + KEYBOARD_NEIGHBOURS.get(c, c) + word[i + 1:]


def add_typos(text, rng):
    out = []
    for line in text.split("\n"):
        words = line.split(" ")
        for j, w in enumerate(words):
            if len(w) >= 4 and w.isalpha() and rng.random() < P_TYPO_WORD:
                words[j] = typo(w, rng)
        out.append(" ".join(words))
    return "\n".join(out)


def pick_subject(rng, cat, body_t, links):
    """Mostly a subject that fits the body; sometimes vague, cut from the body, or loosely worded."""
    r = rng.random()
    if r < 0.07:
        return rng.choice(T.VAGUE_SUBJECTS)
    if r < 0.17:
        words = body_t.split(".")[0].split(" ")
        return " ".join(words[:rng.randrange(5, 9)]).rstrip(",")
    if r < 0.9:
        return T.C[cat]["subjects"][rng.choice(links)]
    return rng.choice(T.C[cat]["subjects"])


def weighted(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def pick_impact_urgency(rng, cat):
    impact = weighted(rng, IMPACTS, T.IMPACT_MIX[cat])
    urgency = weighted(rng, URGENCIES, T.URGENCY_MIX[cat])
    # Whether the cue is actually written; unwritten cues fall back to the default reading.
    said_impact = impact != "individual" and rng.random() < 0.9
    said_urgency = rng.random() < (0.85 if urgency != "medium" else 0.45)
    return (impact if said_impact else "individual", urgency if said_urgency else "medium",
            said_impact, said_urgency)


def rule_priority(cat, impact, urgency, vip):
    table = {("org", "high"): 1, ("org", "medium"): 2, ("org", "low"): 2,
             ("team", "high"): 2, ("team", "medium"): 3, ("team", "low"): 3,
             ("individual", "high"): 2, ("individual", "medium"): 3, ("individual", "low"): 4}
    p = table[(impact, urgency)]
    if cat in ("security_incident", "cloud_alert"):
        p = min(p, 3) - (1 if urgency == "high" and impact != "individual" else 0)
    if vip:
        p -= 1
    return max(1, min(4, p))


def choose_queue(rng, cat):
    primary, secondary = T.QUEUES[cat]
    r = rng.random()
    for q, p in secondary:
        if r < p:
            return q
        r -= p
    return primary


def created_at(rng):
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(366))
    while day.weekday() >= 5 and rng.random() < 0.85:
        day += datetime.timedelta(days=1)
    hour = min(23, max(0, int(rng.gauss(12.5, 3.2)))) if rng.random() < 0.93 else rng.randrange(24)
    return datetime.datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60))


def earlier(rng, when, min_minutes, max_minutes):
    """A mail-client style date some time before `when` (for quoted and forwarded mail)."""
    t = when - datetime.timedelta(minutes=rng.randrange(min_minutes, max_minutes))
    return t.strftime(rng.choice(["%a, %d %b %Y at %H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"]))


def signature(rng, ctx):
    return fill(rng.choice(T.SIGNATURES), ctx)


REQUEST_CATEGORIES = ("access_request", "software_install", "hr_onboarding")


def compose(rng, cat, ctx, subject_t, body_t, impact, urgency, said_impact, said_urgency, vip, flags):
    """Builds (subject, body) for one ticket."""
    spec = T.C[cat]
    subject = fill(subject_t, ctx)
    style = rng.random()
    sentences = [fill(body_t, ctx)]
    cues = []
    if said_impact:
        kind = impact + ("_request" if cat in REQUEST_CATEGORIES else "")
        cues.append(fill(rng.choice(T.IMPACT_CUES[kind]), ctx))
    if said_urgency and urgency != "medium":
        cues.append(fill(rng.choice(T.URGENCY_CUES[urgency]), ctx))
    elif said_urgency and rng.random() < 0.6:
        cues.append(fill(rng.choice(T.URGENCY_CUES["medium"]), ctx))
    if vip:
        cues.append(fill(rng.choice(T.VIP_CUES), ctx))

    # Subject decorations follow the cues.
    if urgency == "high" and said_urgency and rng.random() < 0.35:
        subject = rng.choice(T.SUBJECT_PREFIX["high"]) + subject
    elif impact == "org" and said_impact and rng.random() < 0.3:
        subject = rng.choice(T.SUBJECT_PREFIX["org"]) + subject
    elif urgency == "low" and said_urgency and rng.random() < 0.25:
        subject += rng.choice(T.SUBJECT_SUFFIX_LOW)

    if cat != "out_of_scope" and style < P_TERSE:
        flags["terse"] += 1
        if rng.random() < 0.6:  # first clause of the description, as typed in a hurry
            body = sentences[0].split(". ")[0].rstrip(".")
            if len(body) > 80 and ", " in body:
                body = body.split(", ")[0]
        else:
            body = fill(rng.choice(spec["terse"]), ctx)
            ctx["_generic_resolution"] = True
        if rng.random() < 0.7:
            body = body.lower()
        if cues:
            body += ". " + " ".join(cues).lower()
        if rng.random() < 0.4:
            subject = body.split(".")[0][:60]
        return subject, body

    if spec["details"]:
        for d in rng.sample(spec["details"], k=min(len(spec["details"]), rng.choice([0, 0, 1, 1, 2]))):
            sentences.append(fill(d, ctx))
    if rng.random() < 0.3:
        sentences.append(fill(rng.choice(T.FILLERS), ctx))
    if cat != "out_of_scope" and style > 1 - P_RAMBLE:
        flags["rambling"] += 1
        extra = [fill(s, ctx) for s in rng.sample(T.FILLERS, k=rng.randrange(3, 7))]
        extra += [fill(s, ctx) for s in rng.sample(T.CROSS_MENTIONS, k=rng.randrange(1, 3))]
        sentences = sentences[:1] + extra[:2] + sentences[1:] + extra[2:]
    elif rng.random() < 0.04:
        sentences.append(fill(rng.choice(T.CROSS_MENTIONS), ctx))
    sentences += cues
    if rng.random() < 0.35:
        sentences.append(fill(rng.choice(T.PII_SENTENCES), ctx))
    if rng.random() < 0.02:
        sentences.append(fill(rng.choice(T.PII_RARE), ctx))
    if len(sentences) > 3 and rng.random() < 0.5:
        cut = rng.randrange(1, len(sentences))
        text = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
    else:
        text = " ".join(sentences)

    parts = []
    if rng.random() < 0.55:
        parts.append(fill(rng.choice(T.GREETINGS), ctx))
    parts.append(text)
    has_sig = rng.random() < 0.4
    if rng.random() < (0.15 if has_sig else 0.5):
        parts.append(rng.choice(T.CLOSINGS))
    if has_sig:
        parts.append(signature(rng, ctx))
    body = "\n\n".join(parts)

    if cat != "out_of_scope":
        r = rng.random()
        if r < P_FORWARD:
            flags["forwarded"] += 1
            prev = Ctx(rng, cat)
            prev.update(rname=ctx["colleague"], rfirst=ctx["colleague"].split(" ")[0], remail=ctx["cemail"],
                        user=login_of(ctx["colleague"]))
            prev_body = fill(rng.choice(spec["bodies"])[0], prev) + "\n\n" + signature(rng, prev)
            note = rng.choice(["See below, can you help?", "Forwarding this, same problem here.",
                               "FYI - {colleague} asked me to forward this to you.", "Please see the thread below."])
            body = (fill(note, ctx) + "\n\n" + body + "\n\n---------- Forwarded message ---------\n"
                    f"From: {ctx['colleague']} <{ctx['cemail']}>\nDate: {earlier(rng, ctx['_created'], 30, 4320)}\n"
                    f"Subject: {subject}\nTo: {ctx['remail']}\n\n{prev_body}")
            subject = rng.choice(["FW: ", "Fwd: ", "WG: "]) + subject
        elif r < P_FORWARD + P_REPLY:
            flags["reply_thread"] += 1
            quote = rng.choice(T.AGENT_QUOTES)
            still = rng.choice(["Still not working, see below.", "Same problem again today.",
                                "This is happening again.", "No, it's not fixed."])
            when = earlier(rng, ctx["_created"], 1440, 14400)
            body = (still + "\n\n" + body + f"\n\nOn {when}, Service Desk <servicedesk@example.com> wrote:\n"
                    f"> {quote}\n>\n> -----Original request-----\n> {sentences[0]}")
            subject = "RE: " + subject

    k = rng.random()
    if k < 0.05:
        subject = subject.upper()
    elif k < 0.12:
        subject = subject.lower()
    return subject, body


def make_ticket(rng, flags):
    r = rng.random()
    cats = list(T.CATEGORY_WEIGHTS)
    ambiguous = None
    if r < T.OUT_OF_SCOPE_SHARE:
        cat = "out_of_scope"
    elif r < T.OUT_OF_SCOPE_SHARE + T.AMBIGUOUS_SHARE:
        pair, options = rng.choice(T.AMBIGUOUS)
        cat = rng.choice(pair)
        ambiguous = rng.choice(options)
        flags["ambiguous"] += 1
    else:
        cat = weighted(rng, cats, [T.CATEGORY_WEIGHTS[c] for c in cats])
        if r > 1 - T.CONTEXT_FREE_SHARE:
            flags["context_free"] += 1
            ambiguous = (rng.choice(T.VAGUE_SUBJECTS + ["RE: {ticket_ref}", "Follow-up {ticket_ref}"]),
                         rng.choice(T.CONTEXT_FREE), rng.choice(T.C[cat]["bodies"])[2])
    spec = T.C[cat]
    requester = Person(rng)
    ctx = Ctx(rng, cat)
    ctx.update(_created=created_at(rng), rname=requester.name, rfirst=requester.first, remail=requester.email,
               rdept=requester.dept, user=requester.user)
    if cat == "out_of_scope":
        impact, urgency, si, su, vip = "individual", "low", False, False, False
    else:
        impact, urgency, si, su = pick_impact_urgency(rng, cat)
        vip = rng.random() < P_VIP
    if ambiguous:
        subject_t, body_t, res_t = ambiguous
    else:
        body_t, links, res_t = rng.choice(spec["bodies"])
        subject_t = pick_subject(rng, cat, body_t, links)
    subject, body = compose(rng, cat, ctx, subject_t, body_t, impact, urgency, si, su, vip, flags)
    if cat != "out_of_scope" and (rng.random() < 0.06 or ctx.get("_generic_resolution")):
        res_t = rng.choice(T.GENERIC_RESOLUTIONS)
    if cat == "out_of_scope":
        prio = 4
    else:
        prio = rule_priority(cat, impact, urgency, vip)
        if rng.random() < P_PRIORITY_NOISE:
            flags["priority_noise"] += 1
            prio = max(1, min(4, prio + rng.choice([-1, 1])))
    if rng.random() < P_TYPO:
        flags["typos"] += 1
        subject, body = add_typos(subject, rng), add_typos(body, rng)
    queue = choose_queue(rng, cat)
    if cat != "out_of_scope" and rng.random() < T.MISTRIAGE_SHARE:
        flags["mistriaged"] += 1
        cat = rng.choice(T.NEIGHBOURS[cat])
    return {"subject": subject, "body": body, "category": cat, "priority": PRIORITIES[prio - 1],
            "queue": queue, "requester": requester.name, "created": ctx["_created"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "resolution": fill(res_t, ctx)}


def generate(n, seed):
    rng = random.Random(seed)
    flags = collections.Counter()
    rows = [make_ticket(rng, flags) for _ in range(n)]
    rows.sort(key=lambda t: t["created"])
    for i, t in enumerate(rows, 1):
        t["id"] = f"TCK-{i:06d}"
    return [{c: t[c] for c in COLUMNS} for t in rows], flags


def table(counter, total, header):
    lines = [f"| {header} | tickets | share |", "| --- | ---: | ---: |"]
    for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {k} | {v} | {100.0 * v / total:.1f}% |")
    return "\n".join(lines)


def readme(rows, flags, args, split=None):
    n = len(rows)
    cat = collections.Counter(r["category"] for r in rows)
    pri = collections.Counter(r["priority"] for r in rows)
    que = collections.Counter(r["queue"] for r in rows)
    cmd = f"/usr/bin/python3 scripts/gen_sample.py --out {args.out} --n {args.n} --seed {args.seed}"
    if args.format != "both":
        cmd += f" --format {args.format}"
    if split:
        cmd += f" --split {args.split:g}"
    noise = "\n".join(f"- {k.replace('_', ' ')}: {flags[k]} tickets ({100.0 * flags[k] / n:.1f}%)"
                      for k in ["ambiguous", "context_free", "mistriaged", "priority_noise", "typos", "terse",
                                "rambling", "forwarded", "reply_thread"])
    files = []
    if args.format in ("csv", "both"):
        files.append("- `tickets.csv`: RFC 4180 CSV (UTF-8, header row, quoted fields, embedded newlines).")
    if args.format in ("jsonl", "both"):
        files.append("- `tickets.jsonl`: " + ("the same records, " if args.format == "both" else "the records, ")
                     + "one JSON object per line (UTF-8).")
    if split:
        ext = {"csv": "csv", "jsonl": "jsonl", "both": "{csv,jsonl}"}[args.format]
        files.append(f"- `train.{ext}` ({len(split[0])} tickets) and `test.{ext}` ({len(split[1])} tickets): "
                     f"a seeded random hold-out split ({args.split:g} for test) of the same tickets.")
    files = "\n".join(files)
    return f"""# Synthetic help-desk tickets (sample)

{n} invented IT help-desk tickets made by `scripts/gen_sample.py`, for training and
evaluating the frontline specialists (category, queue, priority) and for exercising the
privacy guard. Nothing here comes from a real ticketing system; it is generated and can be
remade at any time with:

    {cmd}

The same seed and count give byte-identical files.

## Files

{files}

## Columns

| column | meaning |
| --- | --- |
| id | ticket id, `TCK-000001`..., in order of `created` |
| subject | e-mail style subject line (may carry `RE:`/`FW:`, `URGENT:`, all-caps or lower case) |
| body | free text: greeting, description, details, impact/urgency cues, signature, quoted or forwarded threads |
| category | label: what the ticket is about ({len(cat)} values, including `out_of_scope`) |
| priority | label: `P1` (critical) ... `P4` (low) |
| queue | label: the assignment group that handled it |
| requester | full name of the (fake) person who opened it |
| created | ISO 8601 timestamp in UTC, during 2024 |
| resolution | short note on how the ticket was resolved |

## How labels were made

- **category**: the template family the ticket was drawn from; class sizes are imbalanced on
  purpose (largest about 3x smallest). About {T.AMBIGUOUS_SHARE:.0%} of tickets are written to fit two
  categories (e.g. VPN + account lockout, printer + network) and carry one of the two at
  random; about {T.CONTEXT_FREE_SHARE:.0%} are follow-ups that do not say what they are about ("still
  waiting for an update"); about {T.MISTRIAGE_SHARE:.0%} carry a neighbouring category, as human triage
  sometimes does. `out_of_scope` ({T.OUT_OF_SCOPE_SHARE:.0%}) covers lunch orders, spam, thank-you
  replies and personal questions; these are always P4 and `service_desk`.
- **priority**: a rule over the impact and urgency that the text states (a ticket that states
  neither is read as one user, normal urgency):

  | impact \\ urgency | no rush | normal | urgent |
  | --- | --- | --- | --- |
  | one user | P4 | P3 | P2 |
  | team / department | P3 | P3 | P2 |
  | whole organisation / production | P2 | P2 | P1 |

  then one level higher for VIP requesters (CEO, CFO...); security incidents and cloud alerts
  are never below P3 and one level higher when urgent beyond a single user. Finally
  {P_PRIORITY_NOISE:.0%} of tickets are moved one level up or down at random (label noise).
- **queue**: a fixed primary assignment group per category, with a few percent reassigned to a
  plausible other group. It follows what the ticket is about, not a mis-triaged category.

## Noise and personal data

{noise}

Bodies contain fake personal data for the privacy guard: names, `@example.com` /
`@example.org` e-mail addresses, phone numbers from fictional ranges (`555-01xx`,
`+44 20 7946 0xxx`, `+49 30 23125 xxx`), employee ids (`EMP-123456`), Windows logins
(`CORP\\jdoe`), private IPv4 addresses, host names under `corp.example.com`, and rarely
published test card numbers (`4111 1111 1111 1111`) and test IBANs (`DE89 3704 0044 0532 0130 00`).

## Label distributions

{table(cat, n, "category")}

{table(pri, n, "priority")}

{table(que, n, "queue")}
"""


def split_rows(rows, fraction, seed):
    """Seeded hold-out split: (train, test), each in id order; test has round(n * fraction) rows."""
    order = list(range(len(rows)))
    random.Random(f"split-{seed}").shuffle(order)
    test_ids = set(order[:round(len(rows) * fraction)])
    return ([r for i, r in enumerate(rows) if i not in test_ids], [r for i, r in enumerate(rows) if i in test_ids])


def write_rows(out, stem, rows, fmt):
    if fmt in ("csv", "both"):
        with open(os.path.join(out, stem + ".csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
            w.writeheader()
            w.writerows(rows)
    if fmt in ("jsonl", "both"):
        with open(os.path.join(out, stem + ".jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="data/sample", help="output folder (created if missing)")
    ap.add_argument("--n", type=int, default=4000, help="number of tickets (default 4000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--format", choices=["csv", "jsonl", "both"], default="both",
                    help="which ticket files to write (default both); README.md is always written")
    ap.add_argument("--split", type=float, default=0.0, metavar="FRACTION",
                    help="also write train/test files with this share of tickets held out for test "
                         "(seeded; default 0: no split)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be positive")
    if not 0.0 <= args.split < 1.0:
        ap.error("--split must be in [0, 1)")
    rows, flags = generate(args.n, args.seed)
    os.makedirs(args.out, exist_ok=True)
    write_rows(args.out, "tickets", rows, args.format)
    split = None
    if args.split > 0:
        split = split_rows(rows, args.split, args.seed)
        write_rows(args.out, "train", split[0], args.format)
        write_rows(args.out, "test", split[1], args.format)
    with open(os.path.join(args.out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme(rows, flags, args, split))
    print(f"wrote {len(rows)} tickets to {args.out} ({args.format})"
          + (f", split {len(split[0])} train / {len(split[1])} test" if split else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
