#!/usr/bin/env python3
"""Generate crates/kmip-ttlv/src/dict/generated.rs, the KMIP dictionary.

Sources (see tools/README.md):
  * the KMIP specification HTML files for 1.0, 1.4, 2.0 and 2.1
    (`--spec-dir`, default ../../../shared/spec relative to the crate);
  * data/kmip-3.0-additions.tsv, the hand-maintained KMIP 3.0 delta (and the
    few values the 2.x specs delegate to other documents).

Python 3 standard library only. The output is deterministic: running the
generator twice on the same inputs gives byte-identical files. A summary
(counts, renames, conflicts, ambiguous item types, unmapped enumerations) is
printed on stderr. Inconsistent tag values are fatal.
"""

import argparse
import collections
import html.parser
import os
import re
import sys

# --------------------------------------------------------------------------
# Versions and inputs

V10, V14, V20, V21, V30 = (1, 0), (1, 4), (2, 0), (2, 1), (3, 0)
VERSIONS = [V10, V14, V20, V21, V30]
SPEC_FILES = [
    (V10, "kmip-spec-1.0-os.html"),
    (V14, "kmip-spec-v1.4-os.html"),
    (V20, "kmip-spec-v2.0-os.html"),
    (V21, "kmip-spec-v2.1-os.html"),
]
# KMIP 3.0 = KMIP 2.1 + the additions table (nothing is known to be removed).
INHERITS = {V30: V21}

CRATE_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEFAULT_SPEC_DIR = os.path.normpath(os.path.join(CRATE_DIR, "..", "..", "..", "shared", "spec"))
DEFAULT_ADDITIONS = os.path.join(CRATE_DIR, "data", "kmip-3.0-additions.tsv")
DEFAULT_OUT = os.path.join(CRATE_DIR, "src", "dict", "generated.rs")
DEFAULT_CONSTS_OUT = os.path.join(CRATE_DIR, "src", "consts.rs")

ITEM_TYPES = [
    "Structure",
    "Integer",
    "LongInteger",
    "BigInteger",
    "Enumeration",
    "Boolean",
    "TextString",
    "ByteString",
    "DateTime",
    "Interval",
    "DateTimeExtended",
    "Identifier",
    "Reference",
    "NameReference",
]
# Item type names as written in encoding columns ("Date-Time", "Text string",
# "ByteString", ...), longest alternatives first so that "Long Integer" is not
# read as "Integer". (The 3.0 types only come from the additions table.)
TYPE_RE = re.compile(
    r"(structure|long[\s-]*integer|big[\s-]*integer|integer|enumeration|boolean|"
    r"text[\s-]*string|byte[\s-]*string|date[\s-]*time[\s-]*extended|date[\s-]*time|"
    r"interval)",
    re.I,
)
TYPE_BY_KEY = {t.lower(): t for t in ITEM_TYPES}
MULTI = "*"  # "Any", "Varies", "*": the spec allows several item types

# Spec misprints of enumeration value names (enumeration XML name, code) ->
# the name made canonical; the spec spelling stays as an alias.
PREFERRED_NAMES = {
    # KMIP 2.0 and 2.1 print "MFG1"; 1.4 and the OASIS 2.1 / 3.0 test cases
    # write MGF1 (RFC 8017 mask generation function 1).
    ("MaskGenerator", 0x00000001): "MGF1",
}

# Enumeration-typed tags whose enumeration cannot be derived from the spec
# tables or from the tag name (tag XML name -> enumeration XML name). The 2.x
# specs say these identifiers are "Text String, Enumeration or Integer" and the
# Enumeration form is the Unique Identifier enumeration (KMIP 2.1 §11.58).
ENUM_OVERRIDES = {
    "LinkedObjectIdentifier": "UniqueIdentifier",
    "PrivateKeyUniqueIdentifier": "UniqueIdentifier",
    "PublicKeyUniqueIdentifier": "UniqueIdentifier",
    "UniqueIdentifier": "UniqueIdentifier",
}

NOTES = []  # stderr summary lines


def note(msg):
    NOTES.append(msg)


def fatal(msg):
    sys.stderr.write("gen-dictionary: error: %s\n" % msg)
    sys.exit(1)


def vstr(v):
    return "%d.%d" % v


# --------------------------------------------------------------------------
# Names


def clean(text):
    """Normalise the text of a spec cell: Word's non-breaking spaces and
    hyphens, soft hyphens and whitespace runs."""
    text = (
        text.replace("\u00a0", " ")
        .replace("\u2010", "-")
        .replace("\u2011", "-")
        .replace("\u00ad", "")
        .replace("\u200b", "")
    )
    return " ".join(text.split())


def xml_name(spec_name):
    """Spec text name -> KMIP XML / JSON name.

    KMIP Profiles 1.x/2.x, "Normalizing Names" (XML and JSON encodings):
      1. replace round brackets '(' ')' with spaces;
      2. a non-word character (not letter, digit, '_') followed by a letter
         and then a lower-case letter is replaced by a space;
      3. the remaining non-word characters (except whitespace) become '_';
      4. if the first word starts with digits, move them to its end;
      5. capitalise the first letter of each word;
      6. concatenate the words.
    e.g. "SHA-256" -> SHA_256, "PKCS#1" -> PKCS_1, "X.509 Certificate
    Identifier" -> X_509CertificateIdentifier, "Re-key" -> ReKey, "3DES" ->
    DES3, "IV/Counter/Nonce" -> IVCounterNonce.
    """
    s = clean(spec_name)
    s = re.sub(r"[()]", " ", s)
    s = re.sub(r"[^A-Za-z0-9_]([A-Za-z][a-z])", r" \1", s)
    s = re.sub(r"[^A-Za-z0-9_\s]", "_", s)
    words = s.split()
    if words:
        words[0] = re.sub(r"^([0-9]+)(.*)$", r"\2\1", words[0])
    return "".join(w[:1].upper() + w[1:] for w in words)


def loose(name):
    """Same key as `loose` in src/dict/mod.rs."""
    return "".join(c for c in name if c not in "_- .").lower()


# --------------------------------------------------------------------------
# HTML: headings and tables in document order

