// str's character methods, with CPython 3.13's semantics (Objects/
// unicodeobject.c's unicode_isalpha_impl ... and do_lower ... do_title):
//
//   isalpha isdecimal isdigit isnumeric isalnum isspace
//       every character has the class, and there is at least one;
//   isprintable  every character is printable ('' is printable);
//   isascii      every character is below U+0080 ('' is ASCII);
//   islower / isupper  no character of the other case (or titlecase) and
//       at least one of this case;
//   istitle      upper- and titlecase characters only after uncased ones,
//       lowercase only after cased ones, and at least one cased;
//   lower upper casefold  the full mappings, so a string may grow
//       ('ß'.upper() is 'SS');
//   swapcase     uppercase characters lowered, lowercase ones uppered;
//   title        the first cased character of each run of cased
//       characters titlecased, the rest lowered;
//   capitalize   the first character titlecased, the rest lowered.
// Lowering applies Unicode's Final_Sigma rule, as CPython does in lower(),
// swapcase(), title() and capitalize() (not in casefold()): Σ becomes ς
// when a cased character precedes it and none follows, skipping
// case-ignorable characters both ways; otherwise σ.
//
// The text methods (encode, join, split, find, strip, ...) are
// str_text_methods.cc's; the table below lists both.
//
// The character data is unicode_ctype.h's (whitespace str_ops.h's), the
// same the C API's Py_UNICODE_IS* macros read. Results are new exact strs
// in canonical form, also for a str subclass. A string is immutable, so
// every method is safe on a string shared between threads.
#include "object/str_methods.h"

#include <vector>

#include "object/builtin_internal.h"
#include "object/cpython_types.h"
#include "object/error_indicator.h"
#include "object/none_bool.h"
#include "object/ref.h"
#include "object/str.h"
#include "object/str_ops.h"
#include "object/str_text_methods.h"
#include "object/unicode_ctype.h"

namespace ftrt {
namespace {

// Calls fn(ch) for each character of s in order while it returns true;
// whether it always did. One dispatch on the kind, not one per character.
template <typename Fn>
bool AllChars(const PyObject* s, Fn&& fn) {
  const Py_ssize_t n = StrLength(s);
  auto loop = [&](const auto* chars) {
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (!fn(static_cast<Py_UCS4>(chars[i]))) return false;
    }
    return true;
  };
  switch (StrKind(s)) {
    case PyUnicode_1BYTE_KIND:
      return loop(static_cast<const Py_UCS1*>(StrData(s)));
    case PyUnicode_2BYTE_KIND:
      return loop(static_cast<const Py_UCS2*>(StrData(s)));
    default:
      return loop(static_cast<const Py_UCS4*>(StrData(s)));
  }
}

// s is non-empty and every character satisfies pred.
template <bool (*pred)(Py_UCS4)>
PyObject* AllNonEmpty(PyObject* self, PyObject*) {
  return internal::BoolResult(StrLength(self) > 0 && AllChars(self, pred));
}

PyObject* IsPrintableMethod(PyObject* self, PyObject*) {
  return internal::BoolResult(AllChars(self, UnicodeIsPrintable));
}

PyObject* IsAsciiMethod(PyObject* self, PyObject*) { return internal::BoolResult(StrIsAscii(self)); }

// islower (own = lower, other = upper) and isupper (the reverse).
template <bool (*own)(Py_UCS4), bool (*other)(Py_UCS4)>
PyObject* CasedAs(PyObject* self, PyObject*) {
  if (StrLength(self) == 1) return internal::BoolResult(own(StrReadChar(self, 0)));
  bool cased = false;
  const bool ok = AllChars(self, [&](Py_UCS4 ch) {
    if (other(ch) || UnicodeIsTitle(ch)) return false;
    cased = cased || own(ch);
    return true;
  });
  return internal::BoolResult(ok && cased);
}

PyObject* IsTitleMethod(PyObject* self, PyObject*) {
  if (StrLength(self) == 1) {
    const Py_UCS4 ch = StrReadChar(self, 0);
    return internal::BoolResult(UnicodeIsTitle(ch) || UnicodeIsUpper(ch));
  }
  bool cased = false, previous_is_cased = false;
  const bool ok = AllChars(self, [&](Py_UCS4 ch) {
    if (UnicodeIsUpper(ch) || UnicodeIsTitle(ch)) {
      if (previous_is_cased) return false;
      previous_is_cased = cased = true;
    } else if (UnicodeIsLower(ch)) {
      if (!previous_is_cased) return false;
      previous_is_cased = cased = true;
    } else {
      previous_is_cased = false;
    }
    return true;
  });
  return internal::BoolResult(ok && cased);
}

// --- case conversions ---

// Σ at index i of s lowered: ς in the Final_Sigma context (a cased
// character before it and none after it, case-ignorable ones skipped),
// else σ (CPython's handle_capital_sigma).
Py_UCS4 LowerCapitalSigma(const PyObject* s, Py_ssize_t i) {
  Py_ssize_t j = i - 1;
  while (j >= 0 && UnicodeIsCaseIgnorable(StrReadChar(s, j))) --j;
  bool final_sigma = j >= 0 && UnicodeIsCased(StrReadChar(s, j));
  if (final_sigma) {
    const Py_ssize_t n = StrLength(s);
    j = i + 1;
    while (j < n && UnicodeIsCaseIgnorable(StrReadChar(s, j))) ++j;
    final_sigma = j == n || !UnicodeIsCased(StrReadChar(s, j));
  }
  return final_sigma ? 0x3C2 : 0x3C3;
}

// The full lowercase mapping of s[i] (== ch), in context.
int LowerInContext(const PyObject* s, Py_ssize_t i, Py_UCS4 ch, Py_UCS4* mapped) {
  if (ch == 0x3A3) {
    mapped[0] = LowerCapitalSigma(s, i);
    return 1;
  }
  return UnicodeToLowerFull(ch, mapped);
}

enum class Conversion { kLower, kUpper, kCasefold, kSwapcase, kTitle, kCapitalize };

// An ASCII string converted by a per-character mapping: ASCII again, and
// the same length, so written straight into a new string.
Ref<> ConvertAscii(PyObject* s, Conversion conv) {
  const Py_ssize_t n = StrLength(s);
  absl::StatusOr<Ref<>> r = StrNew(n, 0x7F);
  if (!r.ok()) return RefOrRaise(std::move(r));
  const auto* in = static_cast<const Py_UCS1*>(StrData(s));
  auto* out = static_cast<Py_UCS1*>(StrData(r->get()));
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS1 c = in[i];
    const bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
    const bool to_lower = upper && conv != Conversion::kUpper;
    const bool to_upper = lower && (conv == Conversion::kUpper || conv == Conversion::kSwapcase);
    out[i] = static_cast<Py_UCS1>(to_lower ? c + ('a' - 'A') : to_upper ? c - ('a' - 'A') : c);
  }
  return std::move(*r);
}

