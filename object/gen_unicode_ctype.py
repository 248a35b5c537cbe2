#!/usr/bin/env python3
"""Writes object/unicode_ctype_tables.inc: the Unicode character database that
object/unicode_ctype.cc reads (str's character classes, numeric values and
case mappings), as the running CPython reports it. Run it with CPython 3.13,
so the Unicode version (15.1) and every definition match the ABI ftrt follows:
    python3 object/gen_unicode_ctype.py > object/unicode_ctype_tables.inc
With --digests it prints instead the per-property digests that
object/unicode_ctype_test.cc compares the tables against (paste them there).

The reference is CPython itself, never a re-reading of the UCD files: the
predicates, digit values, numeric values and simple case mappings come from
CPython's own Objects/unicodectype.c, called through ctypes (libpython
exports _PyUnicode_IsAlpha, _PyUnicode_ToLowercase, ...), and the full case
mappings from str.lower() / upper() / title() / casefold() of each single
character. Cased and Case_Ignorable, which CPython keeps private, are read
back from the two places str uses them: title() lowers a letter after a
cased character, and lower() picks the final sigma by them.

The layout (as CPython's makeunicodedata.py lays out its own, with one
level more): each code point's properties, its simple case mappings as
deltas, are one record, and equal records are shared (kRecords); a
three-level index finds a code point's record: kIndex0 by the top bits
picks a block of kIndex1, which by the middle bits picks a block of kIndex2,
which by the low bits holds the record's number. Equal blocks are stored
once at each level, so the unassigned planes cost almost nothing. The shifts
are the ones that make the index smallest. The few characters whose full
case mappings are not their simple ones carry kSpecialCasingFlag and are
looked up in kSpecialCasing, sorted by code point.
"""
import ctypes
import struct
import sys
import unicodedata

NUM_CODE_POINTS = 0x110000

# The record flags, in bit order; unicode_ctype.cc names them k<Name>Flag.
FLAGS = [
    "Alpha", "Decimal", "Digit", "Numeric", "Lower", "Upper", "Title",
    "Printable", "Linebreak", "Cased", "CaseIgnorable", "SpecialCasing",
]


def capi(name, restype=ctypes.c_int):
    fn = getattr(ctypes.pythonapi, name)
    fn.argtypes = [ctypes.c_uint32]
    fn.restype = restype
    return fn


# CPython's own functions (Objects/unicodectype.c): the reference.
PREDICATES = {
    "Alpha": capi("_PyUnicode_IsAlpha"),
    "Decimal": capi("_PyUnicode_IsDecimalDigit"),
    "Digit": capi("_PyUnicode_IsDigit"),
    "Numeric": capi("_PyUnicode_IsNumeric"),
    "Lower": capi("_PyUnicode_IsLowercase"),
    "Upper": capi("_PyUnicode_IsUppercase"),
    "Title": capi("_PyUnicode_IsTitlecase"),
    "Printable": capi("_PyUnicode_IsPrintable"),
    "Linebreak": capi("_PyUnicode_IsLinebreak"),
    "Whitespace": capi("_PyUnicode_IsWhitespace"),  # digest only (str_ops.h)
}
TO_DECIMAL = capi("_PyUnicode_ToDecimalDigit")
TO_DIGIT = capi("_PyUnicode_ToDigit")
TO_NUMERIC = capi("_PyUnicode_ToNumeric", ctypes.c_double)
TO_LOWER = capi("_PyUnicode_ToLowercase", ctypes.c_uint32)
TO_UPPER = capi("_PyUnicode_ToUppercase", ctypes.c_uint32)
TO_TITLE = capi("_PyUnicode_ToTitlecase", ctypes.c_uint32)


def is_cased(ch):
    # title() lowers a character that follows a cased one.
    return (ch + "A").title().endswith("a")


def is_case_ignorable(ch, cased):
    # lower() of U+03A3 gives the final sigma U+03C2 after a cased character,
    # skipping case-ignorable ones: after 'A' + ch exactly when ch is cased or
    # case-ignorable; after '1' + ch exactly when ch is cased and not.
    if cased:
        return not ("1" + ch + "\u03a3").lower().endswith("\u03c2")
    return ("A" + ch + "\u03a3").lower().endswith("\u03c2")


