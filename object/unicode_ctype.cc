// The Unicode character database's lookups (see unicode_ctype.h): a code
// point's record through the three-level index of unicode_ctype_tables.inc,
// and the special casings by binary search.
#include "object/unicode_ctype.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace ftrt {
namespace {

// One distinct set of properties (the tables share it between the code
// points that have it). The simple case mappings are deltas, so that a run
// of letters with the same offset to its other case shares one record.
struct CtypeRecord {
  uint16_t flags;  // CtypeFlag bits (defined by the generated tables)
  int32_t lower;   // UnicodeToLower(ch) - ch
  int32_t upper;
  int32_t title;
  int8_t decimal;   // -1 for none
  int8_t digit;     // -1 for none
  uint8_t numeric;  // index into kNumericValues; 0 holds -1.0 (none)
};

// The full case mappings of a code point whose are not its simple ones.
// A mapping shorter than kMaxFullCaseMapping ends at its first 0.
struct SpecialCasing {
  Py_UCS4 ch;
  Py_UCS4 lower[kMaxFullCaseMapping];
  Py_UCS4 upper[kMaxFullCaseMapping];
  Py_UCS4 title[kMaxFullCaseMapping];
  Py_UCS4 fold[kMaxFullCaseMapping];
};

#include "object/unicode_ctype_tables.inc"

constexpr Py_UCS4 kNumCodePoints = 0x110000;
static_assert(std::size(kIndex0) << (kIndexShift1 + kIndexShift2) == kNumCodePoints);
static_assert(std::size(kNumericValues) <= 256, "CtypeRecord::numeric is 8 bits");
static_assert(std::size(kRecords) <= (size_t{1} << (8 * sizeof(kIndex2[0]))));

// Record 0 is what the generator gives every code point without a
// property, and so a value past U+10FFFF.
const CtypeRecord& Record(Py_UCS4 ch) {
  if (ch >= kNumCodePoints) return kRecords[0];
  constexpr Py_UCS4 kMask1 = (Py_UCS4{1} << kIndexShift1) - 1;
  constexpr Py_UCS4 kMask2 = (Py_UCS4{1} << kIndexShift2) - 1;
  const Py_UCS4 block1 = kIndex0[ch >> (kIndexShift1 + kIndexShift2)];
  const Py_UCS4 block2 = kIndex1[(block1 << kIndexShift1) + ((ch >> kIndexShift2) & kMask1)];
  return kRecords[kIndex2[(block2 << kIndexShift2) + (ch & kMask2)]];
}

bool Has(Py_UCS4 ch, unsigned flags) { return (Record(ch).flags & flags) != 0; }

const SpecialCasing& FindSpecial(Py_UCS4 ch) {
  const SpecialCasing* it =
      std::lower_bound(std::begin(kSpecialCasing), std::end(kSpecialCasing), ch,
                       [](const SpecialCasing& s, Py_UCS4 c) { return s.ch < c; });
  // kSpecialCasingFlag is set exactly for the code points listed.
  return *it;
}

int CopyMapping(const Py_UCS4 (&mapping)[kMaxFullCaseMapping], Py_UCS4* out) {
  int n = 0;
  while (n < kMaxFullCaseMapping && mapping[n] != 0) {
    out[n] = mapping[n];
    ++n;
  }
  return n;
}

// The full mapping `field` of ch, or its simple one (ch + delta).
int FullMapping(Py_UCS4 ch, int32_t CtypeRecord::*delta,
                Py_UCS4 (SpecialCasing::*field)[kMaxFullCaseMapping], Py_UCS4* out) {
  const CtypeRecord& r = Record(ch);
  if ((r.flags & kSpecialCasingFlag) != 0) return CopyMapping(FindSpecial(ch).*field, out);
  out[0] = static_cast<Py_UCS4>(static_cast<int32_t>(ch) + r.*delta);
  return 1;
}

}  // namespace

bool UnicodeIsAlpha(Py_UCS4 ch) { return Has(ch, kAlphaFlag); }
bool UnicodeIsDecimal(Py_UCS4 ch) { return Has(ch, kDecimalFlag); }
bool UnicodeIsDigit(Py_UCS4 ch) { return Has(ch, kDigitFlag); }
bool UnicodeIsNumeric(Py_UCS4 ch) { return Has(ch, kNumericFlag); }
bool UnicodeIsAlnum(Py_UCS4 ch) {
  return Has(ch, kAlphaFlag | kDecimalFlag | kDigitFlag | kNumericFlag);
}
bool UnicodeIsLower(Py_UCS4 ch) { return Has(ch, kLowerFlag); }
bool UnicodeIsUpper(Py_UCS4 ch) { return Has(ch, kUpperFlag); }
bool UnicodeIsTitle(Py_UCS4 ch) { return Has(ch, kTitleFlag); }
bool UnicodeIsPrintable(Py_UCS4 ch) { return Has(ch, kPrintableFlag); }
bool UnicodeIsLinebreak(Py_UCS4 ch) { return Has(ch, kLinebreakFlag); }
bool UnicodeIsCased(Py_UCS4 ch) { return Has(ch, kCasedFlag); }
bool UnicodeIsCaseIgnorable(Py_UCS4 ch) { return Has(ch, kCaseIgnorableFlag); }

int UnicodeToDecimal(Py_UCS4 ch) { return Record(ch).decimal; }
int UnicodeToDigit(Py_UCS4 ch) { return Record(ch).digit; }
double UnicodeToNumeric(Py_UCS4 ch) { return kNumericValues[Record(ch).numeric]; }

Py_UCS4 UnicodeToLower(Py_UCS4 ch) {
  return static_cast<Py_UCS4>(static_cast<int32_t>(ch) + Record(ch).lower);
}
Py_UCS4 UnicodeToUpper(Py_UCS4 ch) {
  return static_cast<Py_UCS4>(static_cast<int32_t>(ch) + Record(ch).upper);
}
Py_UCS4 UnicodeToTitle(Py_UCS4 ch) {
  return static_cast<Py_UCS4>(static_cast<int32_t>(ch) + Record(ch).title);
}

int UnicodeToLowerFull(Py_UCS4 ch, Py_UCS4 out[kMaxFullCaseMapping]) {
  return FullMapping(ch, &CtypeRecord::lower, &SpecialCasing::lower, out);
}
int UnicodeToUpperFull(Py_UCS4 ch, Py_UCS4 out[kMaxFullCaseMapping]) {
  return FullMapping(ch, &CtypeRecord::upper, &SpecialCasing::upper, out);
}
int UnicodeToTitleFull(Py_UCS4 ch, Py_UCS4 out[kMaxFullCaseMapping]) {
  return FullMapping(ch, &CtypeRecord::title, &SpecialCasing::title, out);
}
// Without a special casing, casefold is the full lowercase mapping.
int UnicodeToFoldFull(Py_UCS4 ch, Py_UCS4 out[kMaxFullCaseMapping]) {
  return FullMapping(ch, &CtypeRecord::lower, &SpecialCasing::fold, out);
}

}  // namespace ftrt
