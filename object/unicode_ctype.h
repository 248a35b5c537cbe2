// The Unicode character database of str: character classes, digit and
// numeric values, and case mappings of single code points, exactly as
// CPython 3.13 (Unicode 15.1) defines them.
//
// This is CPython's Objects/unicodectype.c: str.isalpha() and its
// siblings, str.lower() / upper() / title() / casefold() and the C API's
// Py_UNICODE_IS* / Py_UNICODE_TO* (ext_abi/capi_unicode_ctype.cc) all ask
// these functions, so they cannot disagree. The data is generated from
// CPython 3.13 itself by object/gen_unicode_ctype.py into
// unicode_ctype_tables.inc, laid out as CPython's makeunicodedata.py lays
// out its own: one shared record per distinct set of properties, found
// through a multi-level index (see the generator). Whitespace is
// str_ops.h's IsUnicodeSpace (unicode_ctype_test checks it against
// CPython's too).
//
// Definitions (each matches CPython's function of the same name):
//   Alpha      categories Lu Ll Lt Lm Lo (str.isalpha())
//   Decimal    Nd (str.isdecimal()); its value 0-9 by UnicodeToDecimal
//   Digit      decimal digits and the other digits (superscripts,
//              circled digits...; str.isdigit()); value by UnicodeToDigit
//   Numeric    any character with a numeric value (str.isnumeric());
//              UnicodeToNumeric gives it ('½' is 0.5)
//   Lower / Upper / Title  CPython's _PyUnicode_IsLowercase /
//              IsUppercase / IsTitlecase (Lowercase, Uppercase, Lt)
//   Printable  not in categories Cc Cf Cs Co Cn Zl Zp Zs, except ' '
//   Linebreak  the characters str.splitlines() splits at
//   Cased / CaseIgnorable  Unicode's properties of those names, for the
//              final-sigma rule of str.lower() and for str.title()
// The simple mappings (UnicodeToLower, ...) are one code point each,
// CPython's _PyUnicode_ToLowercase...; the full ones (UnicodeToLowerFull,
// ...) are what str.lower() ... of the single character gives, up to 3
// code points ('ß'.upper() is "SS"), without the final-sigma context
// (str_methods.cc applies it).
//
// A code point past U+10FFFF has no property: every predicate is false,
// the values are -1, and the mappings give it back unchanged.
//
// Concurrency: pure functions over constant tables; safe from any thread.
#ifndef FTRT_OBJECT_UNICODE_CTYPE_H_
#define FTRT_OBJECT_UNICODE_CTYPE_H_

#include "object/builtin_layouts.h"

namespace ftrt {

// The longest full case mapping of one code point.
inline constexpr int kMaxFullCaseMapping = 3;

bool UnicodeIsAlpha(Py_UCS4 ch);
bool UnicodeIsDecimal(Py_UCS4 ch);
bool UnicodeIsDigit(Py_UCS4 ch);
bool UnicodeIsNumeric(Py_UCS4 ch);
// Alpha, decimal, digit or numeric (str.isalnum(), Py_UNICODE_ISALNUM).
bool UnicodeIsAlnum(Py_UCS4 ch);
bool UnicodeIsLower(Py_UCS4 ch);
bool UnicodeIsUpper(Py_UCS4 ch);
bool UnicodeIsTitle(Py_UCS4 ch);
bool UnicodeIsPrintable(Py_UCS4 ch);
bool UnicodeIsLinebreak(Py_UCS4 ch);
bool UnicodeIsCased(Py_UCS4 ch);
bool UnicodeIsCaseIgnorable(Py_UCS4 ch);

// 0-9, or -1 for a character without that value.
int UnicodeToDecimal(Py_UCS4 ch);
int UnicodeToDigit(Py_UCS4 ch);
// The numeric value, or -1.0 for a character without one.
double UnicodeToNumeric(Py_UCS4 ch);

// Simple (one code point) case mappings; ch itself when it has none.
Py_UCS4 UnicodeToLower(Py_UCS4 ch);
Py_UCS4 UnicodeToUpper(Py_UCS4 ch);
Py_UCS4 UnicodeToTitle(Py_UCS4 ch);

// Full case mappings: write 1 to kMaxFullCaseMapping code points to out
// and return how many. Fold is str.casefold()'s.
int UnicodeToLowerFull(Py_UCS4 ch, Py_UCS4 out[kMaxFullCaseMapping]);
int UnicodeToUpperFull(Py_UCS4 ch, Py_UCS4 out[kMaxFullCaseMapping]);
int UnicodeToTitleFull(Py_UCS4 ch, Py_UCS4 out[kMaxFullCaseMapping]);
int UnicodeToFoldFull(Py_UCS4 ch, Py_UCS4 out[kMaxFullCaseMapping]);

}  // namespace ftrt

#endif  // FTRT_OBJECT_UNICODE_CTYPE_H_
