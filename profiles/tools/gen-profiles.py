#!/usr/bin/env python3
"""Generate profiles/v*/*.yaml: one file per KMIP profile conformance clause
and protocol version.

The case lists below are the OASIS test-case file NAMES (no content) per
version: v1.0/1.1/1.2, v1.4, v2.1 and v3.0 as listed in the OASIS folders
(../shared/oasis/<v>/{mandatory,optional}); v1.3 and v2.0 follow the same
PREFIX-M|O-N-VV naming with the family counts of the official listings
(v1.3 COS01, v2.0 CS01; see profiles/README.md). The clause structure is
KMIP Profiles v2.1 / v3.0 section 6 (and the v1.0-era per-profile documents).

Usage: python3 profiles/tools/gen-profiles.py [PROFILES_DIR]
Regenerate rather than hand-edit, and commit the script and the YAML together;
the YAML is what the harness (and users) read.
"""
import json
import os
import shutil
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")

r = lambda a, b: [str(i) for i in range(a, b + 1)]

# ---------------------------------------------------------------- case lists
# family prefix -> (mandatory numbers, optional numbers), per version suffix.
V10_ERA = {  # -10 / -11 / -12 (the v1.0-era profile documents)
    "SKLC": (r(1, 3), r(1, 1)),
    "SKFF": (r(1, 12), r(1, 6)),
    "AKLC": (r(1, 3), r(1, 1)),
    "OMOS": (r(1, 1), r(1, 1)),
}
V13 = {
    "MSGENC-HTTPS": (r(1, 1), []),
    "MSGENC-XML": (r(1, 1), []),
    "MSGENC-JSON": (r(1, 1), []),
    "SKLC": (r(1, 3), r(1, 1)),
    "SKFF": (r(1, 12), []),
    "AKLC": (r(1, 3), r(1, 1)),
    "CS-BC": (r(1, 14) + ["4-12-3DES"], []),
    "CS-AC": (r(1, 8) + ["3-ECC"], []),
    "CS-RNG": (r(1, 1), r(1, 4)),
    "OMOS": (r(1, 1), r(1, 1)),
    "SASED": (r(1, 3), []),
    "TL": (r(1, 3), []),
    "SUITEB_128": (r(1, 1), []),
    "SUITEB_192": (r(1, 1), []),
}
V14 = dict(V13)
V14.update({
    "CS-BC": (r(1, 14) + ["GCM-" + n for n in r(1, 3)], []),
    "CS-AC": (r(1, 8) + ["OAEP-" + n for n in r(1, 10)], []),
    "AX": (r(1, 2), []),
})
V21 = {k: v for k, v in V14.items() if not k.startswith("SUITEB")}
V21.update({
    "BL": (r(1, 13), []),
    "CS-BC": (r(1, 14) + ["CHACHA20-" + n for n in r(1, 3)] + ["CHACHA20POLY1305-1"]
              + ["GCM-" + n for n in r(1, 3)], []),
    "QS": (r(1, 2), []),
    "PKCS11": (r(1, 1), []),
})
V20 = dict(V21)
V30 = dict(V21)
V30.update({
    "BL": (r(1, 21), []),
    "CS-BC": (r(1, 14) + ["CHACHA20-" + n for n in r(1, 4)] + ["CHACHA20POLY1305-1"]
              + ["GCM-" + n for n in r(1, 3)], []),
})

SOURCES = {
    "10": "OASIS v1.0 folder listing (files -10)",
    "11": "OASIS v1.0 folder listing (files -11)",
    "12": "OASIS v1.0 folder listing (files -12)",
    "13": "derived: KMIP Profiles v1.3 COS01 listing counts and naming (not checked against a v1.3 corpus here)",
    "14": "OASIS v1.4 folder listing",
    "20": "derived: KMIP Profiles v2.0 CS01 listing counts, same names as v2.1 (not checked against a v2.0 corpus here)",
    "21": "OASIS v2.1 folder listing",
    "30": "OASIS v3.0 (CSD01) folder listing",
}


def cases(table, prefixes, suffix, kind):
    out = []
    for p in prefixes:
        m, o = table.get(p, ([], []))
        nums = m if kind == "M" else o
        out += [f"{p}-{kind}-{n}-{suffix}" for n in nums]
    return out


