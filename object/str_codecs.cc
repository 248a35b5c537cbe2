// str's UTF codecs with error handlers and the splitting methods
// (str_codecs.h). Decoders collect code points and make the string at its
// narrowest width at the end (StrFromCodePoints); encoders build the bytes
// in a std::string first. Simple rather than fast: these are conversion
// paths of the C API, not the hot UTF-8 path (utf8.cc).
#include "object/str_codecs.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "object/bytes.h"
#include "object/errors.h"
#include "object/list.h"
#include "object/str.h"
#include "object/str_ops.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

struct XidRange {
  uint32_t lo, hi;
};
#include "object/str_xid_ranges.inc"

template <size_t N>
bool InRanges(const XidRange (&table)[N], Py_UCS4 ch) {
  const XidRange* end = table + N;
  const XidRange* it =
      std::upper_bound(table, end, ch, [](Py_UCS4 c, const XidRange& r) { return c < r.lo; });
  return it != table && ch <= (it - 1)->hi;
}

using CodePoints = std::vector<Py_UCS4>;

absl::Status DecodeError(const char* encoding, const uint8_t* p, size_t start, size_t end,
                         const char* reason) {
  if (end - start == 1) {
    return Errorf(ErrorKind::kUnicodeDecodeError,
                  "'%s' codec can't decode byte 0x%02x in position %d: %s", encoding, p[start],
                  start, reason);
  }
  return Errorf(ErrorKind::kUnicodeDecodeError,
                "'%s' codec can't decode bytes in position %d-%d: %s", encoding, start, end - 1,
                reason);
}

// Applies `errors` to the undecodable bytes p[start:end]: appends their
// replacement to `out`, or returns the error (strict, or a byte below 0x80
// that surrogateescape cannot carry).
absl::Status HandleDecodeError(CodecErrors errors, const char* encoding, const uint8_t* p,
                               size_t start, size_t end, const char* reason, CodePoints& out) {
  switch (errors) {
    case CodecErrors::kStrict:
      break;
    case CodecErrors::kIgnore:
      return absl::OkStatus();
    case CodecErrors::kReplace:
      out.push_back(0xFFFD);
      return absl::OkStatus();
    case CodecErrors::kSurrogateEscape: {
      size_t i = start;
      while (i < end && p[i] >= 0x80) ++i;
      if (i < end) break;  // CPython's handler raises the codec's error
      for (i = start; i < end; ++i) out.push_back(0xDC00 + p[i]);
      return absl::OkStatus();
    }
  }
  return DecodeError(encoding, p, start, end, reason);
}

absl::Status EncodeError(const char* encoding, const PyObject* s, Py_ssize_t start,
                         Py_ssize_t end, const char* reason) {
  if (end - start == 1) {
    const Py_UCS4 ch = StrReadChar(s, start);
    const char* form = ch < 0x100 ? "\\x%02x" : ch < 0x10000 ? "\\u%04x" : "\\U%08x";
    char repr[16];
    std::snprintf(repr, sizeof repr, form, static_cast<unsigned>(ch));
    return Errorf(ErrorKind::kUnicodeEncodeError,
                  "'%s' codec can't encode character '%s' in position %d: %s", encoding, repr,
                  start, reason);
  }
  return Errorf(ErrorKind::kUnicodeEncodeError,
                "'%s' codec can't encode characters in position %d-%d: %s", encoding, start,
                end - 1, reason);
}

inline bool IsSurrogate(Py_UCS4 ch) { return ch >= 0xD800 && ch <= 0xDFFF; }

// The end of the run of surrogates starting at s[i].
Py_ssize_t SurrogateRunEnd(const PyObject* s, Py_ssize_t i) {
  const Py_ssize_t n = StrLength(s);
  while (i < n && IsSurrogate(StrReadChar(s, i))) ++i;
  return i;
}

