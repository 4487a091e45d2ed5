#!/usr/bin/env python3
"""stix_check.py BUNDLE.json DOMAINS.txt -- structural validation of a STIX 2.1
bundle as fluxwatch exports it (the rules of the STIX 2.1 specification for
bundles, common properties, identity and indicator objects), and that its
indicators are exactly the domains listed. Prints what is wrong; exits 1."""
import json
import re
import sys

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
PATTERN = re.compile(r"^\[domain-name:value = '((?:[^'\\]|\\.)*)'\]$")
errors = []


def need(cond, what):
    if not cond:
        errors.append(what)
    return cond


def check_common(o, ids):
    t = o.get("type", "")
    need(re.fullmatch(t + "--" + UUID, o.get("id", "")), f"bad id {o.get('id')!r} for type {t!r}")
    need(o.get("id") not in ids, f"duplicate id {o.get('id')}")
    ids.add(o.get("id"))
    need(o.get("spec_version") == "2.1", f"{o.get('id')}: spec_version is not 2.1")
    for k in ("created", "modified"):
        need(isinstance(o.get(k), str) and TS.match(o[k]), f"{o.get('id')}: bad {k} {o.get(k)!r}")
    if TS.match(str(o.get("created"))) and TS.match(str(o.get("modified"))):
        need(o["modified"] >= o["created"], f"{o['id']}: modified before created")


def check_indicator(o, identities):
    m = PATTERN.match(o.get("pattern", ""))
    need(m, f"{o['id']}: pattern {o.get('pattern')!r} is not a domain-name comparison")
    need(o.get("pattern_type") == "stix", f"{o['id']}: pattern_type")
    need(isinstance(o.get("valid_from"), str) and TS.match(o["valid_from"]), f"{o['id']}: valid_from")
    need(isinstance(o.get("name"), str) and o["name"], f"{o['id']}: name")
    need(isinstance(o.get("indicator_types"), list) and o["indicator_types"], f"{o['id']}: indicator_types")
    need(isinstance(o.get("labels"), list) and all(isinstance(x, str) for x in o["labels"]), f"{o['id']}: labels")
    c = o.get("confidence")
    need(isinstance(c, int) and 0 <= c <= 100, f"{o['id']}: confidence {c!r}")
    need(o.get("created_by_ref") in identities, f"{o['id']}: created_by_ref names no identity in the bundle")
    return m.group(1) if m else None


def main():
    bundle = json.load(open(sys.argv[1]))
    want = set(open(sys.argv[2]).read().split())
    need(bundle.get("type") == "bundle", "not a bundle")
    need(re.fullmatch("bundle--" + UUID, bundle.get("id", "")), "bad bundle id")
    objs = bundle.get("objects", [])
    ids = set()
    for o in objs:
        check_common(o, ids)
    identities = {o["id"] for o in objs if o.get("type") == "identity"}
    for o in objs:
        if o.get("type") == "identity":
            need(o.get("name") and o.get("identity_class"), f"{o['id']}: identity without name/class")
    got = {check_indicator(o, identities) for o in objs if o.get("type") == "indicator"}
    need(got == want, f"indicators {sorted(got)} != flagged domains {sorted(want)}")
    for e in errors:
        print(e)
    print(f"stix: {len(objs)} objects, {len(got)} indicators, {len(errors)} problems")
    sys.exit(1 if errors else 0)


main()
