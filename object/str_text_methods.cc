// str's text methods with CPython 3.13's signatures, results and messages
// (Objects/unicodeobject.c and its Argument Clinic signatures): which
// arguments are positional-only, which take keywords (encode, split,
// rsplit, splitlines, expandtabs, and replace's count since 3.13), slice
// bounds read as _PyEval_SliceIndex reads them (None or __index__), and
// the TypeError texts ("find() argument 1 must be str, not int", "strip
// arg must be None or str", "tuple for startswith must only contain str,
// not int", ...).
//
// The algorithms are str_ops.h's and str_codecs.h's (the ones the C API's
// PyUnicode_Find / Split / Replace / Partition use), and codec_names.h's
// for encode; this file parses arguments and shapes results. A str
// subclass instance (non-compact, see str.h) is first copied to an exact
// str, so every result is exact and made of exact strs, as in CPython. A
// string is immutable: every method is safe on strings shared between
// threads.
#include "object/str_text_methods.h"

#include <string>
#include <vector>

#include "object/call.h"
#include "object/codec_names.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/str_codecs.h"
#include "object/str_ops.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

const char* TypeName(const PyObject* op) { return op->ob_type->tp_name; }

// s[begin:end] as an exact str (0 <= begin <= end <= len(s)).
Ref<> Slice(const PyObject* s, Py_ssize_t begin, Py_ssize_t end) {
  return RefOrRaise(StrSlice(s, begin, end));
}

// s itself if exact, else an exact copy.
Ref<> Exact(PyObject* s) { return RefOrRaise(StrWhole(s)); }

PyObject* Release(absl::StatusOr<Ref<>> r) { return RefOrRaise(std::move(r)).Release(); }

// --- find / rfind / index / rindex / count ---

enum class Search { kFind, kRFind, kIndex, kRIndex, kCount };

template <Search kind>
PyObject* SearchMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  constexpr const char* kNames[] = {"find", "rfind", "index", "rindex", "count"};
  const char* name = kNames[static_cast<int>(kind)];
  Py_ssize_t start, end;
  if (!SubAndBounds(name, args, nargs, &start, &end)) return nullptr;
  if (!IsStr(args[0])) {
    return SetErrorFormat(PyExc_TypeError, "%s() argument 1 must be str, not %s", name,
                          TypeName(args[0]));
  }
  if (kind == Search::kCount) {
    return RefOrRaise(IntFromInt64(StrCount(self, args[0], start, end))).Release();
  }
  const bool forward = kind == Search::kFind || kind == Search::kIndex;
  const Py_ssize_t at = StrFind(self, args[0], start, end, forward ? 1 : -1);
  if (at < 0 && (kind == Search::kIndex || kind == Search::kRIndex)) {
    SetErrorString(PyExc_ValueError, "substring not found");
    return nullptr;
  }
  return RefOrRaise(IntFromInt64(at)).Release();
}

// --- startswith / endswith ---

template <bool kEnds>
PyObject* TailMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  const char* name = kEnds ? "endswith" : "startswith";
  Py_ssize_t start, end;
  if (!SubAndBounds(name, args, nargs, &start, &end)) return nullptr;
  PyObject* subobj = args[0];
  const int direction = kEnds ? 1 : -1;
  if (IsTuple(subobj)) {
    for (Py_ssize_t i = 0; i < TupleSize(subobj); ++i) {
      PyObject* sub = TupleItems(subobj)[i];
      if (!IsStr(sub)) {
        return SetErrorFormat(PyExc_TypeError, "tuple for %s must only contain str, not %s",
                              name, TypeName(sub));
      }
      if (StrTailmatch(self, sub, start, end, direction)) return Ref<>::NewRef(True()).Release();
    }
    return Ref<>::NewRef(False()).Release();
  }
  if (!IsStr(subobj)) {
    return SetErrorFormat(PyExc_TypeError, "%s first arg must be str or a tuple of str, not %s",
                          name, TypeName(subobj));
  }
  return Ref<>::NewRef(BoolFrom(StrTailmatch(self, subobj, start, end, direction))).Release();
}

