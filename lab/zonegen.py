#!/usr/bin/env python3
"""zonegen -- turn a flux-lab scenario (YAML) into PowerDNS zone files.

usage: zonegen.py SCENARIO ASN_DIR OUT_DIR

ASN_DIR holds asn-ipv4.csv and asn-ipv6.csv in the ip-location-db format
(start,end,asn,org). OUT_DIR receives one BIND zone file per zone, named.conf
for PowerDNS's bind backend, truth.csv (domain,label) and seeds.txt (the
tracked names). Rotating answers are LUA records that pick a slice of the
pool from os.time() (and from `who`, the querying resolver, when
per_vantage is set); a fixed answer is written as plain records.
"""
import csv
import ipaddress
import math
import os
import random
import sys
import zlib

import yaml

SOA_TIMERS = "1 60 60 600 5"


class ScenarioError(Exception):
    pass


def load_asn_ranges(asn_dir):
    """{4: {asn: [(start, end)]}, 6: {...}} from the ip-location-db CSVs."""
    ranges = {4: {}, 6: {}}
    for fam in (4, 6):
        path = os.path.join(asn_dir, "asn-ipv%d.csv" % fam)
        try:
            fh = open(path, newline="", encoding="utf-8")
        except OSError as exc:
            raise ScenarioError("%s: %s (run script/bootstrap to fetch the ASN data)" % (path, exc.strerror))
        with fh:
            for lineno, row in enumerate(csv.reader(fh), 1):
                if len(row) < 3 or not row[2].isdigit():
                    raise ScenarioError("%s:%d: expected start,end,asn,org" % (path, lineno))
                start = int(ipaddress.ip_address(row[0]))
                end = int(ipaddress.ip_address(row[1]))
                ranges[fam].setdefault(int(row[2]), []).append((start, end))
    return ranges


