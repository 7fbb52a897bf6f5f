#!/usr/bin/env python3
"""Writes the demo's knowledge base: Markdown runbooks for the sample ticket categories,
made from the sample generator's own ticket templates (their symptoms and the fixes the
sample tickets record). Three articles per category (45 in all), each with Symptoms,
Checks and Steps sections, so that `frontline index` has runbooks that match the tickets
of `make demo`.

usage: gen_kb.py --out DIR [--seed 1]
"""
import argparse
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_sample as G  # noqa: E402
import sample_templates as T  # noqa: E402

NAMES = {
    "access_request": "Access requests", "account_lockout": "Account lockouts", "password_reset": "Passwords",
    "hardware": "Hardware", "network": "Network", "vpn": "VPN", "software_install": "Software installation",
    "email": "E-mail", "printer": "Printing", "security_incident": "Security incidents",
    "cloud_alert": "Cloud alerts", "hr_onboarding": "Onboarding", "storage": "Storage and file shares",
    "database": "Databases",
}

def fill(rng, cat, template):
    ctx = G.Ctx(rng, cat)
    # Runbooks speak generically: people become roles.
    for slot in ("rname", "rfirst", "colleague", "manager", "newhire", "user", "user2"):
        ctx[slot] = "the user"
    try:
        return G.fill(template, ctx)
    except (KeyError, IndexError, ValueError):
        return re.sub(r"\{[a-z_0-9]+\}", "the system", template)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    n = 0
    for cat, name in NAMES.items():
        c = T.C[cat]
        bodies = list(c["bodies"])
        rng.shuffle(bodies)
        for k in range(3):
            # Each article covers a slice of the category's symptoms and their fixes.
            part = bodies[k::3] or bodies[:1]
            subject = fill(rng, cat, rng.choice(c["subjects"]))
            lines = [f"# {name}: {subject}", "",
                     f"Runbook for tickets about {name.lower()} ({cat.replace('_', ' ')}).", "",
                     "## Symptoms", ""]
            lines += [f"- {fill(rng, cat, b[0])}" for b in part]
            lines += ["", "## Checks", ""]
            lines += [f"- {fill(rng, cat, d)}" for d in rng.sample(c["details"], min(3, len(c["details"])))]
            lines += ["", "## Steps", ""]
            lines += [f"{i + 1}. {fill(rng, cat, b[2])}" for i, b in enumerate(part)]
            lines += ["", "## Escalation", "",
                      f"If the steps do not help, assign the ticket to {T.QUEUES[cat][0].replace('_', ' ')}.", ""]
            path = os.path.join(a.out, f"{cat}-{k + 1}.md")
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            n += 1
    print(f"wrote {n} runbooks to {a.out}")

if __name__ == "__main__":
    main()