void AppendUtf8(std::string& out, Py_UCS4 ch) {
  if (ch < 0x80) {
    out.push_back(static_cast<char>(ch));
  } else if (ch < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (ch >> 6)));
    out.push_back(static_cast<char>(0x80 | (ch & 0x3F)));
  } else if (ch < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (ch >> 12)));
    out.push_back(static_cast<char>(0x80 | ((ch >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (ch & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (ch >> 18)));
    out.push_back(static_cast<char>(0x80 | ((ch >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((ch >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (ch & 0x3F)));
  }
}

// A well-formed UTF-8 sequence's length and its second byte's range, by
// its first byte (the Unicode standard's Table 3-7); length 0: not a
// start byte.
struct Lead {
  int len;
  uint8_t lo, hi;
};
Lead LeadOf(uint8_t b) {
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

void PutUnit(std::string& out, uint32_t v, int width, bool little) {
  for (int k = 0; k < width; ++k) {
    const int shift = little ? 8 * k : 8 * (width - 1 - k);
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

uint32_t GetUnit(const uint8_t* p, int width, bool little) {
  uint32_t v = 0;
  for (int k = 0; k < width; ++k) {
    const int shift = little ? 8 * k : 8 * (width - 1 - k);
    v |= uint32_t{p[k]} << shift;
  }
  return v;
}

constexpr bool kNativeLittle = std::endian::native == std::endian::little;

// The byte order a decoder starts with: *byteorder, or 0; with 0, a BOM of
// `width` bytes at the start picks the order and is skipped.
int StartOrder(absl::string_view bytes, int width, const int* byteorder, size_t* q) {
  int bo = byteorder != nullptr ? *byteorder : 0;
  if (bo == 0 && bytes.size() >= static_cast<size_t>(width)) {
    const uint32_t bom = GetUnit(reinterpret_cast<const uint8_t*>(bytes.data()), width, true);
    if (bom == 0xFEFF) {
      bo = -1;
      *q = static_cast<size_t>(width);
    } else if (bom == (width == 2 ? 0xFFFEu : 0xFFFE0000u)) {
      bo = 1;
      *q = static_cast<size_t>(width);
    }
  }
  return bo;
}

bool LittleFor(int bo) { return bo < 0 || (bo == 0 && kNativeLittle); }

absl::StatusOr<Ref<>> EncodeUtfN(const PyObject* s, int byteorder, int width) {
  const bool little = LittleFor(byteorder);
  const char* encoding = width == 2 ? (byteorder == 0 ? "utf-16" : little ? "utf-16-le" : "utf-16-be")
                                    : (byteorder == 0 ? "utf-32" : little ? "utf-32-le" : "utf-32-be");
  const Py_ssize_t n = StrLength(s);
  std::string out;
  out.reserve(static_cast<size_t>(n + 1) * static_cast<size_t>(width));
  if (byteorder == 0) PutUnit(out, 0xFEFF, width, little);
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 ch = StrReadChar(s, i);
    if (IsSurrogate(ch)) {
      return EncodeError(encoding, s, i, SurrogateRunEnd(s, i), "surrogates not allowed");
    }
    if (width == 2 && ch >= 0x10000) {
      PutUnit(out, 0xD800 + ((ch - 0x10000) >> 10), 2, little);
      PutUnit(out, 0xDC00 + ((ch - 0x10000) & 0x3FF), 2, little);
    } else {
      PutUnit(out, ch, width, little);
    }
  }
  return BytesFromData(out);
}

absl::StatusOr<Ref<>> ListOf(std::vector<Ref<>>& parts) {
  std::vector<PyObject*> items;
  items.reserve(parts.size());
  for (Ref<>& p : parts) items.push_back(p.get());
  return ListFromItems(items);
}

bool IsLineBreak(Py_UCS4 ch) {
  switch (ch) {
    case '\n': case '\r': case 0x0B: case 0x0C: case 0x1C: case 0x1D: case 0x1E:
    case 0x85: case 0x2028: case 0x2029:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<CodecErrors> CodecErrorsFromName(const char* name) {
  if (name == nullptr || std::strcmp(name, "strict") == 0) return CodecErrors::kStrict;
  if (std::strcmp(name, "ignore") == 0) return CodecErrors::kIgnore;
  if (std::strcmp(name, "replace") == 0) return CodecErrors::kReplace;
  if (std::strcmp(name, "surrogateescape") == 0) return CodecErrors::kSurrogateEscape;
  return std::nullopt;
}

absl::StatusOr<Ref<>> StrDecodeUtf8With(absl::string_view bytes, CodecErrors errors,
                                        Py_ssize_t* consumed) {
  // Valid UTF-8, the common case (PyUnicode_DecodeUTF8 with "strict" and
  // the like), takes str's own decoder; the code-point loop below is for
  // input that needs the error handler or ends inside a sequence.
  if (absl::StatusOr<Ref<>> fast = StrFromUtf8(bytes);
      fast.ok() || !IsError(fast.status(), ErrorKind::kUnicodeDecodeError)) {
    if (fast.ok() && consumed != nullptr) *consumed = static_cast<Py_ssize_t>(bytes.size());
    return fast;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  CodePoints out;
  out.reserve(n);
  size_t i = 0;
  while (i < n) {
    const uint8_t b = p[i];
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    const Lead lead = LeadOf(b);
    absl::Status st;
    if (lead.len == 0) {
      st = HandleDecodeError(errors, "utf-8", p, i, i + 1, "invalid start byte", out);
      ++i;
    } else {
      size_t k = 1;
      bool bad = false;
      for (; k < static_cast<size_t>(lead.len) && i + k < n; ++k) {
        const uint8_t c = p[i + k];
        const uint8_t lo = k == 1 ? lead.lo : 0x80, hi = k == 1 ? lead.hi : 0xBF;
        if (c < lo || c > hi) {
          bad = true;
          break;
        }
      }
      if (bad) {
        st = HandleDecodeError(errors, "utf-8", p, i, i + k, "invalid continuation byte", out);
        i += k;
      } else if (k < static_cast<size_t>(lead.len)) {  // the input ends inside it
        if (consumed != nullptr) break;
        st = HandleDecodeError(errors, "utf-8", p, i, n, "unexpected end of data", out);
        i = n;
      } else {
        Py_UCS4 ch = b & (0xFFu >> (lead.len + 1));
        for (k = 1; k < static_cast<size_t>(lead.len); ++k) ch = (ch << 6) | (p[i + k] & 0x3Fu);
        out.push_back(ch);
        i += k;
      }
    }
    if (!st.ok()) return st;
  }
  if (consumed != nullptr) *consumed = static_cast<Py_ssize_t>(i);
  return StrFromCodePoints(out);
}

absl::StatusOr<Ref<>> StrEncodeUtf8With(const PyObject* s, CodecErrors errors) {
  const Py_ssize_t n = StrLength(s);
  std::string out;
  out.reserve(static_cast<size_t>(n));
  for (Py_ssize_t i = 0; i < n;) {
    const Py_UCS4 ch = StrReadChar(s, i);
    if (!IsSurrogate(ch)) {
      AppendUtf8(out, ch);
      ++i;
      continue;
    }
    const Py_ssize_t end = SurrogateRunEnd(s, i);
    bool ok = errors != CodecErrors::kStrict;
    if (errors == CodecErrors::kSurrogateEscape) {
      for (Py_ssize_t j = i; j < end; ++j) ok = ok && StrReadChar(s, j) >= 0xDC80 &&
                                               StrReadChar(s, j) <= 0xDCFF;
    }
    if (!ok) return EncodeError("utf-8", s, i, end, "surrogates not allowed");
    for (; i < end; ++i) {
      if (errors == CodecErrors::kReplace) out.push_back('?');
      if (errors == CodecErrors::kSurrogateEscape) {
        out.push_back(static_cast<char>(StrReadChar(s, i) - 0xDC00));
      }
    }
  }
  return BytesFromData(out);
}

absl::StatusOr<Ref<>> StrDecodeUtf16(absl::string_view bytes, CodecErrors errors, int* byteorder,
                                     Py_ssize_t* consumed) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  size_t q = 0;
  const int bo = StartOrder(bytes, 2, byteorder, &q);
  const bool little = LittleFor(bo);
  const char* encoding = little ? "utf-16-le" : "utf-16-be";
  CodePoints out;
  out.reserve(n / 2);
  while (q < n) {
    absl::Status st;
    if (n - q < 2) {
      if (consumed != nullptr) break;
      st = HandleDecodeError(errors, encoding, p, q, n, "truncated data", out);
      q = n;
    } else if (const uint32_t u = GetUnit(p + q, 2, little); u < 0xD800 || u > 0xDFFF) {
      out.push_back(u);
      q += 2;
    } else if (u >= 0xDC00) {
      st = HandleDecodeError(errors, encoding, p, q, q + 2, "illegal encoding", out);
      q += 2;
    } else if (n - q < 4) {
      if (consumed != nullptr) break;
      st = HandleDecodeError(errors, encoding, p, q, n, "unexpected end of data", out);
      q = n;
    } else if (const uint32_t u2 = GetUnit(p + q + 2, 2, little); u2 >= 0xDC00 && u2 <= 0xDFFF) {
      out.push_back(0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00));
      q += 4;
    } else {
      st = HandleDecodeError(errors, encoding, p, q, q + 2, "illegal UTF-16 surrogate", out);
      q += 2;
    }
    if (!st.ok()) return st;
  }
  if (byteorder != nullptr) *byteorder = bo;
  if (consumed != nullptr) *consumed = static_cast<Py_ssize_t>(q);
  return StrFromCodePoints(out);
}

absl::StatusOr<Ref<>> StrDecodeUtf32(absl::string_view bytes, CodecErrors errors, int* byteorder,
                                     Py_ssize_t* consumed) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  size_t q = 0;
  const int bo = StartOrder(bytes, 4, byteorder, &q);
  const bool little = LittleFor(bo);
  const char* encoding = little ? "utf-32-le" : "utf-32-be";
  CodePoints out;
  out.reserve(n / 4);
  while (q < n) {
    absl::Status st;
    if (n - q < 4) {
      if (consumed != nullptr) break;
      st = HandleDecodeError(errors, encoding, p, q, n, "truncated data", out);
      q = n;
    } else {
      const uint32_t u = GetUnit(p + q, 4, little);
      if (u > kMaxUnicode) {
        st = HandleDecodeError(errors, encoding, p, q, q + 4, "code point not in range(0x110000)",
                               out);
      } else if (IsSurrogate(u)) {
        st = HandleDecodeError(errors, encoding, p, q, q + 4,
                               "code point in surrogate code point range(0xd800, 0xe000)", out);
      } else {
        out.push_back(u);
      }
      q += 4;
    }
    if (!st.ok()) return st;
  }
  if (byteorder != nullptr) *byteorder = bo;
  if (consumed != nullptr) *consumed = static_cast<Py_ssize_t>(q);
  return StrFromCodePoints(out);
}

absl::StatusOr<Ref<>> StrEncodeUtf16(const PyObject* s, int byteorder) {
  return EncodeUtfN(s, byteorder, 2);
}

absl::StatusOr<Ref<>> StrEncodeUtf32(const PyObject* s, int byteorder) {
  return EncodeUtfN(s, byteorder, 4);
}

absl::StatusOr<Ref<>> StrPartition(PyObject* s, const PyObject* sep, bool from_right) {
  const Py_ssize_t m = StrLength(sep), n = StrLength(s);
  if (m == 0) return MakeError(ErrorKind::kValueError, "empty separator");
  const Py_ssize_t at = StrFind(s, sep, 0, n, from_right ? -1 : 1);
  Ref<> parts[3];
  if (at < 0) {
    absl::StatusOr<Ref<>> whole = StrWhole(s);
    if (!whole.ok()) return whole.status();
    parts[from_right ? 2 : 0] = *std::move(whole);
    parts[1] = Ref<>::NewRef(EmptyStr());
    parts[from_right ? 0 : 2] = Ref<>::NewRef(EmptyStr());
  } else {
    absl::StatusOr<Ref<>> head = StrSlice(s, 0, at);
    absl::StatusOr<Ref<>> mid = StrSlice(s, at, at + m);
    absl::StatusOr<Ref<>> tail = StrSlice(s, at + m, n);
    if (!head.ok()) return head.status();
    if (!mid.ok()) return mid.status();
    if (!tail.ok()) return tail.status();
    parts[0] = *std::move(head);
    parts[1] = *std::move(mid);
    parts[2] = *std::move(tail);
  }
  PyObject* items[3] = {parts[0].get(), parts[1].get(), parts[2].get()};
  return TupleFromItems(items);
}

absl::StatusOr<Ref<>> StrRSplit(PyObject* s, const PyObject* sep, Py_ssize_t maxsplit) {
  if (maxsplit < 0) maxsplit = PY_SSIZE_T_MAX;
  std::vector<Ref<>> parts;  // right to left
  auto add = [&](Py_ssize_t begin, Py_ssize_t end) -> absl::Status {
    absl::StatusOr<Ref<>> part = StrSlice(s, begin, end);
    if (!part.ok()) return part.status();
    parts.push_back(*std::move(part));
    return absl::OkStatus();
  };
  Py_ssize_t i = StrLength(s);
  if (sep == nullptr) {
    for (Py_ssize_t splits = 0;; ++splits) {
      while (i > 0 && IsUnicodeSpace(StrReadChar(s, i - 1))) --i;
      if (i == 0) break;
      Py_ssize_t j = i;
      if (splits == maxsplit) {
        j = 0;  // the rest, leading whitespace included
      } else {
        while (j > 0 && !IsUnicodeSpace(StrReadChar(s, j - 1))) --j;
      }
      if (absl::Status st = add(j, i); !st.ok()) return st;
      i = j;
    }
  } else {
    const Py_ssize_t m = StrLength(sep);
    if (m == 0) return MakeError(ErrorKind::kValueError, "empty separator");
    for (Py_ssize_t splits = 0; splits < maxsplit; ++splits) {
      const Py_ssize_t at = i < m ? -1 : StrFind(s, sep, 0, i, -1);
      if (at < 0) break;
      if (absl::Status st = add(at + m, i); !st.ok()) return st;
      i = at;
    }
    if (absl::Status st = add(0, i); !st.ok()) return st;
  }
  std::reverse(parts.begin(), parts.end());
  return ListOf(parts);
}

absl::StatusOr<Ref<>> StrSplitlines(PyObject* s, bool keepends) {
  const Py_ssize_t n = StrLength(s);
  std::vector<Ref<>> parts;
  for (Py_ssize_t i = 0; i < n;) {
    Py_ssize_t eol = i;
    while (eol < n && !IsLineBreak(StrReadChar(s, eol))) ++eol;
    Py_ssize_t next = eol;
    if (eol < n) {
      next = eol + 1;
      if (StrReadChar(s, eol) == '\r' && next < n && StrReadChar(s, next) == '\n') ++next;
    }
    absl::StatusOr<Ref<>> line =
        (i == 0 && next == n && (keepends || eol == n)) ? StrWhole(s) : StrSlice(s, i, keepends ? next : eol);
    if (!line.ok()) return line.status();
    parts.push_back(*std::move(line));
    i = next;
  }
  return ListOf(parts);
}

bool StrIsIdentifier(const PyObject* s) {
  const Py_ssize_t n = StrLength(s);
  if (n == 0) return false;
  const Py_UCS4 first = StrReadChar(s, 0);
  if (first != '_' && !InRanges(kXidStart, first)) return false;
  for (Py_ssize_t i = 1; i < n; ++i) {
    if (!InRanges(kXidContinue, StrReadChar(s, i))) return false;
  }
  return true;
}

absl::StatusOr<Ref<>> StrResizedCopy(const PyObject* s, Py_ssize_t length) {
  const int kind = StrKind(s);
  const Py_UCS4 max_char = StrIsAscii(s) ? 0x7F
                           : kind == PyUnicode_1BYTE_KIND ? 0xFF
                           : kind == PyUnicode_2BYTE_KIND ? 0xFFFF
                                                          : kMaxUnicode;
  absl::StatusOr<Ref<>> out = StrNew(length, max_char);
  if (!out.ok()) return out.status();
  const Py_ssize_t keep = std::min(length, StrLength(s));
  std::memcpy(StrData(out->get()), StrData(s), static_cast<size_t>(keep * kind));
  return out;
}

}  // namespace ftrt