// --- strip ---

enum StripSide { kLeft = 1, kRight = 2, kBoth = 3 };

template <int kSide>
PyObject* StripMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  const char* name = kSide == kBoth ? "strip" : kSide == kLeft ? "lstrip" : "rstrip";
  if (!CheckPositional(name, nargs, 0, 1)) return nullptr;
  PyObject* chars = nargs > 0 && args[0] != None() ? args[0] : nullptr;
  if (chars != nullptr && !IsStr(chars)) {
    return SetErrorFormat(PyExc_TypeError, "%s arg must be None or str", name);
  }
  auto strip = [&](Py_UCS4 ch) {
    if (chars == nullptr) return IsUnicodeSpace(ch);
    return StrFindChar(chars, ch, 0, StrLength(chars), 1) >= 0;
  };
  Py_ssize_t begin = 0, end = StrLength(self);
  if (kSide & kLeft) {
    while (begin < end && strip(StrReadChar(self, begin))) ++begin;
  }
  if (kSide & kRight) {
    while (end > begin && strip(StrReadChar(self, end - 1))) --end;
  }
  if (begin == 0 && end == StrLength(self)) return Exact(self).Release();
  return Slice(self, begin, end).Release();
}

// --- padding ---

Ref<> Pad(PyObject* self, Py_ssize_t left, Py_ssize_t right, Py_UCS4 fill) {
  const Py_ssize_t n = StrLength(self);
  std::vector<Py_UCS4> out;
  out.reserve(static_cast<size_t>(left + n + right));
  out.insert(out.end(), static_cast<size_t>(left), fill);
  for (Py_ssize_t i = 0; i < n; ++i) out.push_back(StrReadChar(self, i));
  out.insert(out.end(), static_cast<size_t>(right), fill);
  return RefOrRaise(StrFromCodePoints(out));
}

enum class Justify { kLeft, kRight, kCenter };

template <Justify kHow>
PyObject* JustifyMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  const char* name = kHow == Justify::kLeft ? "ljust" : kHow == Justify::kRight ? "rjust" : "center";
  if (!CheckPositional(name, nargs, 1, 2)) return nullptr;
  Py_ssize_t width;
  if (!IndexArg(args[0], &width)) return nullptr;
  Py_UCS4 fill = ' ';
  if (nargs > 1) {
    if (!IsStr(args[1])) {
      return SetErrorFormat(PyExc_TypeError,
                            "The fill character must be a unicode character, not %s",
                            TypeName(args[1]));
    }
    if (StrLength(args[1]) != 1) {
      SetErrorString(PyExc_TypeError, "The fill character must be exactly one character long");
      return nullptr;
    }
    fill = StrReadChar(args[1], 0);
  }
  const Py_ssize_t n = StrLength(self);
  if (n >= width) return Exact(self).Release();
  const Py_ssize_t marg = width - n;
  Py_ssize_t left = 0;
  if (kHow == Justify::kRight) left = marg;
  // CPython's pad(): the odd space goes left when width is odd.
  if (kHow == Justify::kCenter) left = marg / 2 + (marg & width & 1);
  return Pad(self, left, marg - left, fill).Release();
}

// --- split / rsplit ---

template <bool kRight>
PyObject* SplitMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                      PyObject* kwnames) {
  static const ArgParser kParser = {kRight ? "rsplit" : "split", {"sep", "maxsplit"}, 0, 0, 2};
  PyObject* a[2] = {nullptr, nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  PyObject* sep = a[0] != nullptr && a[0] != None() ? a[0] : nullptr;
  if (sep != nullptr && !IsStr(sep)) {
    return SetErrorFormat(PyExc_TypeError, "must be str or None, not %s", TypeName(sep));
  }
  Py_ssize_t maxsplit = -1;
  if (a[1] != nullptr && !IndexArg(a[1], &maxsplit)) return nullptr;
  Ref<> s = Exact(self);
  if (!s) return nullptr;
  return Release(kRight ? StrRSplit(s.get(), sep, maxsplit) : StrSplit(s.get(), sep, maxsplit));
}

}  // namespace