class Pools:
    """Draws address pools from real routed ranges, deterministically."""

    def __init__(self, ranges, cdn_asns, seed):
        self.ranges = ranges
        self.cdn = set(cdn_asns)
        self.seed = seed
        self.big = {}

    def _candidates(self, fam):
        # ASNs whose largest range holds a /24 (v4) or a /48 (v6): room for a pool
        if fam not in self.big:
            need = 256 if fam == 4 else 1 << 80
            self.big[fam] = sorted(a for a, rs in self.ranges[fam].items()
                                   if a not in self.cdn and max(e - s for s, e in rs) >= need)
        return self.big[fam]

    def draw(self, where, fam, spec):
        """[(asn, [address ints])] for a pool spec {asns: N | asn: [...], per_asn: K}."""
        rng = random.Random(self.seed ^ zlib.crc32(where.encode()))
        per = int(spec.get("per_asn", 1))
        if "asn" in spec:
            asns = [int(a) for a in spec["asn"]]
            missing = [a for a in asns if a not in self.ranges[fam]]
            if missing:
                raise ScenarioError("%s: AS%s has no IPv%d ranges in the ASN data" % (where, missing[0], fam))
        else:
            cands = self._candidates(fam)
            count = int(spec.get("asns", 1))
            if count > len(cands):
                raise ScenarioError("%s: only %d ASNs available" % (where, len(cands)))
            asns = rng.sample(cands, count)
        pool = []
        for asn in asns:
            start, end = max(self.ranges[fam][asn], key=lambda r: (r[1] - r[0], r[0]))
            size = end - start + 1
            step = max(1, min(size // (per + 1), 1 << 16 if fam == 6 else 251))
            base = start + 1 + rng.randrange(max(1, size - step * per - 1))
            if fam == 6:
                base = (base >> 64 << 64) + 1      # inside one /64 of the range
            pool.append((asn, [base + step * i for i in range(per)]))
        return pool


def lua_quote(code):
    if '"' in code or "\\" in code:
        raise ScenarioError("internal: Lua code must not contain double quotes")
    return '"' + code + '"'


VANTAGE_LUA = ("local v=0 for c in who:toString():gmatch('%x+') do "
               "v=(v*131+tonumber(c,16))%1000003 end ")


def answer_records(owner, fam, pool, spec, seed):
    """Zone lines for one answer spec: plain records, or one LUA record."""
    rtype = "A" if fam == 4 else "AAAA"
    ttl = int(spec.get("ttl", 300))
    addrs = [a for _, ips in pool for a in ips]
    answers = min(int(spec.get("answers", 1)), len(addrs))
    rotation = int(spec.get("rotation", 0))
    per_vantage = bool(spec.get("per_vantage", False))
    if rotation == 0 and not per_vantage:
        return ["%s %d IN %s %s" % (owner, ttl, rtype, ipaddress.ip_address(a)) for a in addrs[:answers]]
    # slot j -> range j % #R, address index j // #R: consecutive slots differ in ASN
    nranges = len(pool)
    per = len(pool[0][1])
    if fam == 4:
        table = ",".join("{%d,%d}" % (ips[0], ips[1] - ips[0] if per > 1 else 1) for _, ips in pool)
        # spaces before "..": LuaJIT reads "256..'.'" as a malformed number
        fmt = ("local x=r[1]+r[2]*i o[#o+1]=math.floor(x/16777216) ..'.'.. math.floor(x/65536)%256 "
               "..'.'.. math.floor(x/256)%256 ..'.'.. x%256 ")
    else:
        table = ",".join("{'%s',%d,%d}" % (prefix64(ips[0]), ips[0] & 0xFFFFFFFFFFFFFFFF,
                                            ips[1] - ips[0] if per > 1 else 1) for _, ips in pool)
        fmt = ("local x=r[2]+r[3]*i o[#o+1]=r[1]..string.format('0:0:%x:%x',math.floor(x/65536)%65536,x%65536) ")
    n = nranges * per
    # each new slice moves STRIDE slots on, so it shows (nearly) all new addresses
    stride = next(x for x in range(answers, answers + n + 1) if math.gcd(x, n) == 1)
    code = (";local R={%s} local n=%d local o={} " % (table, n)
            + (VANTAGE_LUA if per_vantage else "local v=0 ")
            + ("local t=math.floor(os.time()/%d) " % rotation if rotation else "local t=0 ")
            + "for k=0,%d do local j=(t*%d+v*104729+%d+k)%%n local r=R[j%%%d+1] local i=math.floor(j/%d) "
            % (answers - 1, stride, seed % 100003, nranges, nranges)
            + fmt + "end return o")
    return ["%s %d IN LUA %s %s" % (owner, ttl, rtype, lua_quote(code))]


def prefix64(addr):
    """The first four groups of an IPv6 address, as 'a:b:c:d:'."""
    groups = ipaddress.IPv6Address(addr).exploded.split(":")[:4]
    return ":".join(g.lstrip("0") or "0" for g in groups) + ":"


def fqdn(name, tld):
    return name if name.endswith(".") else "%s.%s." % (name, tld)


def zone_of(name):
    """The zone a name lives in, like a registered domain: its last two labels."""
    return ".".join(name.rstrip(".").split(".")[-2:]) + "."


class Generator:
    def __init__(self, scenario, ranges, path):
        self.path = path
        self.tld = str(scenario.get("tld", "fluxlab")).strip(".")
        self.seed = int(scenario.get("seed", 1))
        self.pools = Pools(ranges, scenario.get("cdn_asns", []), self.seed)
        self.zones = {}         # zone -> list of record lines
        self.truth = []
        self.late = set()       # tracked names seeded only after the main crawl
        self.pool_rows = []
        self.takedowns = {}     # zone -> (seconds after start, the records that vanish)

    def zone(self, apex):
        if apex not in self.zones:
            self.zones[apex] = ["$ORIGIN %s" % apex, "@ 60 IN SOA ns1.%s hostmaster.%s %s"
                                % (apex, apex, SOA_TIMERS)]
        return self.zones[apex]

    def answers(self, where, owner, fam, spec, seed):
        pool = self.pools.draw(where, fam, spec.get("pool", {}))
        for asn, ips in pool:
            self.pool_rows.extend((where, asn, str(ipaddress.ip_address(a))) for a in ips)
        return answer_records(owner, fam, pool, spec, seed)

    def nameservers(self, where, apex, spec, lines):
        if "hosts" in spec:
            # shared name servers (a hosting provider's): names of another entry's zone
            lines.extend("@ %d IN NS %s" % (int(spec.get("ttl", 300)), fqdn(str(h), self.tld))
                         for h in spec["hosts"])
            return
        names = int(spec.get("names", 2))
        answers = min(int(spec.get("answers", names)), names)
        rotation = int(spec.get("rotation", 0))
        ttl = int(spec.get("ttl", 300))
        if rotation:
            code = (";local t=math.floor(os.time()/%d) local o={} for k=0,%d do "
                    "o[#o+1]='ns'..((t*%d+k)%%%d+1)..'.%s' end return o"
                    % (rotation, answers - 1, answers, names, apex))
            lines.append("@ %d IN LUA NS %s" % (ttl, lua_quote(code)))
        else:
            lines.extend("@ %d IN NS ns%d.%s" % (ttl, k + 1, apex) for k in range(answers))
        addr = spec.get("address", {"pool": {"asns": 1, "per_asn": names}, "answers": 1, "ttl": 300})
        if "rotation" not in addr and "per_vantage" not in addr:
            # fixed addresses: one pool, the k-th name gets the k-th address
            pool = self.pools.draw(where + "/ns", 4, addr.get("pool", {}))
            ips = [a for _, a_ in pool for a in a_]
            for k in range(names):
                lines.append("ns%d %d IN A %s" % (k + 1, int(addr.get("ttl", 300)),
                                                  ipaddress.ip_address(ips[k % len(ips)])))
            return
        pool = self.pools.draw(where + "/ns", 4, addr.get("pool", {}))
        for k in range(names):
            lines.extend(answer_records("ns%d" % (k + 1), 4, pool, addr, self.seed + 7 * (k + 1)))

    def entry(self, i, d):
        where = "%s: domains[%d] (%s)" % (self.path, i, d.get("name", "?"))
        if "name" not in d:
            raise ScenarioError("%s: missing name" % where)
        name = fqdn(str(d["name"]), self.tld)
        if d.get("track", True):
            if "label" not in d:
                raise ScenarioError("%s: missing label" % where)
            self.truth.append((name.rstrip("."), d["label"]))
            if d.get("late"):
                self.late.add(name.rstrip("."))
        if d.get("nxdomain"):
            if not name.endswith("." + self.tld + "."):
                raise ScenarioError("%s: nxdomain names must be under %s" % (where, self.tld))
            return
        apex = zone_of(name)
        lines = self.zone(apex)
        n_before = len(lines)
        owner = "@" if name == apex else name
        if d.get("servfail"):
            for rtype in ("A", "AAAA"):
                lines.append("%s 5 IN LUA %s %s" % (owner, rtype, lua_quote(";error('lab: broken')")))
        if "cname" in d:
            lines.append("%s 60 IN CNAME %s" % (owner, fqdn(str(d["cname"]), self.tld)))
        for key, fam in (("a", 4), ("aaaa", 6)):
            if key in d:
                lines.extend(self.answers(where + "/" + key, owner, fam, d[key],
                                          self.seed + zlib.crc32(name.encode()) + fam))
        if name == apex or "ns" in d:
            if name != apex:
                raise ScenarioError("%s: ns is only allowed on a zone apex" % where)
            self.nameservers(where, apex, d.get("ns", {}), lines)
            self.zones[apex].append("; ns done")
        if "takedown" in d:
            self.takedown(where, name, apex, int(d["takedown"]), lines[n_before:])

    def takedown(self, where, name, apex, seconds, records):
        """After SECONDS the name's records vanish from its zone: NXDOMAIN, as when a
        registry or host removes a seized name."""
        if name == apex or apex in self.takedowns:
            raise ScenarioError("%s: a takedown needs a name below its zone apex, one per zone" % where)
        self.takedowns[apex] = (seconds, set(records))

    def finish(self):
        """Parent zone of the lab TLD, and default name servers for zones without."""
        parent = self.zone(self.tld + ".")
        parent.append("@ 60 IN NS ns1.%s." % self.tld)
        parent.append("ns1 60 IN A 192.0.2.53")
        for apex, lines in self.zones.items():
            if apex != self.tld + "." and "; ns done" not in lines:
                self.nameservers(apex, apex, {}, lines)
            while "; ns done" in lines:
                lines.remove("; ns done")

    def write(self, out):
        os.makedirs(os.path.join(out, "zones"), exist_ok=True)
        with open(os.path.join(out, "named.conf"), "w") as conf, \
                open(os.path.join(out, "takedowns"), "w") as td:
            for apex in sorted(self.zones):
                path = os.path.abspath(os.path.join(out, "zones", apex + "zone"))
                with open(path, "w") as z:
                    z.write("\n".join(self.zones[apex]) + "\n")
                conf.write('zone "%s" { type master; file "%s"; };\n' % (apex.rstrip("."), path))
                if apex in self.takedowns:
                    seconds, records = self.takedowns[apex]
                    kept = [line for line in self.zones[apex] if line not in records]
                    with open(path + ".takedown", "w") as z:
                        z.write("\n".join(kept) + "\n")
                    td.write("%d %s %s\n" % (seconds, apex.rstrip("."), path))
        with open(os.path.join(out, "truth.csv"), "w") as t:
            t.write("domain,label\n")
            t.writelines("%s,%s\n" % row for row in self.truth)
        with open(os.path.join(out, "seeds.txt"), "w") as s:
            s.write("# tracked names of the lab scenario\n")
            s.writelines("%s\n" % name for name, _ in self.truth if name not in self.late)
        with open(os.path.join(out, "seeds-late.txt"), "w") as s:
            s.write("# tracked names to seed after the main crawl (too few observations yet)\n")
            s.writelines("%s\n" % name for name, _ in self.truth if name in self.late)
        with open(os.path.join(out, "pools.csv"), "w") as p:
            p.write("record,asn,address\n")
            p.writelines("%s,%d,%s\n" % row for row in self.pool_rows)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    scenario_path, asn_dir, out = argv[1:]
    try:
        with open(scenario_path) as fh:
            scenario = yaml.safe_load(fh) or {}
        if not isinstance(scenario.get("domains"), list):
            raise ScenarioError("%s: expected a list under domains:" % scenario_path)
        gen = Generator(scenario, load_asn_ranges(asn_dir), scenario_path)
        for i, d in enumerate(scenario["domains"]):
            gen.entry(i, d)
        gen.finish()
        gen.write(out)
    except (ScenarioError, yaml.YAMLError, OSError, ValueError) as exc:
        sys.stderr.write("zonegen: %s\n" % exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
