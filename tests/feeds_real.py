#!/usr/bin/env python3
"""feeds_real -- an independent extraction of the host names in a real feed
sample, for tests/feeds_real.test: python's csv and urllib instead of
fluxwatch's parsers, the same validity rules (README: seed lists).

usage: feeds_real.py FORMAT FILE   -> sorted distinct names on stdout
"""
import csv
import ipaddress
import re
import sys
from urllib.parse import urlsplit

LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")


def host_of(value):
    value = value.strip()
    if "/" in value:
        if "://" not in value.split("/")[0] + "/":
            value = "http://" + value if "://" not in value else value
        try:
            host = urlsplit(value).hostname or ""
        except ValueError:
            return None
    else:
        host = value
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or labels[-1].isdigit():
        return None
    return host if all(LABEL.match(label) for label in labels) else None


def values(fmt, path):
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        if fmt == "openphish":
            for line in fh:
                if line.strip() and not line.startswith("#"):
                    yield line.strip()
            return
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        header = None
        for row in rows:
            if header is None and "url" in row:
                header = row.index("url")
                continue
            col = header if header is not None else (2 if fmt == "urlhaus_csv" else 1)
            if len(row) > col:
                yield row[col]


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    names = {h for h in (host_of(v) for v in values(fmt, path)) if h}
    sys.stdout.write("".join(n + "\n" for n in sorted(names)))


if __name__ == "__main__":
    main()