Ref<> StrJoinIterable(PyObject* sep, PyObject* iterable) {
  Ref<> it = GetIter(iterable);
  if (!it) {
    if (ExceptionMatches(PyExc_TypeError)) {
      ClearError();
      SetErrorString(PyExc_TypeError, "can only join an iterable");
    }
    return nullptr;
  }
  std::vector<Ref<>> held;
  std::vector<PyObject*> items;
  for (;;) {
    Ref<> item = IterNext(it.get());
    if (!item) {
      if (HasError()) return nullptr;
      break;
    }
    items.push_back(item.get());
    held.push_back(std::move(item));
  }
  // A one-item join returns the item when it is an exact str.
  return RefOrRaise(StrJoin(sep, items));
}

namespace internal {

PyObject* StrEncodeMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                          PyObject* kwnames) {
  static const ArgParser kParser = {"encode", {"encoding", "errors"}, 0, 0, 2};
  PyObject* a[2] = {nullptr, nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  absl::string_view names[2] = {"utf-8", "strict"};
  constexpr const char* kArg[2] = {"encoding", "errors"};
  for (int i = 0; i < 2; ++i) {
    if (a[i] == nullptr) continue;
    if (!IsStr(a[i])) {
      return SetErrorFormat(PyExc_TypeError, "encode() argument '%s' must be str, not %s",
                            kArg[i], TypeName(a[i]));
    }
    absl::StatusOr<absl::string_view> v = StrAsUtf8(a[i]);
    if (!v.ok()) return SetErrorFromStatus(v.status()), nullptr;
    names[i] = *v;
  }
  return StrEncodeByName(self, names[0], names[1]).Release();
}

PyObject* StrSplitMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                         PyObject* kwnames) {
  return SplitMethod<false>(self, args, nargs, kwnames);
}

PyObject* StrRSplitMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                          PyObject* kwnames) {
  return SplitMethod<true>(self, args, nargs, kwnames);
}

PyObject* StrSplitlinesMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                              PyObject* kwnames) {
  static const ArgParser kParser = {"splitlines", {"keepends"}, 0, 0, 1};
  PyObject* a[1] = {nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  int keepends = 0;
  if (a[0] != nullptr && (keepends = ObjectIsTrue(a[0])) < 0) return nullptr;
  Ref<> s = Exact(self);
  if (!s) return nullptr;
  return Release(StrSplitlines(s.get(), keepends != 0));
}

PyObject* StrReplaceMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                           PyObject* kwnames) {
  static const ArgParser kParser = {"replace", {"old", "new", "count"}, 2, 2, 3};
  PyObject* a[3] = {nullptr, nullptr, nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  for (int i = 0; i < 2; ++i) {
    if (!IsStr(a[i])) {
      return SetErrorFormat(PyExc_TypeError, "replace() argument %d must be str, not %s", i + 1,
                            TypeName(a[i]));
    }
  }
  Py_ssize_t count = -1;
  if (a[2] != nullptr && !IndexArg(a[2], &count)) return nullptr;
  Ref<> s = Exact(self);
  if (!s) return nullptr;
  return Release(StrReplace(s.get(), a[0], a[1], count));
}

PyObject* StrExpandtabsMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                              PyObject* kwnames) {
  static const ArgParser kParser = {"expandtabs", {"tabsize"}, 0, 0, 1};
  PyObject* a[1] = {nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  Py_ssize_t tabsize = 8;
  if (a[0] != nullptr && !IndexArg(a[0], &tabsize)) return nullptr;
  const Py_ssize_t n = StrLength(self);
  if (StrFindChar(self, '\t', 0, n, 1) < 0) return Exact(self).Release();
  std::vector<Py_UCS4> out;
  out.reserve(static_cast<size_t>(n));
  Py_ssize_t column = 0;
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 ch = StrReadChar(self, i);
    if (ch == '\t') {
      if (tabsize > 0) {
        const Py_ssize_t spaces = tabsize - column % tabsize;
        out.insert(out.end(), static_cast<size_t>(spaces), ' ');
        column += spaces;
      }
      continue;
    }
    out.push_back(ch);
    column = ch == '\n' || ch == '\r' ? 0 : column + 1;
  }
  return Release(StrFromCodePoints(out));
}

