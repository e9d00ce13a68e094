#!/usr/bin/env python3
"""Per-profile table of a client-test run: for every client profile of the
given results.json files, how many of its cases (mandatory + optional) the
client passed, failed (fail or error), could not express, and how many were
not assessed (skip: the case was not started, e.g. a profile tied to another
encoding or transport). With --probe robustness runs, also the
`robustness: NAME` clauses that failed.

Usage: profile-table.py LABEL=results.json [LABEL=results.json ...]
Prints a Markdown table on stdout (docs/client-drivers.md, "Measuring").
"""
import json
import sys


def main(args):
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    print("| run | profile | cases | pass | fail | cannot express | not assessed | robustness clauses failed |")
    print("|---|---|---|---|---|---|---|---|")
    for arg in args:
        label, _, path = arg.partition("=")
        if not path:
            label, path = arg, arg
        with open(path, encoding="utf-8") as f:
            results = json.load(f)
        cases = results.get("cases", [])
        for p in sorted(results.get("profiles", []), key=lambda p: p["id"]):
            if p.get("role") != "client":
                continue
            mine = [c for c in cases if p["id"] in c.get("profiles", [])]
            count = lambda *st: sum(1 for c in mine if c["status"] in st)  # noqa: E731
            broke = sorted(
                c["id"].split(": ", 1)[-1]
                for c in p.get("clauses", [])
                if c.get("suite") == "Client robustness" and c.get("verdict") == "fail"
            )
            print("| %s | %s | %d | %d | %d | %d | %d | %s |" % (
                label, p["id"], len(mine), count("pass", "xpass"),
                count("fail", "error", "xfail"), count("cannot-express"),
                count("skip"), ", ".join(broke) or "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
