// bytes' methods with CPython 3.13's signatures, results and messages
// (Objects/bytesobject.c, Objects/bytes_methods.c and their Argument
// Clinic signatures): decode's keywords, split's (sep, maxsplit), the
// positional-only rest; an argument CPython takes as bytes-like may be any
// buffer exporter (bytes, bytearray, memoryview, an extension's type), and
// find / count / index take a byte value 0..255 as well; slice bounds are
// read as _PyEval_SliceIndex reads them and clamped as s[start:end] is.
//
// bytes is immutable, so the methods read its contents without a lock and
// are safe on objects shared between threads; a bytes-like argument is
// copied first (CopyBytesLike), so a bytearray another thread resizes is
// read whole. Results are exact bytes, also for a subclass instance (a
// copy, where CPython returns an exact bytes self unchanged).
#include "object/bytes_methods.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "object/buffer.h"
#include "object/builtin_internal.h"
#include "object/bytearray.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/codec_names.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/number.h"
#include "object/slice.h"
#include "object/slice_indices.h"
#include "object/str.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

#define FTRT_FAST(f) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f))

using View = absl::string_view;

const char* TypeName(const PyObject* op) { return op->ob_type->tp_name; }

PyObject* NewBytes(View data) { return RefOrRaise(BytesFromData(data)).Release(); }

// self unchanged: itself if exact, else an exact copy.
PyObject* Whole(PyObject* self) {
  if (self->ob_type == &PyBytes_Type) return Ref<>::NewRef(self).Release();
  return NewBytes(BytesView(self));
}

PyObject* Int(Py_ssize_t v) { return RefOrRaise(IntFromInt64(v)).Release(); }

void Append(std::string* out, View v) { out->append(v.data(), v.size()); }

bool IsAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0b' || c == '\x0c';
}


// --- find / rfind / index / rindex / count ---

// The index of sub in s[start:end] (clamped), first or last; -1 if absent.
Py_ssize_t Find(View s, View sub, Py_ssize_t start, Py_ssize_t end, bool forward) {
  ClampSearchBounds(static_cast<Py_ssize_t>(s.size()), &start, &end);
  const auto m = static_cast<Py_ssize_t>(sub.size());
  if (end - start < m) return -1;
  const View window = s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
  const size_t at = forward ? window.find(sub) : window.rfind(sub);
  return at == View::npos ? -1 : start + static_cast<Py_ssize_t>(at);
}

Py_ssize_t Count(View s, View sub, Py_ssize_t start, Py_ssize_t end) {
  ClampSearchBounds(static_cast<Py_ssize_t>(s.size()), &start, &end);
  if (end < start) return 0;
  if (sub.empty()) return end - start + 1;
  const View window = s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
  Py_ssize_t count = 0;
  for (size_t at = window.find(sub); at != View::npos; at = window.find(sub, at + sub.size())) {
    ++count;
  }
  return count;
}

// A search argument: a byte value or a bytes-like object.
bool SearchArg(PyObject* arg, std::string* out) {
  if (HasIndex(arg)) {
    Py_ssize_t v;
    if (!IndexArg(arg, &v)) return false;
    if (v < 0 || v > 255) {
      SetErrorString(PyExc_ValueError, "byte must be in range(0, 256)");
      return false;
    }
    out->assign(1, static_cast<char>(v));
    return true;
  }
  if (arg->ob_type->tp_as_buffer == nullptr ||
      arg->ob_type->tp_as_buffer->bf_getbuffer == nullptr) {
    SetErrorFormat(PyExc_TypeError,
                   "argument should be integer or bytes-like object, not '%.200s'",
                   TypeName(arg));
    return false;
  }
  return CopyBytesLike(arg, out);
}

enum class Search { kFind, kRFind, kIndex, kRIndex, kCount };