# ------------------------------------------------------------ clause catalogue
# (family id, role, title stem, prefixes, §6 number in Profiles v2.1/v3.0,
#  §5 conditions section)
FAMILIES = [
    ("HTTPS", "client", "HTTPS Client", ["MSGENC-HTTPS"], "6.4", "5.3"),
    ("HTTPS", "server", "HTTPS Server", ["MSGENC-HTTPS"], "6.5", "5.3"),
    ("XML", "client", "XML Client", ["MSGENC-XML"], "6.6", "5.4"),
    ("XML", "server", "XML Server", ["MSGENC-XML"], "6.7", "5.4"),
    ("JSON", "client", "JSON Client", ["MSGENC-JSON"], "6.8", "5.5"),
    ("JSON", "server", "JSON Server", ["MSGENC-JSON"], "6.9", "5.5"),
    ("SKLC", "client", "Symmetric Key Lifecycle Client", ["SKLC"], "6.10", "5.6"),
    ("SKLC", "server", "Symmetric Key Lifecycle Server", ["SKLC"], "6.11", "5.6"),
    ("SKFF-basic", "client", "Basic Symmetric Key Foundry Client", ["SKFF"], "6.12", "5.7"),
    ("SKFF-intermediate", "client", "Intermediate Symmetric Key Foundry Client", ["SKFF"], "6.13", "5.7"),
    ("SKFF-advanced", "client", "Advanced Symmetric Key Foundry Client", ["SKFF"], "6.14", "5.7"),
    ("SKFF", "server", "Symmetric Key Foundry Server", ["SKFF"], "6.15", "5.7"),
    ("AKLC", "client", "Asymmetric Key Lifecycle Client", ["AKLC"], "6.16", "5.8"),
    ("AKLC", "server", "Asymmetric Key Lifecycle Server", ["AKLC"], "6.17", "5.8"),
    ("CS-BC", "client", "Basic Cryptographic Client", ["CS-BC"], "6.18", "5.9"),
    ("CS-AC", "client", "Advanced Cryptographic Client", ["CS-AC"], "6.19", "5.9"),
    ("CS-RNG", "client", "RNG Cryptographic Client", ["CS-RNG"], "6.20", "5.9"),
    ("CS-BC", "server", "Basic Cryptographic Server", ["CS-BC"], "6.21", "5.9"),
    ("CS-AC", "server", "Advanced Cryptographic Server", ["CS-AC"], "6.22", "5.9"),
    ("CS-RNG", "server", "RNG Cryptographic Server", ["CS-RNG"], "6.23", "5.9"),
    ("OMOS", "client", "Opaque Managed Object Store Client", ["OMOS"], "6.24", "5.10"),
    ("OMOS", "server", "Opaque Managed Object Store Server", ["OMOS"], "6.25", "5.10"),
    ("SASED", "client", "Storage Array with Self-Encrypting Drives Client", ["SASED"], "6.26", "5.11"),
    ("SASED", "server", "Storage Array with Self-Encrypting Drives Server", ["SASED"], "6.27", "5.11"),
    ("TL", "client", "Tape Library Client", ["TL"], "6.28", "5.12"),
    ("TL", "server", "Tape Library Server", ["TL"], "6.29", "5.12"),
    ("AX", "client", "AES XTS Client", ["AX"], "6.30", "5.13"),
    ("AX", "server", "AES XTS Server", ["AX"], "6.31", "5.13"),
    ("QS", "client", "Quantum Safe Client", ["QS"], "6.32", "5.14-5.17"),
    ("QS", "server", "Quantum Safe Server", ["QS"], "6.33", "5.14-5.17"),
    ("PKCS11", "client", "PKCS#11 Client", ["PKCS11"], "6.34", "5.18"),
    ("PKCS11", "server", "PKCS#11 Server", ["PKCS11"], "6.35", "5.18"),
    ("SUITEB_128", "client", "Suite B minLOS_128 Client", ["SUITEB_128"], None, None),
    ("SUITEB_128", "server", "Suite B minLOS_128 Server", ["SUITEB_128"], None, None),
    ("SUITEB_192", "client", "Suite B minLOS_192 Client", ["SUITEB_192"], None, None),
    ("SUITEB_192", "server", "Suite B minLOS_192 Server", ["SUITEB_192"], None, None),
]
SKFF_TIERS = {"SKFF-basic": r(1, 4), "SKFF-intermediate": r(5, 8), "SKFF-advanced": r(9, 12)}
V10_DOCS = {
    "SKLC": "KMIP Symmetric Key Lifecycle Profile v1.0",
    "SKFF": "KMIP Symmetric Key Foundry for FIPS 140-2 Profile v1.0",
    "AKLC": "KMIP Asymmetric Key Lifecycle Profile v1.0",
    "OMOS": "KMIP Opaque Managed Object Store Profile v1.0",
}