PyObject* StrStripMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return StripMethod<kBoth>(self, args, nargs);
}
PyObject* StrLStripMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return StripMethod<kLeft>(self, args, nargs);
}
PyObject* StrRStripMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return StripMethod<kRight>(self, args, nargs);
}
PyObject* StrStartswithMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return TailMethod<false>(self, args, nargs);
}
PyObject* StrEndswithMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return TailMethod<true>(self, args, nargs);
}
PyObject* StrFindMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return SearchMethod<Search::kFind>(self, args, nargs);
}
PyObject* StrRFindMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return SearchMethod<Search::kRFind>(self, args, nargs);
}
PyObject* StrIndexMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return SearchMethod<Search::kIndex>(self, args, nargs);
}
PyObject* StrRIndexMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return SearchMethod<Search::kRIndex>(self, args, nargs);
}
PyObject* StrCountMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return SearchMethod<Search::kCount>(self, args, nargs);
}
PyObject* StrLJustMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return JustifyMethod<Justify::kLeft>(self, args, nargs);
}
PyObject* StrRJustMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return JustifyMethod<Justify::kRight>(self, args, nargs);
}
PyObject* StrCenterMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return JustifyMethod<Justify::kCenter>(self, args, nargs);
}

PyObject* StrJoinMethod(PyObject* self, PyObject* iterable) {
  return StrJoinIterable(self, iterable).Release();
}

template <bool kRight>
PyObject* PartitionMethod(PyObject* self, PyObject* sep) {
  if (!IsStr(sep)) return SetErrorFormat(PyExc_TypeError, "must be str, not %s", TypeName(sep));
  Ref<> s = Exact(self);
  if (!s) return nullptr;
  return Release(StrPartition(s.get(), sep, kRight));
}
PyObject* StrPartitionMethod(PyObject* self, PyObject* sep) {
  return PartitionMethod<false>(self, sep);
}
PyObject* StrRPartitionMethod(PyObject* self, PyObject* sep) {
  return PartitionMethod<true>(self, sep);
}

template <bool kSuffix>
PyObject* RemoveAffix(PyObject* self, PyObject* affix) {
  if (!IsStr(affix)) {
    return SetErrorFormat(PyExc_TypeError, "%s() argument must be str, not %s",
                          kSuffix ? "removesuffix" : "removeprefix", TypeName(affix));
  }
  const Py_ssize_t n = StrLength(self), m = StrLength(affix);
  if (m > 0 && StrTailmatch(self, affix, 0, n, kSuffix ? 1 : -1)) {
    return kSuffix ? Slice(self, 0, n - m).Release() : Slice(self, m, n).Release();
  }
  return Exact(self).Release();
}
PyObject* StrRemoveprefixMethod(PyObject* self, PyObject* prefix) {
  return RemoveAffix<false>(self, prefix);
}
PyObject* StrRemovesuffixMethod(PyObject* self, PyObject* suffix) {
  return RemoveAffix<true>(self, suffix);
}

PyObject* StrZfillMethod(PyObject* self, PyObject* width_obj) {
  Py_ssize_t width;
  if (!IndexArg(width_obj, &width)) return nullptr;
  const Py_ssize_t n = StrLength(self);
  if (n >= width) return Exact(self).Release();
  const Py_ssize_t fill = width - n;
  std::vector<Py_UCS4> out(static_cast<size_t>(fill), '0');
  for (Py_ssize_t i = 0; i < n; ++i) out.push_back(StrReadChar(self, i));
  // A sign moves in front of the zeros.
  if (n > 0 && (out[static_cast<size_t>(fill)] == '+' || out[static_cast<size_t>(fill)] == '-')) {
    out[0] = out[static_cast<size_t>(fill)];
    out[static_cast<size_t>(fill)] = '0';
  }
  return Release(StrFromCodePoints(out));
}

}  // namespace internal
}  // namespace ftrt