VOID = {"br", "img", "meta", "link", "hr", "col", "input", "area", "base", "wbr", "param"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class SpecHTML(html.parser.HTMLParser):
    """Collects ("heading", text) and ("table", rows) blocks. Text inside
    elements styled display:none (Word's hidden page numbers) is dropped;
    nested tables are flattened into the enclosing cell."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.stack = []  # (tag, hidden)
        self.hidden = 0
        self.depth = 0
        self.rows = None
        self.row = None
        self.cell = None
        self.heading = None
        self.skip = 0  # <style>, <script>

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if tag == "br":
                self._text(" ")
            return
        style = "".join((dict(attrs).get("style") or "").split()).lower()
        hidden = "display:none" in style
        self.stack.append((tag, hidden))
        if hidden:
            self.hidden += 1
        if tag in ("style", "script"):
            self.skip += 1
        elif tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.rows = []
        elif self.depth == 1 and tag == "tr":
            self.row = []
        elif self.depth == 1 and tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in ("p", "div", "li", "tr", "td", "th"):
            self._text(" ")
        elif tag in HEADINGS and self.depth == 0:
            self.heading = []

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self._text(" ")

    def handle_endtag(self, tag):
        if not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            t, hidden = self.stack.pop()
            if hidden:
                self.hidden -= 1
            self._close(t)
            if t == tag:
                break

    def _close(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1
        elif tag == "table":
            if self.depth == 1 and self.rows is not None:
                self.blocks.append(("table", self.rows))
                self.rows = None
            self.depth -= 1
        elif self.depth == 1 and tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif self.depth == 1 and tag in ("td", "th") and self.cell is not None:
            self.row.append(clean("".join(self.cell)))
            self.cell = None
        elif tag in HEADINGS and self.heading is not None:
            text = clean("".join(self.heading))
            if text:
                self.blocks.append(("heading", text))
            self.heading = None

    def _text(self, data):
        if self.hidden or self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.heading is not None:
            self.heading.append(data)

    def handle_data(self, data):
        self._text(data)


HEADING_RE = re.compile(r"^(?:Appendix\s+)?([0-9]+(?:\.[0-9]+)*|[A-Z](?:\.[0-9]+)*)\.?\s+(.+)$")
ANNOTATION_RE = re.compile(r"^(.*\S)\s*\([^()]*\)$")
HEX8_RE = re.compile(r"^(?:0x)?([0-9A-Fa-f]{8})(?:\s*\(deprecated[^)]*\))?$")
TAGVAL_RE = re.compile(r"^(?:0x)?(42[0-9A-Fa-f]{4})(?:\s*\((deprecated[^)]*)\))?$")


class Spec:
    """What one specification version defines."""

    def __init__(self, version):
        self.version = version
        self.tags = {}  # spec name -> value
        self.deprecated = set()  # tag values marked deprecated
        self.enums = collections.OrderedDict()  # enum xml -> [(spec value name, code)]
        self.masks = collections.OrderedDict()  # mask xml -> [(spec flag name, bit)]
        self.section_kind = {}  # section number -> ("enum"|"mask", xml name)
        self.types = collections.defaultdict(set)  # tag value -> item types seen
        self.xref_types = collections.defaultdict(set)  # tag value -> types (Tag Cross-reference)
        self.enum_hints = collections.defaultdict(set)  # tag value -> enum xml
        self.section_hints = collections.defaultdict(set)  # tag value -> section numbers
        self.type_refs = collections.defaultdict(set)  # tag value -> tag values it is encoded as
        self.desc_types = collections.defaultdict(set)  # tag value -> types named by descriptions
        self.tag_by_xml = {}


def parse_spec(version, path):
    with open(path, "rb") as f:
        text = f.read().decode("cp1252")
    p = SpecHTML()
    p.feed(text)
    p.close()
    spec = Spec(version)
    v = vstr(version)

    # Pass 1: headings, the tag table, enumeration and mask tables.
    titles = {}
    current = (None, None)
    tables = []
    for kind, data in p.blocks:
        if kind == "heading":
            m = HEADING_RE.match(data)
            if m:
                current = (m.group(1), clean(m.group(2)))
                titles[m.group(1)] = current[1]
            continue
        tables.append((current, data))

    def ancestors(num):
        parts = num.split(".") if num else []
        return [titles.get(".".join(parts[:i]), "") for i in range(len(parts), 0, -1)]

    tag_tables = 0
    for (num, title), rows in tables:
        hits = sum(1 for r in rows if len(r) >= 2 and TAGVAL_RE.match(r[1]))
        if hits >= 50:
            tag_tables += 1
            for r in rows:
                if len(r) < 2:
                    continue
                name, val = r[0], r[1]
                if name.startswith("(") or name == "Extensions" or val in ("Value", "Tag Value"):
                    continue
                m = TAGVAL_RE.match(val)
                if not m:
                    note("%s: tag row not understood, skipped: %r" % (v, r[:2]))
                    continue
                value = int(m.group(1), 16)
                if name in spec.tags and spec.tags[name] != value:
                    fatal("%s: tag %r has two values 0x%06X and 0x%06X" % (v, name, spec.tags[name], value))
                spec.tags[name] = value
                if m.group(2):
                    spec.deprecated.add(value)
            continue
        head = None
        for i, r in enumerate(rows[:3]):
            if len(r) >= 2 and r[0].lower() == "name" and r[1].lower() == "value":
                head = i
                break
        if head is None:
            continue
        m = re.match(r"^(.*?)\s+Enumeration(?:\s+for\s.*)?$", title or "")
        if m:
            kind, name = "enum", xml_name(m.group(1))
        elif any("bit mask" in t.lower() for t in ancestors(num)[1:]):
            kind, name = "mask", xml_name(title)
        else:
            note("%s: Name/Value table under heading %s %r not classified, skipped" % (v, num, title))
            continue
        spec.section_kind[num] = (kind, name)
        if head >= 1 and len(rows[0]) == 1:
            label = re.sub(r"\s+(Enumerations?|Enumeration Values)$", "", rows[0][0])
            if xml_name(label) != name:
                note("%s: table under heading %s %r is titled %r; the heading wins" % (v, num, title, rows[0][0]))
        dest = (spec.enums if kind == "enum" else spec.masks).setdefault(name, [])
        for r in rows[head + 1:]:
            if len(r) < 2:
                continue
            vname, val = r[0], r[1]
            if not vname or vname.startswith("(") or vname == "Extensions":
                continue
            mv = HEX8_RE.match(val)
            if not mv:
                note("%s: %s %s: row not understood, skipped: %r" % (v, kind, name, r[:2]))
                continue
            dest.append((vname, int(mv.group(1), 16)))
    if tag_tables != 1:
        fatal("%s: expected one tag table, found %d" % (v, tag_tables))
    for name, value in spec.tags.items():
        x = xml_name(name)
        if x in spec.tag_by_xml and spec.tag_by_xml[x] != value:
            fatal("%s: XML name %s used by 0x%06X and 0x%06X" % (v, x, spec.tag_by_xml[x], value))
        spec.tag_by_xml[x] = value
    spec.name_of = {value: name for name, value in spec.tags.items()}
    if spec.deprecated:
        note("%s: %d tags marked deprecated, kept as defined: %s" % (
            v, len(spec.deprecated), ", ".join(xml_name(spec.name_of[x]) for x in sorted(spec.deprecated))))

    # Pass 2: item types from every table with an Encoding / Type column
    # (structure, attribute and field tables; the 1.x Tag Cross-reference).
    for (num, title), rows in tables:
        head = None
        for i, r in enumerate(rows[:3]):
            if len(r) >= 2 and r[0] in ("Object", "Item") and r[1] in ("Encoding", "Defined"):
                head = i
                break
        if head is None:
            continue
        crossref = rows[head][1] == "Defined"
        if crossref and (len(rows[head]) < 3 or rows[head][2] != "Type"):
            continue
        where = "%s, table under %s %s" % (v, num, title)
        entries = []
        for r in rows[head + 1:]:
            if len(r) < 2:
                continue
            if crossref:
                if len(r) < 3:
                    continue
                entries.append((r[0], r[2], r[1]))
                continue
            names = [n.strip() for n in r[0].split("|")]
            encs = [e.strip() for e in r[1].split("|")]
            if len(encs) == 1:
                encs = encs * len(names)
            if len(names) != len(encs):
                note("%s: cannot pair names and encodings in %r" % (where, r[:2]))
                continue
            entries.extend((n, e, "") for n, e in zip(names, encs))
        if not entries:
            continue
        # A structure table's first row is the structure itself; when the
        # same name is listed again as a field (PKCS#11 Function, ...), the
        # first row is only the wrapper.
        if not crossref:
            first = xml_name(entries[0][0])
            if any(xml_name(n) == first for n, _, _ in entries[1:]):
                entries = entries[1:]
        # An attribute section's one-row table describes the attribute of the
        # heading; where the row names another tag (1.4 "3.49 Always
        # Sensitive" lists "Sensitive"), the type belongs to the heading.
        if not crossref and len(entries) == 1 and title:
            hx = xml_name(title)
            if hx in spec.tag_by_xml and hx != xml_name(entries[0][0]):
                note("%s: row names %r, attributed to the heading's tag %s" % (where, entries[0][0], hx))
                entries = [(title, entries[0][1], "")]
        for name, enc, defined in entries:
            value = spec.tag_by_xml.get(xml_name(name))
            if value is None:
                continue
            types, enum_hint = parse_encoding(enc)
            if not types:
                # "RNG Parameters (see 2.1.18)": the encoding names a structure
                # tag; resolved once every table has been read.
                ref = re.sub(r"\s*(\(see[^)]*\)|,\s*see\b.*)$", "", enc).strip()
                if xml_name(ref) in spec.tag_by_xml:
                    spec.type_refs[value].add(spec.tag_by_xml[xml_name(ref)])
            for t in sorted(types):
                (spec.xref_types if crossref else spec.types)[value].add(t)
            if enum_hint:
                spec.enum_hints[value].add(enum_hint)
            for sec in re.findall(r"\b[0-9]+(?:\.[0-9]+)+\b", enc + " " + defined):
                spec.section_hints[value].add(sec)
    # The 1.x Tag Cross-reference is "not normative": it only types tags that
    # no Encoding column types (it gives MAC/Signature Key Information as a
    # Text String where the structure tables say Structure).
    for value, types in spec.xref_types.items():
        if value not in spec.types:
            spec.types[value] = set(types)
        elif types - spec.types[value]:
            note("%s: Tag Cross-reference type %s for %s ignored (tables: %s)" % (
                v, "/".join(sorted(types)), xml_name(spec.name_of[value]), "/".join(sorted(spec.types[value]))))
    for value, refs in spec.type_refs.items():
        for ref in refs:
            if spec.types.get(ref) == {"Structure"}:
                spec.types[value].add("Structure")

    # Pass 3 (weak evidence, used only for tags that no Encoding column
    # types): the description column of payload tables ("An Integer object
    # that ...", "... (as a Byte String)") and the comment column of the
    # message tables ("... Boolean.").
    for (num, title), rows in tables:
        head = None
        for i, r in enumerate(rows[:3]):
            if len(r) >= 3 and r[0] in ("Object", "Item") and (
                    (r[1] == "REQUIRED" and r[2] == "Description")
                    or (r[1].startswith("REQUIRED in") and r[2] == "Comment")):
                head = i
                break
        if head is None:
            continue
        for r in rows[head + 1:]:
            if len(r) < 3:
                continue
            value = spec.tag_by_xml.get(xml_name(r[0]))
            if value is None:
                continue
            for rx in DESC_RES:
                m = rx.search(r[2])
                if m:
                    spec.desc_types[value].add(TYPE_BY_KEY[re.sub(r"[\s-]+", "", m.group(1)).lower()])
                    break
    return spec


DESC_TYPES = r"(Long Integer|Big Integer|Integer|Enumeration|Boolean|Text String|Byte String|Date-Time|Interval)"
DESC_RES = [
    re.compile(r"^(?:An?|The)\s+" + DESC_TYPES + r"\b", re.I),
    re.compile(r"\(as an?\s+" + DESC_TYPES + r"\)", re.I),
    re.compile(r"\.\s+" + DESC_TYPES + r"\.$"),
    re.compile(r"^(Structure)\b"),
]


def parse_encoding(enc):
    """Item types named by an encoding cell, and the enumeration named in
    "Enumeration (Tag)" style cells."""
    low = enc.strip().lower()
    if not low:
        return set(), None
    if low.startswith("any") or low.startswith("varies") or low.startswith("*"):
        return {MULTI}, None
    types = set()
    for m in TYPE_RE.finditer(enc):
        key = re.sub(r"[\s-]+", "", m.group(1)).lower()
        types.add(TYPE_BY_KEY[key])
    hint = None
    m = re.search(r"Enumeration\s*\(([^)]+)\)", enc)
    if m:
        hint = xml_name(m.group(1))
    return types, hint


# --------------------------------------------------------------------------
# The additions table


def parse_additions(path):
    """Rows: version, kind, scope, name, value (tab separated)."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = [c.strip() for c in line.split("\t")]
            if len(cols) != 5:
                fatal("%s:%d: expected 5 tab-separated columns, got %d" % (path, lineno, len(cols)))
            ver, kind, scope, name, value = cols
            m = re.match(r"^([0-9]+)\.([0-9]+)$", ver)
            if not m or (int(m.group(1)), int(m.group(2))) not in VERSIONS:
                fatal("%s:%d: unknown version %r" % (path, lineno, ver))
            ver = (int(m.group(1)), int(m.group(2)))
            if kind not in ("tag", "tagtype", "enum", "mask", "tagenum", "tagmask"):
                fatal("%s:%d: unknown kind %r" % (path, lineno, kind))
            if kind in ("tag", "tagtype") and scope != "-" and xml_name(scope) not in ITEM_TYPES:
                fatal("%s:%d: unknown item type %r" % (path, lineno, scope))
            num = None
            if kind in ("tag", "enum", "mask"):
                try:
                    num = int(value, 16)
                except ValueError:
                    fatal("%s:%d: bad hex value %r" % (path, lineno, value))
            rows.append((ver, kind, scope, name, num, "%s:%d" % (os.path.basename(path), lineno)))
    return rows


# --------------------------------------------------------------------------
# Merging the versions


def presence(present):
    """(since, removed_in) from the set of versions where something is defined."""
    vs = [v for v in VERSIONS if v in present]
    since = vs[0]
    last = VERSIONS.index(vs[-1])
    removed = VERSIONS[last + 1] if last + 1 < len(VERSIONS) else None
    gaps = [v for v in VERSIONS[VERSIONS.index(since):last + 1] if v not in present]
    return since, removed, gaps


class Dictionary:
    def __init__(self, specs, additions):
        self.specs = specs
        self.additions = additions
        self.build_tags()
        self.build_enums()
        self.build_masks()
        self.build_types()
        self.build_tag_enums()
        self.build_tag_masks()

    # ---- tags
    def build_tags(self):
        names = collections.defaultdict(dict)  # value -> {version: xml}
        for spec in self.specs:
            for name, value in spec.tags.items():
                names[value][spec.version] = xml_name(name)
        for ver, kind, scope, name, num, src in self.additions:
            if kind != "tag":
                continue
            if num in names and any(n != xml_name(name) for n in names[num].values()):
                fatal("%s: tag 0x%06X %s already named %s" % (src, num, name, sorted(set(names[num].values()))))
        for child, parent in INHERITS.items():
            for value, per in names.items():
                if parent in per and child not in per:
                    per[child] = per[parent]
        for ver, kind, scope, name, num, src in self.additions:
            if kind == "tag":
                for later in VERSIONS[VERSIONS.index(ver):]:
                    names[num][later] = xml_name(name)
        by_xml = {}
        self.tags = []  # (value, canonical, aliases, since, removed)
        for value in sorted(names):
            per = names[value]
            canonical = per[max(per)]
            aliases = sorted(set(per.values()) - {canonical})
            for n in [canonical] + aliases:
                if n in by_xml and by_xml[n] != value:
                    fatal("tag name %s has two values: 0x%06X and 0x%06X" % (n, by_xml[n], value))
                by_xml[n] = value
            if aliases:
                note("tag 0x%06X renamed: %s" % (value, ", ".join(
                    "%s in %s" % (per[v], vstr(v)) for v in sorted(per))))
            since, removed, gaps = presence(set(per))
            if gaps:
                note("tag %s missing from %s between %s and its last version" % (
                    canonical, ", ".join(vstr(g) for g in gaps), vstr(since)))
            self.tags.append((value, canonical, aliases, since, removed))
        keys = collections.defaultdict(set)
        for n, value in by_xml.items():
            keys[loose(n)].add(value)
        for k, vals in sorted(keys.items()):
            if len(vals) > 1:
                fatal("tag names differing only in case/'_' would clash in loose lookup: %s" % k)
        self.tag_by_xml = by_xml
        self.tag_names = {value: canonical for value, canonical, _, _, _ in self.tags}
        # newest spec text name per tag value ("Activation Date")
        self.tag_spec_names = {}
        for spec in self.specs:
            for name, value in spec.tags.items():
                self.tag_spec_names[value] = clean(name)
        for ver, kind, scope, name, num, src in self.additions:
            if kind == "tag":
                self.tag_spec_names[num] = clean(name)

    # ---- enumerations and masks
    def _merge_values(self, kind, per_version):
        """per_version: {version: {type xml: [(spec name, code)]}} ->
        {type xml: [(code, xml name, since, removed)]} (values sorted by
        code, the newest name of a code first)."""
        out = {}
        all_types = sorted({t for d in per_version.values() for t in d})
        for t in all_types:
            seen = collections.defaultdict(lambda: collections.defaultdict(set))  # code -> name -> versions
            short = collections.defaultdict(lambda: collections.defaultdict(set))  # same, annotation dropped
            for ver in VERSIONS:
                rows = per_version.get(ver, {}).get(t)
                if rows is None:
                    continue
                in_version = collections.defaultdict(set)
                for spec_name, code in rows:
                    in_version[code].add(xml_name(spec_name))
                    m = ANNOTATION_RE.match(clean(spec_name))
                    if m:
                        short[code][xml_name(m.group(1))].add(ver)
                for code, ns in in_version.items():
                    if len(ns) > 1:
                        note("%s %s: %s gives code 0x%08X several names: %s" % (
                            kind, t, vstr(ver), code, ", ".join(sorted(ns))))
                    for n in ns:
                        seen[code][n].add(ver)
            values = []
            codes_of = collections.defaultdict(set)
            for code in sorted(seen):
                by_name = seen[code]
                # newest name first; ties (same last version) by first use, then name
                order = sorted(by_name, key=lambda n: (-VERSIONS.index(max(by_name[n])),
                                                       VERSIONS.index(min(by_name[n])), n))
                pref = PREFERRED_NAMES.get((t, code))
                if pref in order:
                    order.remove(pref)
                    order.insert(0, pref)
                    note("%s %s: code 0x%08X: %s made canonical (spec misprint)" % (kind, t, code, pref))
                if len(order) > 1:
                    note("%s %s: code 0x%08X renamed: %s" % (kind, t, code, "; ".join(
                        "%s (%s)" % (n, ", ".join(vstr(x) for x in sorted(by_name[n]))) for n in order)))
                for n in order:
                    # a preferred name stands for the code wherever it exists
                    present = set().union(*by_name.values()) if n == pref else by_name[n]
                    since, removed, gaps = presence(present)
                    if gaps:
                        note("%s %s: %s missing from %s" % (kind, t, n, ", ".join(vstr(g) for g in gaps)))
                    values.append((code, n, since, removed))
                    codes_of[loose(n)].add(code)
            # Names with a trailing parenthetical ("Content Commitment (Non
            # Repudiation)", "SHA-256 with RSA Encryption (PKCS#1 v1.5)") are
            # also accepted without it, as some test cases write them, unless
            # that short name would be ambiguous.
            extra = []
            for code in sorted(short):
                for n in sorted(short[code]):
                    if loose(n) in codes_of:
                        if codes_of[loose(n)] != {code}:
                            note("%s %s: short name %s for 0x%08X would clash, not added" % (kind, t, n, code))
                        continue
                    others = [c for c in short if c != code and n in short[c]]
                    if others:
                        note("%s %s: short name %s for 0x%08X would clash, not added" % (kind, t, n, code))
                        continue
                    since, removed, _ = presence(short[code][n])
                    extra.append((code, n, since, removed))
                    note("%s %s: 0x%08X also accepted as %s (annotation dropped)" % (kind, t, code, n))
            if extra:
                merged = []
                for code, n, since, removed in values + extra:
                    merged.append((code, n, since, removed))
                # stable sort: each code keeps its canonical name first
                values = sorted(merged, key=lambda x: x[0])
                for code, n, _, _ in extra:
                    codes_of[loose(n)].add(code)
            for n, codes in sorted(codes_of.items()):
                if len(codes) > 1:
                    note("%s %s: name %s used for several codes: %s (lookup by name returns the lowest)" % (
                        kind, t, n, ", ".join("0x%08X" % c for c in sorted(codes))))
            out[t] = values
        return out

    @staticmethod
    def _spec_names(per_version):
        """{type xml: {code: spec name}}: the newest spec text name of each
        code (the names KMIP 1.x writes in attribute values and messages)."""
        out = collections.defaultdict(dict)
        for ver in VERSIONS:
            for t, rows in per_version.get(ver, {}).items():
                for spec_name, code in rows:
                    out[t][code] = clean(spec_name)
        return out

    def _per_version(self, attr, add_kind):
        """{version: {type xml: [(spec name, code)]}}: the spec tables, 3.0
        inheriting 2.1, then each additions row in its version and every
        later one."""
        per = {}
        for spec in self.specs:
            per[spec.version] = {t: list(rows) for t, rows in getattr(spec, attr).items()}
        for child, parent in INHERITS.items():
            per[child] = {t: list(rows) for t, rows in per.get(parent, {}).items()}
        for ver, kind, scope, name, num, src in self.additions:
            if kind != add_kind:
                continue
            for later in VERSIONS[VERSIONS.index(ver):]:
                rows = per.setdefault(later, {}).setdefault(xml_name(scope), [])
                if (name, num) not in rows:
                    rows.append((name, num))
        return per

    def build_enums(self):
        per = self._per_version("enums", "enum")
        self.enums = self._merge_values("enum", per)
        self.enum_spec_names = self._spec_names(per)
        # The Tag enumeration (KMIP 2.x "Tag Enumeration") is the tag table.
        tag_values = []
        for value, canonical, aliases, since, removed in self.tags:
            for n in [canonical] + aliases:
                tag_values.append((value, n, since, removed))
        self.enums["Tag"] = tag_values
        self.enum_sections = {}
        for spec in self.specs:
            for sec, (kind, name) in spec.section_kind.items():
                self.enum_sections[(spec.version, sec)] = (kind, name)

    def build_masks(self):
        per = self._per_version("masks", "mask")
        self.mask_spec_names = self._spec_names(per)
        merged = self._merge_values("mask", per)
        self.masks = {}
        for t, values in merged.items():
            flags = []
            for code, n, since, removed in values:
                if code == 0 or code & (code - 1):
                    note("mask %s: flag %s = 0x%08X is not a single bit" % (t, n, code))
                flags.append((code, n))
            self.masks[t] = flags

    # ---- item types
    def build_types(self):
        seen = collections.defaultdict(lambda: collections.defaultdict(set))  # value -> type -> versions
        for spec in self.specs:
            for value, types in spec.types.items():
                for t in types:
                    seen[value][t].add(spec.version)
        for ver, kind, scope, name, num, src in self.additions:
            if kind in ("tag", "tagtype") and scope != "-":
                value = num if kind == "tag" else self.tag_by_xml.get(xml_name(name))
                if value is None:
                    fatal("%s: unknown tag %r" % (src, name))
                seen[value][xml_name(scope)].add(ver)
        self.item_types = {}
        self.types_seen = seen
        multi = []
        for value, canonical, _, _, _ in self.tags:
            types = seen.get(value, {})
            real = sorted(t for t in types if t != MULTI)
            if len(types) == 1 and len(real) == 1:
                self.item_types[value] = real[0]
            elif types:
                multi.append("%s (%s)" % (canonical, "; ".join(
                    "%s: %s" % (t, ", ".join(vstr(x) for x in sorted(types[t])))
                    for t in sorted(types))))
        for m in multi:
            note("tag with several item types, item_type None: %s" % m)
        weak = collections.defaultdict(set)
        for spec in self.specs:
            for value, types in spec.desc_types.items():
                weak[value] |= types
        from_desc, from_enum = [], []
        for value, canonical, _, _, _ in self.tags:
            if value in seen:
                continue
            if len(weak.get(value, ())) == 1:
                t = next(iter(weak[value]))
                from_desc.append("%s: %s" % (canonical, t))
            elif canonical in self.enums and canonical != "Tag":
                t = "Enumeration"
                from_enum.append(canonical)
            else:
                continue
            self.item_types[value] = t
            seen[value][t] = {VERSIONS[0]}
        note("item type from payload descriptions only (%d): %s" % (len(from_desc), ", ".join(from_desc)))
        note("item type Enumeration from the enumeration of the same name only (%d): %s" % (
            len(from_enum), ", ".join(from_enum)))
        untyped = [c for value, c, _, _, _ in self.tags if value not in seen]
        note("tags with no item type in any source (%d): %s" % (len(untyped), ", ".join(untyped)))

    def may_be(self, value, t):
        return t in self.types_seen.get(value, {})

    # ---- tag -> enumeration / mask
    def build_tag_enums(self):
        enum_names = set(self.enums)
        hints = collections.defaultdict(set)
        for spec in self.specs:
            for value, hs in spec.enum_hints.items():
                hints[value] |= hs
            for value, secs in spec.section_hints.items():
                for sec in secs:
                    k = self.enum_sections.get((spec.version, sec))
                    if k and k[0] == "enum":
                        hints[value].add(k[1])
        explicit = {}
        for ver, kind, scope, name, num, src in self.additions:
            if kind == "tagenum":
                value = self.tag_by_xml.get(xml_name(name))
                if value is None or xml_name(scope) not in enum_names:
                    fatal("%s: unknown tag or enumeration in %r -> %r" % (src, name, scope))
                explicit[value] = xml_name(scope)
        for tag, enum in ENUM_OVERRIDES.items():
            value = self.tag_by_xml.get(tag)
            if value is None or enum not in enum_names:
                fatal("override %s -> %s: unknown tag or enumeration" % (tag, enum))
            explicit.setdefault(value, enum)
        self.tag_enums = {}
        unmapped = []
        for value, canonical, _, _, _ in self.tags:
            is_enum = self.may_be(value, "Enumeration") or value in explicit or hints.get(value)
            if not is_enum:
                continue
            cands = []
            if value in explicit:
                cands.append(("explicit", explicit[value]))
            for h in sorted(hints.get(value, ())):
                if h in enum_names:
                    cands.append(("spec reference", h))
                else:
                    note("tag %s: spec names enumeration %s which has no table" % (canonical, h))
            if canonical in enum_names:
                cands.append(("same name", canonical))
            if not cands:
                suffix = [e for e in enum_names if canonical.endswith(e) and canonical != e
                          and canonical[len(canonical) - len(e)].isupper()]
                if suffix:
                    cands.append(("name suffix", max(suffix, key=len)))
            if not cands:
                unmapped.append(canonical)
                continue
            choice = cands[0][1]
            others = sorted({c for _, c in cands if c != choice})
            if others:
                note("tag %s: enumeration %s chosen (%s) over %s" % (
                    canonical, choice, cands[0][0], ", ".join(others)))
            if cands[0][0] == "name suffix":
                note("tag %s: enumeration %s from the name suffix" % (canonical, choice))
            self.tag_enums[value] = choice
        if unmapped:
            note("Enumeration tags without an enumeration table (%d): %s" % (len(unmapped), ", ".join(unmapped)))
        used = set(self.tag_enums.values())
        unused = sorted(enum_names - used)
        if unused:
            note("enumerations carried by no tag: %s" % ", ".join(unused))

    def build_tag_masks(self):
        mask_names = set(self.masks)
        hints = collections.defaultdict(set)
        for spec in self.specs:
            for value, secs in spec.section_hints.items():
                for sec in secs:
                    k = self.enum_sections.get((spec.version, sec))
                    if k and k[0] == "mask":
                        hints[value].add(k[1])
        explicit = {}
        for ver, kind, scope, name, num, src in self.additions:
            if kind == "tagmask":
                value = self.tag_by_xml.get(xml_name(name))
                if value is None or xml_name(scope) not in mask_names:
                    fatal("%s: unknown tag or mask in %r -> %r" % (src, name, scope))
                explicit[value] = xml_name(scope)
        self.tag_masks = {}
        for value, canonical, _, _, _ in self.tags:
            cands = []
            if value in explicit:
                cands.append(explicit[value])
            cands.extend(sorted(hints.get(value, ())))
            if canonical in mask_names and self.may_be(value, "Integer"):
                cands.append(canonical)
            if not cands:
                if canonical.endswith("Mask") and self.may_be(value, "Integer"):
                    note("Integer tag %s looks like a mask but has no mask table" % canonical)
                continue
            if len(set(cands)) > 1:
                note("tag %s: mask %s chosen over %s" % (canonical, cands[0], sorted(set(cands[1:]))))
            self.tag_masks[value] = cands[0]


# --------------------------------------------------------------------------
# Rust output

VCONST = {v: "V%d_%d" % v for v in VERSIONS}


def rv(v):
    return "None" if v is None else "Some(%s)" % VCONST[v]


def rtype(t):
    return "None" if t is None else "Some(ItemType::%s)" % t


def call(indent, fn, args):
    """One table row per line; the tables carry #[rustfmt::skip]."""
    return ["%s%s(%s)," % (indent, fn, ", ".join(args))]


def rust_str(s):
    if not re.match(r"^[A-Za-z0-9_]*$", s):
        fatal("unexpected character in name %r" % s)
    return '"%s"' % s


def rust_text(s):
    """A spec text name as a Rust string literal (printable ASCII only)."""
    if not re.match(r"^[ -~]*$", s):
        fatal("unexpected character in spec name %r" % s)
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def render(d, sources):
    out = []
    w = out.append
    w("//! KMIP dictionary tables: tags, enumerations and bit masks per protocol")
    w("//! version.")
    w("//!")
    w("//! @generated by tools/gen-dictionary.py — do not edit. Regenerate with")
    w("//! `python3 tools/gen-dictionary.py` (see tools/README.md). Sources:")
    for s in sources:
        w("//! - %s" % s)
    w("#![allow(missing_docs)]")
    w("#![allow(clippy::unreadable_literal)]")
    w("")
    w("use super::{EnumDef, EnumValue, MaskDef, MaskFlag, TagDef, Version};")
    w("use crate::model::ItemType;")
    w("")
    for v in VERSIONS:
        w("const %s: Version = Version::new(%d, %d);" % (VCONST[v], v[0], v[1]))
    w("")
    w("const fn tag(")
    w("    name: &'static str,")
    w("    value: u32,")
    w("    item_type: Option<ItemType>,")
    w("    since: Version,")
    w("    removed_in: Option<Version>,")
    w(") -> TagDef {")
    w("    TagDef {")
    w("        name,")
    w("        value,")
    w("        item_type,")
    w("        since,")
    w("        removed_in,")
    w("    }")
    w("}")
    w("")
    w("const fn val(")
    w("    name: &'static str,")
    w("    value: u32,")
    w("    since: Version,")
    w("    removed_in: Option<Version>,")
    w(") -> EnumValue {")
    w("    EnumValue {")
    w("        name,")
    w("        value,")
    w("        since,")
    w("        removed_in,")
    w("    }")
    w("}")
    w("")
    w("const fn flag(name: &'static str, bit: u32) -> MaskFlag {")
    w("    MaskFlag { name, bit }")
    w("}")
    w("")

    w("#[rustfmt::skip]")
    w("pub(super) static TAGS: &[TagDef] = &[")
    index = {}
    for i, (value, canonical, aliases, since, removed) in enumerate(d.tags):
        index[value] = i
        out.extend(call("    ", "tag", [rust_str(canonical), "0x%06X" % value,
                                        rtype(d.item_types.get(value)), VCONST[since], rv(removed)]))
    w("];")
    w("")
    w("#[rustfmt::skip]")
    w("pub(super) static TAGS_BY_NAME: &[(&str, u16)] = &[")
    by_name = []
    for value, canonical, aliases, _, _ in d.tags:
        for n in [canonical] + aliases:
            by_name.append((n, index[value]))
    for n, i in sorted(by_name, key=lambda x: x[0].encode()):
        w("    (%s, %d)," % (rust_str(n), i))
    w("];")
    w("")

    enum_names = sorted(d.enums, key=lambda n: n.encode())
    enum_index = {n: i for i, n in enumerate(enum_names)}
    w("#[rustfmt::skip]")
    w("pub(super) static ENUMS: &[EnumDef] = &[")
    for n in enum_names:
        w("    EnumDef {")
        w("        name: %s," % rust_str(n))
        if d.enums[n]:
            w("        values: &[")
            for code, vn, since, removed in d.enums[n]:
                out.extend(call("            ", "val", [rust_str(vn), "0x%08X" % code, VCONST[since], rv(removed)]))
            w("        ],")
        else:
            w("        values: &[],")
        w("    },")
    w("];")
    w("")
    w("#[rustfmt::skip]")
    w("pub(super) static TAG_ENUMS: &[(u32, u16)] = &[")
    for value in sorted(d.tag_enums):
        w("    (0x%06X, %d), // %s -> %s" % (value, enum_index[d.tag_enums[value]], d.tag_names[value],
                                           d.tag_enums[value]))
    w("];")
    w("")
    mask_names = sorted(d.masks, key=lambda n: n.encode())
    mask_index = {n: i for i, n in enumerate(mask_names)}
    w("#[rustfmt::skip]")
    w("pub(super) static MASKS: &[MaskDef] = &[")
    for n in mask_names:
        w("    MaskDef {")
        w("        name: %s," % rust_str(n))
        w("        flags: &[")
        for bit, fn in d.masks[n]:
            out.extend(call("            ", "flag", [rust_str(fn), "0x%08X" % bit]))
        w("        ],")
        w("    },")
    w("];")
    w("")
    w("#[rustfmt::skip]")
    w("pub(super) static TAG_MASKS: &[(u32, u16)] = &[")
    for value in sorted(d.tag_masks):
        w("    (0x%06X, %d), // %s -> %s" % (value, mask_index[d.tag_masks[value]], d.tag_names[value],
                                           d.tag_masks[value]))
    w("];")
    if len(d.tags) > 0xFFFF or len(enum_names) > 0xFFFF or len(mask_names) > 0xFFFF:
        fatal("table too large for u16 indices")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Typed constants (src/consts.rs)


def upper_snake(xml):
    """KMIP XML name -> Rust constant name: ActivationDate -> ACTIVATION_DATE,
    IVCounterNonce -> IV_COUNTER_NONCE, X_509CertificateIdentifier ->
    X_509_CERTIFICATE_IDENTIFIER, SHA_256 -> SHA_256."""
    s = xml.replace("ChaCha", "Chacha")  # one word: CHACHA20, not CHA_CHA20
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return re.sub(r"_+", "_", s).upper()


def snake(xml):
    return upper_snake(xml).lower()


def const_rows(values, what):
    """[(code, xml name)] -> [(CONST, code)]: every name of every code, the
    first (canonical) name of a constant winning a clash."""
    rows, seen = [], {}
    for code, n in values:
        c = upper_snake(n)
        if c in seen:
            if seen[c] != code:
                note("%s: constant %s would name 0x%08X and 0x%08X; kept the first" % (what, c, seen[c], code))
            continue
        seen[c] = code
        rows.append((c, code))
    return rows


def render_consts(d, sources):
    out = []
    w = out.append
    w("//! Typed KMIP constants: every tag ([`tags`]), enumeration ([`enums`])")
    w("//! and bit mask ([`masks`]) of the dictionary, one Rust constant per")
    w("//! name, plus the spec text names ('Activation Date') that KMIP 1.x")
    w("//! writes as attribute names. Use these instead of writing tag or code")
    w("//! values by hand; `tests/dictionary.rs` checks they equal the dictionary.")
    w("//!")
    w("//! @generated by tools/gen-dictionary.py — do not edit. Regenerate with")
    w("//! `python3 tools/gen-dictionary.py` (see tools/README.md). Sources:")
    for s in sources:
        w("//! - %s" % s)
    w("#![allow(missing_docs)]")
    w("#![allow(clippy::unreadable_literal)]")
    w("")
    w("/// Tag values, named after the KMIP XML tag name in upper snake case.")
    w("#[rustfmt::skip]")
    w("pub mod tags {")
    w("    use crate::model::Tag;")
    w("")
    names = []
    for value, canonical, aliases, _, _ in d.tags:
        names.append((value, canonical))
        for a in aliases:
            names.append((value, a))
    for c, value in const_rows(names, "tag"):
        w("    pub const %s: Tag = Tag(0x%06X);" % (c, value))
    w("")
    w("    /// (tag value, spec text name) for every tag, sorted by value.")
    w("    pub static SPEC_NAMES: &[(u32, &str)] = &[")
    for value, canonical, _, _, _ in d.tags:
        w("        (0x%06X, %s)," % (value, rust_text(d.tag_spec_names.get(value, canonical))))
    w("    ];")
    w("}")
    w("")

    def module(kind, name, values, spec_names):
        w("    /// %s." % name)
        w("    pub mod %s {" % snake(name))
        for c, code in const_rows([(code, n) for code, n in values], "%s %s" % (kind, name)):
            w("        pub const %s: u32 = 0x%08X;" % (c, code))
        w("        /// (code, spec text name), one row per code.")
        w("        pub static NAMES: &[(u32, &str)] = &[")
        done = set()
        for code, n in values:
            if code in done:
                continue
            done.add(code)
            w("            (0x%08X, %s)," % (code, rust_text(spec_names.get(code, n))))
        w("        ];")
        w("    }")

    w("/// Enumeration codes: one module per enumeration (snake case of its XML")
    w("/// name), one constant per value name (canonical and earlier names).")
    w("#[rustfmt::skip]")
    w("pub mod enums {")
    first = True
    for n in sorted(d.enums, key=lambda x: x.encode()):
        if n == "Tag" or not d.enums[n]:
            continue
        if not first:
            w("")
        first = False
        module("enum", n, [(code, vn) for code, vn, _, _ in d.enums[n]], d.enum_spec_names.get(n, {}))
    w("}")
    w("")
    w("/// Bit masks: one module per mask, one constant per flag.")
    w("#[rustfmt::skip]")
    w("pub mod masks {")
    first = True
    for n in sorted(d.masks, key=lambda x: x.encode()):
        if not first:
            w("")
        first = False
        module("mask", n, [(bit, fn) for bit, fn in d.masks[n]], d.mask_spec_names.get(n, {}))
    w("}")
    return "\n".join(out) + "\n"


def write_out(path, text):
    if path == "-":
        sys.stdout.write(text)
        return
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# Summary


def summary(d, specs):
    lines = ["gen-dictionary: summary"]
    for v in VERSIONS:
        tags = sum(1 for value, _, _, since, removed in d.tags
                   if since <= v and (removed is None or v < removed))
        enums = 0
        evals = 0
        for n, values in d.enums.items():
            if n == "Tag":
                continue
            live = [x for x in values if x[2] <= v and (x[3] is None or v < x[3])]
            if live:
                enums += 1
                evals += len({x[0] for x in live})
        src = "spec" if any(s.version == v for s in specs) else "2.1 + additions"
        lines.append("  %s (%s): %d tags, %d enumerations with %d values" % (vstr(v), src, tags, enums, evals))
    lines.append("  total: %d tags (%d with an item type), %d enumerations (incl. Tag), %d masks, "
                 "%d tag->enumeration, %d tag->mask" % (
                     len(d.tags), len(d.item_types), len(d.enums), len(d.masks), len(d.tag_enums),
                     len(d.tag_masks)))
    for m in sorted(d.masks):
        lines.append("  mask %s: %d flags" % (m, len(d.masks[m])))
    lines.append("gen-dictionary: notes (%d)" % len(NOTES))
    lines.extend("  - " + n for n in NOTES)
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec-dir", default=DEFAULT_SPEC_DIR, help="folder with the KMIP spec HTML files")
    ap.add_argument("--additions", default=DEFAULT_ADDITIONS, help="the KMIP 3.0 additions table")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output file (- for stdout)")
    ap.add_argument("--consts-out", default=DEFAULT_CONSTS_OUT,
                    help="typed constants file (- for stdout, 'none' to skip)")
    ap.add_argument("--quiet", action="store_true", help="no summary on stderr")
    args = ap.parse_args()

    specs = []
    for version, fname in SPEC_FILES:
        path = os.path.join(args.spec_dir, fname)
        if not os.path.exists(path):
            fatal("spec file not found: %s" % path)
        specs.append(parse_spec(version, path))
    additions = parse_additions(args.additions)
    d = Dictionary(specs, additions)
    sources = ["%s (KMIP %s)" % (fname, vstr(v)) for v, fname in SPEC_FILES]
    sources.append("data/%s (KMIP 3.0 additions)" % os.path.basename(args.additions))
    write_out(args.out, render(d, sources))
    if args.consts_out != "none":
        write_out(args.consts_out, render_consts(d, sources))
    if not args.quiet:
        sys.stderr.write(summary(d, specs))


if __name__ == "__main__":
    main()