Ref<> Convert(PyObject* s, Conversion conv) {
  const Py_ssize_t n = StrLength(s);
  if (n == 0) return Ref<>::NewRef(EmptyStr());
  if (StrIsAscii(s) && conv != Conversion::kTitle && conv != Conversion::kCapitalize) {
    return ConvertAscii(s, conv);
  }
  std::vector<Py_UCS4> out;
  out.reserve(static_cast<size_t>(n));
  bool previous_is_cased = false;  // title()
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 ch = StrReadChar(s, i);
    Py_UCS4 mapped[kMaxFullCaseMapping] = {ch};
    int count = 1;
    switch (conv) {
      case Conversion::kLower:
        count = LowerInContext(s, i, ch, mapped);
        break;
      case Conversion::kUpper:
        count = UnicodeToUpperFull(ch, mapped);
        break;
      case Conversion::kCasefold:
        count = UnicodeToFoldFull(ch, mapped);
        break;
      case Conversion::kSwapcase:
        if (UnicodeIsUpper(ch)) {
          count = LowerInContext(s, i, ch, mapped);
        } else if (UnicodeIsLower(ch)) {
          count = UnicodeToUpperFull(ch, mapped);
        }
        break;
      case Conversion::kTitle:
        count = previous_is_cased ? LowerInContext(s, i, ch, mapped)
                                  : UnicodeToTitleFull(ch, mapped);
        previous_is_cased = UnicodeIsCased(ch);
        break;
      case Conversion::kCapitalize:
        count = i == 0 ? UnicodeToTitleFull(ch, mapped) : LowerInContext(s, i, ch, mapped);
        break;
    }
    out.insert(out.end(), mapped, mapped + count);
  }
  return RefOrRaise(StrFromCodePoints(out));
}

#define FTRT_FAST(f) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f))

template <Conversion conv>
PyObject* ConvertMethod(PyObject* self, PyObject*) {
  return Convert(self, conv).Release();
}