def props(cp):
    """Everything the tables hold for one code point, from the reference."""
    ch = chr(cp)
    p = {name: bool(fn(cp)) for name, fn in PREDICATES.items()}
    p["Cased"] = is_cased(ch)
    p["CaseIgnorable"] = is_case_ignorable(ch, p["Cased"])
    p["decimal"] = TO_DECIMAL(cp)
    p["digit"] = TO_DIGIT(cp)
    p["numeric"] = TO_NUMERIC(cp)
    p["lower"], p["upper"], p["title"] = TO_LOWER(cp), TO_UPPER(cp), TO_TITLE(cp)
    p["lower_full"] = [ord(c) for c in ch.lower()]
    p["upper_full"] = [ord(c) for c in ch.upper()]
    p["title_full"] = [ord(c) for c in ch.title()]
    p["fold_full"] = [ord(c) for c in ch.casefold()]
    # Consistency with str's own methods (the definitions the tables serve).
    assert p["Alpha"] == ch.isalpha() and p["Decimal"] == ch.isdecimal()
    assert p["Digit"] == ch.isdigit() and p["Numeric"] == ch.isnumeric()
    assert p["Lower"] == ch.islower() and p["Upper"] == ch.isupper()
    assert p["Printable"] == ch.isprintable() and p["Whitespace"] == ch.isspace()
    assert p["Linebreak"] == (len(("a" + ch + "b").splitlines()) == 2)
    assert (p["Title"] or p["Upper"]) == ch.istitle()
    return p


def special(p):
    """Whether the full mappings differ from what the simple ones imply."""
    return (p["lower_full"] != [p["lower"]] or p["upper_full"] != [p["upper"]]
            or p["title_full"] != [p["title"]] or p["fold_full"] != p["lower_full"])


def all_props():
    return [props(cp) for cp in range(NUM_CODE_POINTS)]


# --- the tables ---


def blocks_of(values, shift):
    """Splits `values` into blocks of 1 << shift, sharing equal ones: (index,
    table) with values[i] == table[(index[i >> shift] << shift) + (i & mask)]."""
    size = 1 << shift
    blocks, index, table = {}, [], []
    for start in range(0, len(values), size):
        block = tuple(values[start:start + size])
        if block not in blocks:
            blocks[block] = len(blocks)
            table.extend(block)
        index.append(blocks[block])
    return index, table


def nbytes(array):
    return len(array) * int_bytes(max(array))


def three_levels(values):
    """The three-level index of `values` with the fewest bytes: (shift1,
    shift2, index0, index1, index2), values[i] found as unicode_ctype.cc's
    Record() finds it:
        index2[(index1[(index0[i >> (shift1 + shift2)] << shift1)
                       + ((i >> shift2) & mask1)] << shift2) + (i & mask2)]"""
    best = None
    for shift2 in range(2, 11):
        index, index2 = blocks_of(values, shift2)
        for shift1 in range(1, 11):
            index0, index1 = blocks_of(index, shift1)
            cost = nbytes(index0) + nbytes(index1) + nbytes(index2)
            if best is None or cost < best[0]:
                best = (cost, shift1, shift2, index0, index1, index2)
    return best[1:]


def int_bytes(largest):
    return 1 if largest < 1 << 8 else 2 if largest < 1 << 16 else 4


def c_uint(largest):
    return f"uint{8 * int_bytes(largest)}_t"


def emit_array(out, decl, items):
    """`decl = {items};`, the items packed into lines of at most 100 columns."""
    out.append(f"{decl} = {{")
    line = "   "
    for item in map(str, items):
        if len(line) + 1 + len(item) + 1 > 100:
            out.append(line)
            line = "   "
        line += f" {item},"
    if line.strip():
        out.append(line)
    out.append("};")


def flags_of(p, has_special):
    bits = 0
    for bit, name in enumerate(FLAGS):
        if has_special if name == "SpecialCasing" else p[name]:
            bits |= 1 << bit
    return bits