template <Search kind>
PyObject* SearchMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  constexpr const char* kNames[] = {"find", "rfind", "index", "rindex", "count"};
  Py_ssize_t start, end;
  if (!SubAndBounds(kNames[static_cast<int>(kind)], args, nargs, &start, &end)) return nullptr;
  std::string sub;
  if (!SearchArg(args[0], &sub)) return nullptr;
  if (kind == Search::kCount) return Int(Count(BytesView(self), sub, start, end));
  const bool forward = kind == Search::kFind || kind == Search::kIndex;
  const Py_ssize_t at = Find(BytesView(self), sub, start, end, forward);
  if (at < 0 && (kind == Search::kIndex || kind == Search::kRIndex)) {
    SetErrorString(PyExc_ValueError, "subsection not found");
    return nullptr;
  }
  return Int(at);
}

// --- startswith / endswith ---

bool TailMatch(View s, View sub, Py_ssize_t start, Py_ssize_t end, bool ends) {
  ClampSearchBounds(static_cast<Py_ssize_t>(s.size()), &start, &end);
  const auto m = static_cast<Py_ssize_t>(sub.size());
  if (end - start < m || start > static_cast<Py_ssize_t>(s.size())) return false;
  const Py_ssize_t at = ends ? end - m : start;
  return s.substr(static_cast<size_t>(at), sub.size()) == sub;
}

bool HasBuffer(const PyObject* op) {
  return op->ob_type->tp_as_buffer != nullptr && op->ob_type->tp_as_buffer->bf_getbuffer != nullptr;
}

template <bool kEnds>
PyObject* TailMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  const char* name = kEnds ? "endswith" : "startswith";
  Py_ssize_t start, end;
  if (!SubAndBounds(name, args, nargs, &start, &end)) return nullptr;
  PyObject* subobj = args[0];
  std::string sub;
  if (IsTuple(subobj)) {
    for (PyObject* item : TupleItems(subobj)) {
      if (!CopyBytesLike(item, &sub)) return nullptr;
      if (TailMatch(BytesView(self), sub, start, end, kEnds)) return internal::BoolResult(true);
    }
    return internal::BoolResult(false);
  }
  if (!HasBuffer(subobj)) {
    return SetErrorFormat(PyExc_TypeError,
                          "%s first arg must be bytes or a tuple of bytes, not %s", name,
                          TypeName(subobj));
  }
  if (!CopyBytesLike(subobj, &sub)) return nullptr;
  return internal::BoolResult(TailMatch(BytesView(self), sub, start, end, kEnds));
}

// --- strip ---

enum StripSide { kLeft = 1, kRight = 2, kBoth = 3 };

template <int kSide>
PyObject* StripMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  const char* name = kSide == kBoth ? "strip" : kSide == kLeft ? "lstrip" : "rstrip";
  if (!CheckPositional(name, nargs, 0, 1)) return nullptr;
  const bool whitespace = nargs == 0 || args[0] == None();
  std::string chars;
  if (!whitespace && !CopyBytesLike(args[0], &chars)) return nullptr;
  auto strip = [&](char c) {
    return whitespace ? IsAsciiSpace(static_cast<unsigned char>(c))
                      : chars.find(c) != std::string::npos;
  };
  const View s = BytesView(self);
  size_t begin = 0, end = s.size();
  if (kSide & kLeft) {
    while (begin < end && strip(s[begin])) ++begin;
  }
  if (kSide & kRight) {
    while (end > begin && strip(s[end - 1])) --end;
  }
  if (begin == 0 && end == s.size()) return Whole(self);
  return NewBytes(s.substr(begin, end - begin));
}

// --- split / rsplit / splitlines ---

Ref<> ListOfParts(const std::vector<View>& parts) {
  absl::StatusOr<Ref<>> list = ListNewWithSize(0);
  if (!list.ok()) return RefOrRaise(std::move(list));
  for (const View p : parts) {
    absl::StatusOr<Ref<>> b = BytesFromData(p);
    if (!b.ok()) return RefOrRaise(std::move(b));
    if (absl::Status st = ListAppend(list->get(), b->get()); !st.ok()) {
      SetErrorFromStatus(st);
      return nullptr;
    }
  }
  return std::move(*list);
}