PyMethodDef g_str_methods[] = {
    {"isalpha", AllNonEmpty<UnicodeIsAlpha>, METH_NOARGS,
     "Return True if the string is an alphabetic string, False otherwise.\n\nA string is "
     "alphabetic if all characters in the string are alphabetic and there\nis at least one "
     "character in the string."},
    {"isdecimal", AllNonEmpty<UnicodeIsDecimal>, METH_NOARGS,
     "Return True if the string is a decimal string, False otherwise.\n\nA string is a decimal "
     "string if all characters in the string are decimal and\nthere is at least one character "
     "in the string."},
    {"isdigit", AllNonEmpty<UnicodeIsDigit>, METH_NOARGS,
     "Return True if the string is a digit string, False otherwise.\n\nA string is a digit "
     "string if all characters in the string are digits and there\nis at least one character "
     "in the string."},
    {"isnumeric", AllNonEmpty<UnicodeIsNumeric>, METH_NOARGS,
     "Return True if the string is a numeric string, False otherwise.\n\nA string is numeric if "
     "all characters in the string are numeric and there is at\nleast one character in the "
     "string."},
    {"isalnum", AllNonEmpty<UnicodeIsAlnum>, METH_NOARGS,
     "Return True if the string is an alpha-numeric string, False otherwise.\n\nA string is "
     "alpha-numeric if all characters in the string are alpha-numeric and\nthere is at least "
     "one character in the string."},
    {"islower", CasedAs<UnicodeIsLower, UnicodeIsUpper>, METH_NOARGS,
     "Return True if the string is a lowercase string, False otherwise.\n\nA string is "
     "lowercase if all cased characters in the string are lowercase and\nthere is at least one "
     "cased character in the string."},
    {"isupper", CasedAs<UnicodeIsUpper, UnicodeIsLower>, METH_NOARGS,
     "Return True if the string is an uppercase string, False otherwise.\n\nA string is "
     "uppercase if all cased characters in the string are uppercase and\nthere is at least one "
     "cased character in the string."},
    {"istitle", IsTitleMethod, METH_NOARGS,
     "Return True if the string is a title-cased string, False otherwise.\n\nIn a title-cased "
     "string, upper- and title-case characters may only\nfollow uncased characters and "
     "lowercase characters only cased ones."},
    {"isspace", AllNonEmpty<IsUnicodeSpace>, METH_NOARGS,
     "Return True if the string is a whitespace string, False otherwise.\n\nA string is "
     "whitespace if all characters in the string are whitespace and there\nis at least one "
     "character in the string."},
    {"isprintable", IsPrintableMethod, METH_NOARGS,
     "Return True if the string is printable, False otherwise.\n\nA string is printable if all "
     "of its characters are considered printable in\nrepr() or if it is empty."},
    {"isascii", IsAsciiMethod, METH_NOARGS,
     "Return True if all characters in the string are ASCII, False otherwise.\n\nASCII "
     "characters have code points in the range U+0000-U+007F.\nEmpty string is ASCII too."},
    {"lower", ConvertMethod<Conversion::kLower>, METH_NOARGS,
     "Return a copy of the string converted to lowercase."},
    {"upper", ConvertMethod<Conversion::kUpper>, METH_NOARGS,
     "Return a copy of the string converted to uppercase."},
    {"casefold", ConvertMethod<Conversion::kCasefold>, METH_NOARGS,
     "Return a version of the string suitable for caseless comparisons."},
    {"swapcase", ConvertMethod<Conversion::kSwapcase>, METH_NOARGS,
     "Convert uppercase characters to lowercase and lowercase characters to uppercase."},
    {"title", ConvertMethod<Conversion::kTitle>, METH_NOARGS,
     "Return a version of the string where each word is titlecased.\n\nMore specifically, words "
     "start with uppercased characters and all remaining\ncased characters have lower case."},
    {"capitalize", ConvertMethod<Conversion::kCapitalize>, METH_NOARGS,
     "Return a capitalized version of the string.\n\nMore specifically, make the first "
     "character have upper case and the rest lower\ncase."},
    {"encode", FTRT_FAST(internal::StrEncodeMethod), METH_FASTCALL | METH_KEYWORDS,
     "Encode the string using the codec registered for encoding."},
    {"join", internal::StrJoinMethod, METH_O,
     "Concatenate any number of strings.\n\nThe string whose method is called is inserted in "
     "between each given string.\nThe result is returned as a new string."},
    {"split", FTRT_FAST(internal::StrSplitMethod), METH_FASTCALL | METH_KEYWORDS,
     "Return a list of the substrings in the string, using sep as the separator string."},
    {"rsplit", FTRT_FAST(internal::StrRSplitMethod), METH_FASTCALL | METH_KEYWORDS,
     "Return a list of the substrings in the string, using sep as the separator string.\n\n"
     "Splitting starts at the end of the string and works to the front."},
    {"splitlines", FTRT_FAST(internal::StrSplitlinesMethod), METH_FASTCALL | METH_KEYWORDS,
     "Return a list of the lines in the string, breaking at line boundaries."},
    {"strip", FTRT_FAST(internal::StrStripMethod), METH_FASTCALL,
     "Return a copy of the string with leading and trailing whitespace removed."},
    {"lstrip", FTRT_FAST(internal::StrLStripMethod), METH_FASTCALL,
     "Return a copy of the string with leading whitespace removed."},
    {"rstrip", FTRT_FAST(internal::StrRStripMethod), METH_FASTCALL,
     "Return a copy of the string with trailing whitespace removed."},
    {"startswith", FTRT_FAST(internal::StrStartswithMethod), METH_FASTCALL,
     "Return True if the string starts with the specified prefix, False otherwise."},
    {"endswith", FTRT_FAST(internal::StrEndswithMethod), METH_FASTCALL,
     "Return True if the string ends with the specified suffix, False otherwise."},
    {"find", FTRT_FAST(internal::StrFindMethod), METH_FASTCALL,
     "Return the lowest index in S where substring sub is found, such that sub is contained "
     "within S[start:end].\n\nReturn -1 on failure."},
    {"rfind", FTRT_FAST(internal::StrRFindMethod), METH_FASTCALL,
     "Return the highest index in S where substring sub is found, such that sub is contained "
     "within S[start:end].\n\nReturn -1 on failure."},
    {"index", FTRT_FAST(internal::StrIndexMethod), METH_FASTCALL,
     "Return the lowest index in S where substring sub is found, such that sub is contained "
     "within S[start:end].\n\nRaises ValueError when the substring is not found."},
    {"rindex", FTRT_FAST(internal::StrRIndexMethod), METH_FASTCALL,
     "Return the highest index in S where substring sub is found, such that sub is contained "
     "within S[start:end].\n\nRaises ValueError when the substring is not found."},
    {"count", FTRT_FAST(internal::StrCountMethod), METH_FASTCALL,
     "Return the number of non-overlapping occurrences of substring sub in string "
     "S[start:end]."},
    {"replace", FTRT_FAST(internal::StrReplaceMethod), METH_FASTCALL | METH_KEYWORDS,
     "Return a copy with all occurrences of substring old replaced by new."},
    {"partition", internal::StrPartitionMethod, METH_O,
     "Partition the string into three parts using the given separator."},
    {"rpartition", internal::StrRPartitionMethod, METH_O,
     "Partition the string into three parts using the given separator, searching from the "
     "end."},
    {"removeprefix", internal::StrRemoveprefixMethod, METH_O,
     "Return a str with the given prefix string removed if present."},
    {"removesuffix", internal::StrRemovesuffixMethod, METH_O,
     "Return a str with the given suffix string removed if present."},
    {"zfill", internal::StrZfillMethod, METH_O,
     "Pad a numeric string with zeros on the left, to fill a field of the given width.\n\n"
     "The string is never truncated."},
    {"ljust", FTRT_FAST(internal::StrLJustMethod), METH_FASTCALL,
     "Return a left-justified string of length width.\n\nPadding is done using the specified "
     "fill character (default is a space)."},
    {"rjust", FTRT_FAST(internal::StrRJustMethod), METH_FASTCALL,
     "Return a right-justified string of length width.\n\nPadding is done using the "
     "specified fill character (default is a space)."},
    {"center", FTRT_FAST(internal::StrCenterMethod), METH_FASTCALL,
     "Return a centered string of length width.\n\nPadding is done using the specified fill "
     "character (default is a space)."},
    {"expandtabs", FTRT_FAST(internal::StrExpandtabsMethod), METH_FASTCALL | METH_KEYWORDS,
     "Return a copy where all tab characters are expanded using spaces.\n\nIf tabsize is not "
     "given, a tab size of 8 characters is assumed."},
    {nullptr, nullptr, 0, nullptr},
};

#undef FTRT_FAST

}  // namespace

namespace internal {

void InstallStrMethods() {
  PyTypeObject* t = StrType();
  if (t->tp_methods == nullptr) t->tp_methods = g_str_methods;
}

}  // namespace internal
}  // namespace ftrt