def tables(ps):
    numerics = [-1.0] + sorted({p["numeric"] for p in ps} - {-1.0})
    numeric_index = {v: i for i, v in enumerate(numerics)}
    nothing = (0, 0, 0, 0, -1, -1, 0)  # record 0: what a code point past U+10FFFF gets
    records, record_of = {nothing: 0}, []
    specials = []
    for cp, p in enumerate(ps):
        sp = special(p)
        if sp:
            specials.append((cp, p))
        rec = (flags_of(p, sp), p["lower"] - cp, p["upper"] - cp, p["title"] - cp,
               p["decimal"], p["digit"], numeric_index[p["numeric"]])
        record_of.append(records.setdefault(rec, len(records)))
    shift1, shift2, index0, index1, index2 = three_levels(record_of)
    size = sum(map(nbytes, (index0, index1, index2)))

    out = [f"// Generated by object/gen_unicode_ctype.py (Unicode {unicodedata.unidata_version}); "
           "do not edit.",
           f"// {len(records)} records, {len(numerics)} numeric values, {len(specials)} special "
           f"casings; a {size}-byte index."]
    out.append("enum CtypeFlag : uint16_t {")
    out += [f"  k{name}Flag = 1 << {bit}," for bit, name in enumerate(FLAGS)]
    out.append("};")
    # {flags, lower, upper and title deltas, decimal, digit, numeric index}
    emit_array(out, "constexpr CtypeRecord kRecords[]",
               [f"{{0x{rec[0]:X}, " + ", ".join(str(x) for x in rec[1:]) + "}"
                for rec in records])
    # repr() is the shortest text that reads back as the same double.
    emit_array(out, "constexpr double kNumericValues[]", [repr(v) for v in numerics])
    out.append(f"constexpr int kIndexShift1 = {shift1};")
    out.append(f"constexpr int kIndexShift2 = {shift2};")
    emit_array(out, f"constexpr {c_uint(max(index0))} kIndex0[]", index0)
    emit_array(out, f"constexpr {c_uint(max(index1))} kIndex1[]", index1)
    emit_array(out, f"constexpr {c_uint(max(index2))} kIndex2[]", index2)

    def cps(seq):
        return "{" + ", ".join(f"0x{c:X}" for c in seq) + "}"

    # {code point, full lower, upper, title, casefold}; a mapping shorter
    # than 3 ends at its first 0 (no full mapping holds U+0000).
    emit_array(out, "constexpr SpecialCasing kSpecialCasing[]", [
        f"{{0x{cp:X}, {cps(p['lower_full'])}, {cps(p['upper_full'])}, {cps(p['title_full'])}, "
        f"{cps(p['fold_full'])}}}" for cp, p in specials])
    return "\n".join(out) + "\n"


# --- the digests ---


class Fnv64:
    """FNV-1a, 64 bits, over the bytes the test feeds its own copy."""

    def __init__(self):
        self.h = 0xCBF29CE484222325

    def add(self, data):
        h = self.h
        for b in data:
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        self.h = h


def digests(ps):
    """One digest per property over all code points, each value serialised
    as: a predicate 1 byte (0/1); an int or code point 4 bytes little-endian
    (two's complement); a double its 8 bytes little-endian; a full mapping
    its length (1 byte) then its code points (4 bytes each)."""
    preds = [("Alpha", "Alpha"), ("Decimal", "Decimal"), ("Digit", "Digit"),
             ("Numeric", "Numeric"), ("Lower", "Lower"), ("Upper", "Upper"),
             ("Title", "Title"), ("Printable", "Printable"), ("Linebreak", "Linebreak"),
             ("Cased", "Cased"), ("CaseIgnorable", "CaseIgnorable"),
             ("Whitespace", "Whitespace")]
    out = []
    for name, key in preds:
        f = Fnv64()
        f.add(bytes(1 if p[key] else 0 for p in ps))
        out.append((name, f.h))
    alnum = Fnv64()
    alnum.add(bytes(1 if p["Alpha"] or p["Decimal"] or p["Digit"] or p["Numeric"] else 0
                    for p in ps))
    out.append(("Alnum", alnum.h))
    for name, key in (("ToDecimal", "decimal"), ("ToDigit", "digit"), ("ToLower", "lower"),
                      ("ToUpper", "upper"), ("ToTitle", "title")):
        f = Fnv64()
        f.add(b"".join(struct.pack("<i" if key in ("decimal", "digit") else "<I", p[key])
                       for p in ps))
        out.append((name, f.h))
    f = Fnv64()
    f.add(b"".join(struct.pack("<d", p["numeric"]) for p in ps))
    out.append(("ToNumeric", f.h))
    for name, key in (("ToLowerFull", "lower_full"), ("ToUpperFull", "upper_full"),
                      ("ToTitleFull", "title_full"), ("ToFoldFull", "fold_full")):
        f = Fnv64()
        f.add(b"".join(bytes([len(p[key])]) + struct.pack(f"<{len(p[key])}I", *p[key])
                       for p in ps))
        out.append((name, f.h))
    lines = [f"// Generated by object/gen_unicode_ctype.py --digests "
             f"(Unicode {unicodedata.unidata_version})."]
    lines += [f"constexpr uint64_t k{name}Digest = 0x{h:016X}u;" for name, h in out]
    return "\n".join(lines) + "\n"


def main():
    if sys.version_info[:2] != (3, 13):
        sys.exit("run with CPython 3.13 (its Unicode database is ftrt's)")
    ps = all_props()
    sys.stdout.write(digests(ps) if sys.argv[1:] == ["--digests"] else tables(ps))


if __name__ == "__main__":
    main()