// s.split() / s.rsplit() on runs of ASCII whitespace.
std::vector<View> SplitWhitespace(View s, Py_ssize_t maxsplit, bool right) {
  std::vector<View> parts;
  if (!right) {
    size_t i = 0;
    const size_t n = s.size();
    while (true) {
      while (i < n && IsAsciiSpace(static_cast<unsigned char>(s[i]))) ++i;
      if (i == n) break;
      if (maxsplit >= 0 && static_cast<Py_ssize_t>(parts.size()) == maxsplit) {
        parts.push_back(s.substr(i));  // the rest, trailing whitespace included
        break;
      }
      size_t j = i;
      while (j < n && !IsAsciiSpace(static_cast<unsigned char>(s[j]))) ++j;
      parts.push_back(s.substr(i, j - i));
      i = j;
    }
    return parts;
  }
  size_t j = s.size();
  while (true) {
    while (j > 0 && IsAsciiSpace(static_cast<unsigned char>(s[j - 1]))) --j;
    if (j == 0) break;
    if (maxsplit >= 0 && static_cast<Py_ssize_t>(parts.size()) == maxsplit) {
      parts.push_back(s.substr(0, j));
      break;
    }
    size_t i = j;
    while (i > 0 && !IsAsciiSpace(static_cast<unsigned char>(s[i - 1]))) --i;
    parts.push_back(s.substr(i, j - i));
    j = i;
  }
  return std::vector<View>(parts.rbegin(), parts.rend());
}

std::vector<View> SplitSep(View s, View sep, Py_ssize_t maxsplit, bool right) {
  std::vector<View> parts;
  if (!right) {
    size_t i = 0;
    for (size_t at; (maxsplit < 0 || static_cast<Py_ssize_t>(parts.size()) < maxsplit) &&
                    (at = s.find(sep, i)) != View::npos;) {
      parts.push_back(s.substr(i, at - i));
      i = at + sep.size();
    }
    parts.push_back(s.substr(i));
    return parts;
  }
  size_t j = s.size();
  while (maxsplit < 0 || static_cast<Py_ssize_t>(parts.size()) < maxsplit) {
    if (j < sep.size()) break;
    const size_t at = s.substr(0, j).rfind(sep);
    if (at == View::npos) break;
    parts.push_back(s.substr(at + sep.size(), j - at - sep.size()));
    j = at;
  }
  parts.push_back(s.substr(0, j));
  return std::vector<View>(parts.rbegin(), parts.rend());
}

template <bool kRight>
PyObject* SplitMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                      PyObject* kwnames) {
  static const ArgParser kParser = {kRight ? "rsplit" : "split", {"sep", "maxsplit"}, 0, 0, 2};
  PyObject* a[2] = {nullptr, nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  const bool whitespace = a[0] == nullptr || a[0] == None();
  std::string sep;
  if (!whitespace && !CopyBytesLike(a[0], &sep)) return nullptr;
  Py_ssize_t maxsplit = -1;
  if (a[1] != nullptr && !IndexArg(a[1], &maxsplit)) return nullptr;
  if (!whitespace && sep.empty()) {
    SetErrorString(PyExc_ValueError, "empty separator");
    return nullptr;
  }
  const View s = BytesView(self);
  return ListOfParts(whitespace ? SplitWhitespace(s, maxsplit, kRight)
                                : SplitSep(s, sep, maxsplit, kRight))
      .Release();
}

PyObject* SplitlinesMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                           PyObject* kwnames) {
  static const ArgParser kParser = {"splitlines", {"keepends"}, 0, 0, 1};
  PyObject* a[1] = {nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  int keepends = 0;
  if (a[0] != nullptr && (keepends = ObjectIsTrue(a[0])) < 0) return nullptr;
  const View s = BytesView(self);
  std::vector<View> parts;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && s[j] != '\n' && s[j] != '\r') ++j;
    size_t eol = j;
    if (j < s.size()) {
      eol = j + 1;
      if (s[j] == '\r' && eol < s.size() && s[eol] == '\n') ++eol;
    }
    parts.push_back(s.substr(i, (keepends ? eol : j) - i));
    i = eol;
  }
  return ListOfParts(parts).Release();
}