BASIC_AUTH = {
    "server": [
        "Basic Authentication Suite: TLS channel mutual authentication required of clients (§3.1.3)",
        "Basic Authentication Suite: service on TCP port 5696 (§3.1.4)",
        "Basic Authentication Suite: only the listed TLS protocol versions and cipher suites (§3.1.1-3.1.2)",
    ],
    "client": [
        "Basic Authentication Suite: TLS with client certificate (channel mutual authentication) (§3.1.3)",
        "Basic Authentication Suite: only the listed TLS protocol versions and cipher suites (§3.1.1-3.1.2)",
    ],
}


def q(s):
    return json.dumps(s, ensure_ascii=False)


def write(path, p):
    lines = [
        "# Generated by profiles/tools/gen-profiles.py; schema: profiles/README.md.",
        f"id: {q(p['id'])}",
        f"name: {q(p['name'])}",
        f"role: {p['role']}",
        f"version: {q(p['version'])}",
        f"clause: {q(p['clause'])}",
        f"criterion: {p['criterion']}",
    ]
    for key in ["encoding", "transport"]:
        if p.get(key):
            lines.append(f"{key}: {p[key]}")
    for key in ["requires", "mandatory", "optional", "not_assessed", "notes"]:
        vals = p.get(key, [])
        if not vals:
            lines.append(f"{key}: []")
        else:
            lines.append(f"{key}:")
            lines += [f"  - {q(v)}" for v in vals]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def profiles_for(version, suffix, table):
    """All profiles of one protocol version."""
    major = version.split(".")[0]
    v10_era = suffix in ("10", "11", "12")
    has_bl = "BL" in table
    out = []

    def ident(fam, role):
        return f"{fam}-{role}-{version}"

    def clause_for(title, sec, fam):
        if v10_era:
            doc = V10_DOCS[fam.split("-")[0]]
            return f"{doc}, {title} KMIP v{version} Profile Conformance (clause number not verified)"
        if suffix in ("21", "30") and sec:
            return f"KMIP Profiles v{version} §{sec}"
        return f"KMIP Profiles v{version}, {title} KMIP v{version} Profile Conformance (clause number not verified)"

    def auth(role, fam):
        items = list(BASIC_AUTH[role])
        if fam == "HTTPS":
            items = [
                "HTTPS Authentication Suite (§3.2) and HTTPS transport conditions (POST to /kmip, Content-Type, Content-Length, Cache-Control: no-cache; §5.3)"
            ]
        if fam in ("XML", "JSON") and role == "server":
            items.append(f"Mapping of every TTLV tag and enumeration to and from {fam} (beyond the tags the test case uses)")
        if fam == "QS" and version == "3.0":
            items.append("Quantum Safe Authentication Suite (§3.3: TLS 1.3 hybrid ML-KEM key-exchange groups)")
        if fam.startswith("SUITEB"):
            items.append("Suite B TLS cipher suites and key sizes (RFC 6460 minLOS) required by the clause")
        if not has_bl and not v10_era:
            items.append(f"Baseline {role.capitalize()} conditions of KMIP Profiles v{version} (no Baseline test cases exist at this version)")
        return items

    family_ids = {"client": [], "server": []}
    for fam, role, title, prefixes, sec, cond in FAMILIES:
        base = fam.split("-")[0] if fam.startswith("SKFF") else fam
        mand = cases(table, prefixes, suffix, "M")
        if fam in SKFF_TIERS:
            mand = [c for c in mand if c.split("-")[2] in SKFF_TIERS[fam]]
        if not mand:
            continue
        if v10_era and base not in V10_DOCS:
            continue
        opt = cases(table, prefixes, suffix, "O")
        full = f"{title} KMIP v{version} Profile Conformance"
        if fam == "HTTPS":
            criterion = "all-mandatory"  # "all HTTPS mandatory tests for both roles"
        else:
            criterion = "all-mandatory" if role == "server" else "at-least-one-mandatory"
        p = {
            "id": ident(fam, role),
            "name": full,
            "role": role,
            "version": version,
            "clause": clause_for(title, sec, fam),
            "criterion": criterion,
            "requires": [ident("Baseline", role)] if has_bl else [],
            "mandatory": mand,
            "optional": opt,
            "not_assessed": auth(role, fam),
            "notes": [f"Case list: {SOURCES[suffix]}."],
        }
        if fam in SKFF_TIERS:
            lo, hi = SKFF_TIERS[fam][0], SKFF_TIERS[fam][-1]
            p["notes"].append(f"Tier = SKFF-M-{lo}..{hi} (Basic 1-4, Intermediate 5-8, Advanced 9-12).")
        if fam == "SKFF" and role == "server":
            p["notes"].append("The Foundry Server clause needs all twelve SKFF mandatory cases.")
        if fam in ("XML", "JSON", "HTTPS"):
            enc = {"XML": "XML message encoding", "JSON": "JSON message encoding", "HTTPS": "HTTPS transport"}[fam]
            # Only results in this encoding / transport count for the
            # profile: `run` replays these server cases that way, and
            # `client-test` records what each client case's requests used.
            key, val = ("transport", "https") if fam == "HTTPS" else ("encoding", fam.lower())
            p[key] = val
            if role == "server":
                p["notes"].append(f"Only results replayed in the {enc} count for this profile (`{key}: {val}`); `run` replays its cases that way in every run.")
            else:
                p["notes"].append(f"Only results whose requests used the {enc} count for this profile (`{key}: {val}`): `client-test` records the format per case (`--{key} {val}` requires it); the case file itself is encoding-neutral.")
        if cond and major != "1":
            p["notes"].append(f"Family conditions: KMIP Profiles v{version} §{cond} (section from the v2.1 numbering).")
        out.append(p)
        family_ids[role].append(p["id"])

    if has_bl:
        bl_m = cases(table, ["BL", "SKLC"], suffix, "M")
        bl_o = cases(table, ["BL", "SKLC"], suffix, "O")
        for role, sec in (("client", "6.1"), ("server", "6.2")):
            title = f"Baseline {role.capitalize()}"
            out.append({
                "id": ident("Baseline", role),
                "name": f"{title} Basic KMIP v{version} Profile Conformance",
                "role": role,
                "version": version,
                "clause": clause_for(title, sec, "Baseline"),
                "criterion": "all-mandatory" if role == "server" else "at-least-one-mandatory",
                "requires": [],
                "mandatory": bl_m,
                "optional": bl_o,
                "not_assessed": BASIC_AUTH[role],
                "notes": [
                    "Baseline Mandatory Test Cases = BL-M-* and SKLC-M-* (§5.1.3, §5.6.3).",
                    f"Case list: {SOURCES[suffix]}.",
                ],
            })
    if not v10_era:
        servers = [p for p in out if p["role"] == "server"]
        mand = sorted({c for p in servers for c in p["mandatory"]})
        out.append({
            "id": ident("Complete", "server"),
            "name": f"Complete Server Basic KMIP v{version} Profile Conformance",
            "role": "server",
            "version": version,
            "clause": clause_for("Complete Server Basic", "6.3", "Complete"),
            "criterion": "all-mandatory",
            "requires": sorted(p["id"] for p in servers),
            "mandatory": mand,
            "optional": [],
            "not_assessed": auth("server", "Complete"),
            "notes": [
                "Every server conformance clause of this version: all their mandatory cases, and every server profile conformant.",
                f"Case list: {SOURCES[suffix]}.",
            ],
        })
    return out


def main():
    versions = [
        ("1.0", "10", V10_ERA), ("1.1", "11", V10_ERA), ("1.2", "12", V10_ERA),
        ("1.3", "13", V13), ("1.4", "14", V14), ("2.0", "20", V20),
        ("2.1", "21", V21), ("3.0", "30", V30),
    ]
    total = 0
    for version, suffix, table in versions:
        d = os.path.join(OUT, f"v{version}")
        if os.path.isdir(d):
            shutil.rmtree(d)
        ps = profiles_for(version, suffix, table)
        for p in ps:
            write(os.path.join(d, p["id"] + ".yaml"), p)
        print(f"v{version}: {len(ps)} profiles")
        total += len(ps)
    print(f"total: {total}")


if __name__ == "__main__":
    main()