// --- replace / partition / affixes ---

PyObject* ReplaceMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("replace", nargs, 2, 3)) return nullptr;
  std::string old_bytes, new_bytes;
  if (!CopyBytesLike(args[0], &old_bytes) || !CopyBytesLike(args[1], &new_bytes)) return nullptr;
  Py_ssize_t count = -1;
  if (nargs > 2 && !IndexArg(args[2], &count)) return nullptr;
  const View s = BytesView(self);
  std::string out;
  Py_ssize_t done = 0;
  size_t i = 0;
  if (old_bytes.empty()) {
    // Inserted before every byte and at the end (at most count times).
    for (; i <= s.size(); ++i) {
      if (count >= 0 && done >= count) break;
      out += new_bytes;
      ++done;
      if (i < s.size()) out.push_back(s[i]);
    }
    if (i < s.size()) Append(&out, s.substr(i));
  } else {
    for (size_t at; (count < 0 || done < count) && (at = s.find(old_bytes, i)) != View::npos;) {
      Append(&out, s.substr(i, at - i));
      out += new_bytes;
      i = at + old_bytes.size();
      ++done;
    }
    Append(&out, s.substr(i));
  }
  if (done == 0) return Whole(self);
  return NewBytes(out);
}

template <bool kRight>
PyObject* PartitionMethod(PyObject* self, PyObject* sep_obj) {
  std::string sep;
  if (!CopyBytesLike(sep_obj, &sep)) return nullptr;
  if (sep.empty()) {
    SetErrorString(PyExc_ValueError, "empty separator");
    return nullptr;
  }
  const View s = BytesView(self);
  const size_t at = kRight ? s.rfind(sep) : s.find(sep);
  Ref<> parts[3];
  if (at == View::npos) {
    parts[kRight ? 2 : 0] = Ref<>::Steal(Whole(self));
    parts[1] = Ref<>::NewRef(EmptyBytes());
    parts[kRight ? 0 : 2] = Ref<>::NewRef(EmptyBytes());
  } else {
    parts[0] = Ref<>::Steal(NewBytes(s.substr(0, at)));
    parts[1] = Ref<>::NewRef(sep_obj);  // the argument itself, as CPython's
    parts[2] = Ref<>::Steal(NewBytes(s.substr(at + sep.size())));
  }
  if (!parts[0] || !parts[2]) return nullptr;
  PyObject* items[3] = {parts[0].get(), parts[1].get(), parts[2].get()};
  return RefOrRaise(TupleFromItems(items)).Release();
}

template <bool kSuffix>
PyObject* RemoveAffix(PyObject* self, PyObject* affix_obj) {
  std::string affix;
  if (!CopyBytesLike(affix_obj, &affix)) return nullptr;
  const View s = BytesView(self);
  if (!affix.empty() && (kSuffix ? absl::EndsWith(s, affix) : absl::StartsWith(s, affix))) {
    return NewBytes(kSuffix ? s.substr(0, s.size() - affix.size()) : s.substr(affix.size()));
  }
  return Whole(self);
}

// --- codecs, hex ---

PyObject* DecodeMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                       PyObject* kwnames) {
  static const ArgParser kParser = {"decode", {"encoding", "errors"}, 0, 0, 2};
  PyObject* a[2] = {nullptr, nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  View names[2] = {"utf-8", "strict"};
  constexpr const char* kArg[2] = {"encoding", "errors"};
  for (int i = 0; i < 2; ++i) {
    if (a[i] == nullptr) continue;
    if (!IsStr(a[i])) {
      return SetErrorFormat(PyExc_TypeError, "decode() argument '%s' must be str, not %s",
                            kArg[i], TypeName(a[i]));
    }
    absl::StatusOr<View> v = StrAsUtf8(a[i]);
    if (!v.ok()) return SetErrorFromStatus(v.status()), nullptr;
    names[i] = *v;
  }
  return StrDecodeByName(BytesView(self), names[0], names[1]).Release();
}

PyObject* HexMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  static const ArgParser kParser = {"hex", {"sep", "bytes_per_sep"}, 0, 0, 2};
  PyObject* a[2] = {nullptr, nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  Py_ssize_t group = 1;
  if (a[1] != nullptr && !IndexArg(a[1], &group)) return nullptr;
  char sep = 0;
  if (a[0] != nullptr && a[0] != None()) {
    Py_ssize_t len = -1;
    if (IsStr(a[0])) {
      len = StrLength(a[0]);
      if (len == 1) {
        const Py_UCS4 ch = StrReadChar(a[0], 0);
        if (ch > 0x7F) {
          SetErrorString(PyExc_ValueError, "sep must be ASCII.");
          return nullptr;
        }
        sep = static_cast<char>(ch);
      }
    } else if (IsBytes(a[0])) {
      len = BytesSize(a[0]);
      if (len == 1) sep = BytesData(a[0])[0];
    } else {
      return SetErrorFormat(PyExc_TypeError, "object of type '%s' has no len()",
                            TypeName(a[0]));
    }
    if (len != 1) {
      SetErrorString(PyExc_ValueError, "sep must be length 1.");
      return nullptr;
    }
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  const View s = BytesView(self);
  const size_t n = s.size();
  const size_t every = group < 0 ? static_cast<size_t>(-group) : static_cast<size_t>(group);
  std::string out;
  out.reserve(3 * n);
  for (size_t i = 0; i < n; ++i) {
    // Separators count groups from the right for a positive bytes_per_sep,
    // from the left for a negative one.
    if (sep != 0 && every > 0 && i > 0) {
      const bool boundary = group > 0 ? (n - i) % every == 0 : i % every == 0;
      if (boundary) out.push_back(sep);
    }
    const auto b = static_cast<unsigned char>(s[i]);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return RefOrRaise(StrFromUtf8(out)).Release();
}

int HexValue(Py_UCS4 c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return -1;
}

PyObject* FromhexMethod(PyObject* cls, PyObject* text) {
  if (!IsStr(text)) {
    return SetErrorFormat(PyExc_TypeError, "fromhex() argument must be str, not %s",
                          TypeName(text));
  }
  const Py_ssize_t n = StrLength(text);
  std::string out;
  for (Py_ssize_t i = 0; i < n;) {
    const Py_UCS4 c = StrReadChar(text, i);
    if (c < 0x80 && IsAsciiSpace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    const int hi = HexValue(c);
    const int lo = i + 1 < n ? HexValue(StrReadChar(text, i + 1)) : -1;
    if (hi < 0 || lo < 0) {
      return SetErrorFormat(PyExc_ValueError,
                            "non-hexadecimal number found in fromhex() arg at position %d",
                            hi < 0 ? i : i + 1);
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  Ref<> result = Ref<>::Steal(NewBytes(out));
  if (!result || reinterpret_cast<PyTypeObject*>(cls) == &PyBytes_Type) return result.Release();
  return CallOneArg(cls, result.get()).Release();  // a subclass: cls(bytes)
}

// --- case and classes (ASCII only, as CPython's bytes) ---

template <bool kUpper>
PyObject* CaseMethod(PyObject* self, PyObject*) {
  std::string out(BytesView(self));
  for (char& c : out) {
    if (kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!kUpper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return NewBytes(out);
}

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(unsigned char c) { return IsLower(c) || IsUpper(c); }
bool IsAlnum(unsigned char c) { return IsAlpha(c) || IsDigit(c); }
bool IsSpace(unsigned char c) { return IsAsciiSpace(c); }

// Non-empty and every byte in the class.
template <bool (*pred)(unsigned char)>
PyObject* AllBytes(PyObject* self, PyObject*) {
  const View s = BytesView(self);
  bool all = !s.empty();
  for (const char c : s) all = all && pred(static_cast<unsigned char>(c));
  return internal::BoolResult(all);
}

// islower (kLower) / isupper: no byte of the other case, one of this one.
template <bool kLower>
PyObject* CasedAs(PyObject* self, PyObject*) {
  bool cased = false;
  for (const char ch : BytesView(self)) {
    const auto c = static_cast<unsigned char>(ch);
    if (kLower ? IsUpper(c) : IsLower(c)) return internal::BoolResult(false);
    cased = cased || (kLower ? IsLower(c) : IsUpper(c));
  }
  return internal::BoolResult(cased);
}

PyObject* IsAsciiMethod(PyObject* self, PyObject*) {
  for (const char c : BytesView(self)) {
    if (static_cast<unsigned char>(c) >= 0x80) return internal::BoolResult(false);
  }
  return internal::BoolResult(true);
}

PyObject* JoinMethod(PyObject* self, PyObject* iterable) {
  return BytesJoinIterable(BytesView(self), iterable).Release();
}

PyMethodDef g_bytes_methods[] = {
    {"decode", FTRT_FAST(DecodeMethod), METH_FASTCALL | METH_KEYWORDS,
     "Decode the bytes using the codec registered for encoding."},
    {"join", JoinMethod, METH_O,
     "Concatenate any number of bytes objects.\n\nThe bytes whose method is called is inserted "
     "in between each pair."},
    {"split", FTRT_FAST(SplitMethod<false>), METH_FASTCALL | METH_KEYWORDS,
     "Return a list of the sections in the bytes, using sep as the delimiter."},
    {"rsplit", FTRT_FAST(SplitMethod<true>), METH_FASTCALL | METH_KEYWORDS,
     "Return a list of the sections in the bytes, using sep as the delimiter.\n\nSplitting is "
     "done starting at the end of the bytes and working to the front."},
    {"splitlines", FTRT_FAST(SplitlinesMethod), METH_FASTCALL | METH_KEYWORDS,
     "Return a list of the lines in the bytes, breaking at line boundaries."},
    {"strip", FTRT_FAST(StripMethod<kBoth>), METH_FASTCALL,
     "Strip leading and trailing bytes contained in the argument."},
    {"lstrip", FTRT_FAST(StripMethod<kLeft>), METH_FASTCALL,
     "Strip leading bytes contained in the argument."},
    {"rstrip", FTRT_FAST(StripMethod<kRight>), METH_FASTCALL,
     "Strip trailing bytes contained in the argument."},
    {"startswith", FTRT_FAST(TailMethod<false>), METH_FASTCALL,
     "Return True if the bytes starts with the specified prefix, False otherwise."},
    {"endswith", FTRT_FAST(TailMethod<true>), METH_FASTCALL,
     "Return True if the bytes ends with the specified suffix, False otherwise."},
    {"find", FTRT_FAST(SearchMethod<Search::kFind>), METH_FASTCALL,
     "Return the lowest index in B where subsection 'sub' is found, such that 'sub' is "
     "contained within B[start:end].\n\nReturn -1 on failure."},
    {"rfind", FTRT_FAST(SearchMethod<Search::kRFind>), METH_FASTCALL,
     "Return the highest index in B where subsection 'sub' is found, such that 'sub' is "
     "contained within B[start:end].\n\nReturn -1 on failure."},
    {"index", FTRT_FAST(SearchMethod<Search::kIndex>), METH_FASTCALL,
     "Return the lowest index in B where subsection 'sub' is found, such that 'sub' is "
     "contained within B[start:end].\n\nRaise ValueError if the subsection is not found."},
    {"rindex", FTRT_FAST(SearchMethod<Search::kRIndex>), METH_FASTCALL,
     "Return the highest index in B where subsection 'sub' is found, such that 'sub' is "
     "contained within B[start:end].\n\nRaise ValueError if the subsection is not found."},
    {"count", FTRT_FAST(SearchMethod<Search::kCount>), METH_FASTCALL,
     "Return the number of non-overlapping occurrences of subsection 'sub' in bytes "
     "B[start:end]."},
    {"replace", FTRT_FAST(ReplaceMethod), METH_FASTCALL,
     "Return a copy with all occurrences of substring old replaced by new."},
    {"partition", PartitionMethod<false>, METH_O,
     "Partition the bytes into three parts using the given separator."},
    {"rpartition", PartitionMethod<true>, METH_O,
     "Partition the bytes into three parts using the given separator, searching from the "
     "end."},
    {"removeprefix", RemoveAffix<false>, METH_O,
     "Return a bytes object with the given prefix string removed if present."},
    {"removesuffix", RemoveAffix<true>, METH_O,
     "Return a bytes object with the given suffix string removed if present."},
    {"hex", FTRT_FAST(HexMethod), METH_FASTCALL | METH_KEYWORDS,
     "Create a string of hexadecimal numbers from a bytes object."},
    {"fromhex", FromhexMethod, METH_O | METH_CLASS,
     "Create a bytes object from a string of hexadecimal numbers."},
    {"lower", CaseMethod<false>, METH_NOARGS,
     "Return a copy of B with all ASCII characters converted to lowercase."},
    {"upper", CaseMethod<true>, METH_NOARGS,
     "Return a copy of B with all ASCII characters converted to uppercase."},
    {"isdigit", AllBytes<IsDigit>, METH_NOARGS,
     "Return True if all characters in B are digits and there is at least one character in B, "
     "False otherwise."},
    {"isalpha", AllBytes<IsAlpha>, METH_NOARGS,
     "Return True if all characters in B are alphabetic and there is at least one character "
     "in B, False otherwise."},
    {"isalnum", AllBytes<IsAlnum>, METH_NOARGS,
     "Return True if all characters in B are alphanumeric and there is at least one character "
     "in B, False otherwise."},
    {"isspace", AllBytes<IsSpace>, METH_NOARGS,
     "Return True if all characters in B are whitespace and there is at least one character "
     "in B, False otherwise."},
    {"islower", CasedAs<true>, METH_NOARGS,
     "Return True if all cased characters in B are lowercase and there is at least one cased "
     "character in B, False otherwise."},
    {"isupper", CasedAs<false>, METH_NOARGS,
     "Return True if all cased characters in B are uppercase and there is at least one cased "
     "character in B, False otherwise."},
    {"isascii", IsAsciiMethod, METH_NOARGS,
     "Return True if B is empty or all characters in B are ASCII, False otherwise."},
    {nullptr, nullptr, 0, nullptr},
};

#undef FTRT_FAST

}  // namespace

Ref<> BytesJoinIterable(View sep, PyObject* iterable) {
  Ref<> it = GetIter(iterable);
  if (!it) {
    if (ExceptionMatches(PyExc_TypeError)) {
      ClearError();
      SetErrorString(PyExc_TypeError, "can only join an iterable");
    }
    return nullptr;
  }
  std::string data, part;
  for (Py_ssize_t i = 0;; ++i) {
    Ref<> item = IterNext(it.get());
    if (!item) {
      if (HasError()) return nullptr;
      break;
    }
    if (!HasBuffer(item.get())) {
      return SetErrorFormat(PyExc_TypeError,
                            "sequence item %d: expected a bytes-like object, %.80s found", i,
                            TypeName(item.get()));
    }
    if (!CopyBytesLike(item.get(), &part)) return nullptr;
    if (i > 0) Append(&data, sep);
    data += part;
  }
  return RefOrRaise(BytesFromData(data));
}

namespace internal {

void InstallBytesMethods() {
  PyTypeObject* t = BytesType();
  if (t->tp_methods == nullptr) t->tp_methods = g_bytes_methods;
}

}  // namespace internal
}  // namespace ftrt
