// str's algorithms (see str_ops.h).
#include "object/str_ops.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "object/builtin_internal.h"
#include "object/bytes.h"
#include "object/errors.h"
#include "object/list.h"
#include "object/refcount.h"
#include "object/slice_indices.h"
#include "object/str.h"

namespace ftrt {
namespace {

// Calls fn(chars, length) with the string's characters at their own width.
template <typename Fn>
decltype(auto) VisitChars(const PyObject* s, Fn&& fn) {
  const void* d = StrData(s);
  const Py_ssize_t n = StrLength(s);
  switch (StrKind(s)) {
    case PyUnicode_1BYTE_KIND:
      return fn(static_cast<const Py_UCS1*>(d), n);
    case PyUnicode_2BYTE_KIND:
      return fn(static_cast<const Py_UCS2*>(d), n);
    default:
      return fn(static_cast<const Py_UCS4*>(d), n);
  }
}

constexpr auto kSameChar = [](auto x, auto y) {
  return static_cast<Py_UCS4>(x) == static_cast<Py_UCS4>(y);
};


// Index of sub in s[start:end] (indices already adjusted, sub non-empty
// and no longer than the range), or -1.
Py_ssize_t FindIn(const PyObject* s, const PyObject* sub, Py_ssize_t start, Py_ssize_t end,
                  int direction) {
  return VisitChars(s, [&](auto* a, Py_ssize_t) {
    return VisitChars(sub, [&](auto* b, Py_ssize_t m) -> Py_ssize_t {
      auto* first = a + start;
      auto* last = a + end;
      auto* it = direction > 0 ? std::search(first, last, b, b + m, kSameChar)
                               : std::find_end(first, last, b, b + m, kSameChar);
      return it == last ? -1 : it - a;
    });
  });
}

// CPython's rendering of a character in codec errors: '\xe9', '\u20ac',
// '\U0001f600'.
std::string EscapedChar(Py_UCS4 c) {
  if (c < 0x100) return absl::StrFormat("\\x%02x", c);
  if (c < 0x10000) return absl::StrFormat("\\u%04x", c);
  return absl::StrFormat("\\U%08x", c);
}

// The first index whose character is above `limit`, or -1.
Py_ssize_t FirstAbove(const PyObject* s, Py_UCS4 limit) {
  return VisitChars(s, [&](auto* a, Py_ssize_t n) -> Py_ssize_t {
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (static_cast<Py_UCS4>(a[i]) > limit) return i;
    }
    return -1;
  });
}

absl::StatusOr<Ref<>> Encode(const PyObject* s, Py_UCS4 limit, const char* codec) {
  if (!IsStr(s)) return internal::NotAStr("argument", s);
  const Py_ssize_t bad = FirstAbove(s, limit);
  if (bad >= 0) {
    return Errorf(ErrorKind::kUnicodeEncodeError,
                  "'%s' codec can't encode character '%s' in position %d: ordinal not in "
                  "range(%d)",
                  codec, EscapedChar(StrReadChar(s, bad)), bad, limit + 1);
  }
  // Every character fits a byte, so the string is 1-byte kind.
  return BytesFromData(absl::string_view(static_cast<const char*>(StrData(s)),
                                         static_cast<size_t>(StrLength(s))));
}

// A string whose characters a creator may still write (see str_ops.h).
absl::Status CheckModifiable(const PyObject* s) {
  const StrObject* o = AsStr(s);
  const Py_hash_t hash =
      std::atomic_ref<Py_hash_t>(const_cast<StrObject*>(o)->hash).load(std::memory_order_relaxed);
  // A cached UTF-8 form (non-ASCII strings keep one apart from the data)
  // would go stale.
  const bool has_utf8 =
      !StrIsAscii(s) &&
      std::atomic_ref<char*>(reinterpret_cast<PyCompactUnicodeObject*>(const_cast<StrObject*>(o))
                                 ->utf8)
              .load(std::memory_order_acquire) != nullptr;
  if (Refcount(s) != 1 || hash != -1 || o->state.interned != 0 || has_utf8) {
    return MakeError(ErrorKind::kSystemError, "Cannot modify a string currently used");
  }
  return absl::OkStatus();
}

void WriteAt(PyObject* s, Py_ssize_t i, Py_UCS4 ch) { KindWrite(StrKind(s), StrData(s), i, ch); }

absl::Status AppendSlice(PyObject* list, const PyObject* s, Py_ssize_t begin, Py_ssize_t end) {
  absl::StatusOr<Ref<>> part = StrSlice(s, begin, end);
  if (!part.ok()) return part.status();
  return ListAppend(list, part->get());
}

}  // namespace

bool IsUnicodeSpace(Py_UCS4 ch) {
  if (ch < 128) return (ch >= 0x09 && ch <= 0x0D) || (ch >= 0x1C && ch <= 0x20);
  return ch == 0x85 || ch == 0xA0 || ch == 0x1680 || (ch >= 0x2000 && ch <= 0x200A) ||
         ch == 0x2028 || ch == 0x2029 || ch == 0x202F || ch == 0x205F || ch == 0x3000;
}

Py_ssize_t StrFind(const PyObject* s, const PyObject* sub, Py_ssize_t start, Py_ssize_t end,
                   int direction) {
  ClampSearchBounds(StrLength(s), &start, &end);
  const Py_ssize_t m = StrLength(sub);
  if (end - start < m) return -1;
  if (m == 0) return direction > 0 ? start : end;
  return FindIn(s, sub, start, end, direction);
}

Py_ssize_t StrFindChar(const PyObject* s, Py_UCS4 ch, Py_ssize_t start, Py_ssize_t end,
                       int direction) {
  ClampSearchBounds(StrLength(s), &start, &end);
  if (start >= end) return -1;
  return VisitChars(s, [&](auto* a, Py_ssize_t) -> Py_ssize_t {
    if (direction > 0) {
      for (Py_ssize_t i = start; i < end; ++i) {
        if (static_cast<Py_UCS4>(a[i]) == ch) return i;
      }
    } else {
      for (Py_ssize_t i = end - 1; i >= start; --i) {
        if (static_cast<Py_UCS4>(a[i]) == ch) return i;
      }
    }
    return -1;
  });
}

Py_ssize_t StrCount(const PyObject* s, const PyObject* sub, Py_ssize_t start, Py_ssize_t end) {
  ClampSearchBounds(StrLength(s), &start, &end);
  const Py_ssize_t m = StrLength(sub);
  if (end - start < m) return 0;
  if (m == 0) return end - start + 1;
  Py_ssize_t n = 0;
  for (Py_ssize_t at = start; (at = FindIn(s, sub, at, end, 1)) >= 0; at += m) {
    ++n;
    if (end - (at + m) < m) break;
  }
  return n;
}

bool StrTailmatch(const PyObject* s, const PyObject* sub, Py_ssize_t start, Py_ssize_t end,
                  int direction) {
  ClampSearchBounds(StrLength(s), &start, &end);
  const Py_ssize_t m = StrLength(sub);
  if (end - m < start) return false;
  if (m == 0) return true;
  const Py_ssize_t at = direction > 0 ? end - m : start;
  return VisitChars(s, [&](auto* a, Py_ssize_t) {
    return VisitChars(sub, [&](auto* b, Py_ssize_t) {
      return std::equal(a + at, a + at + m, b, kSameChar);
    });
  });
}

absl::StatusOr<Ref<>> StrJoin(const PyObject* sep, absl::Span<PyObject* const> items) {
  if (items.empty()) return Ref<>::Steal(EmptyStr());
  Py_ssize_t total = 0;
  Py_UCS4 max_char = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const PyObject* item = items[i];
    if (!IsStr(item)) {
      return Errorf(ErrorKind::kTypeError, "sequence item %d: expected str instance, %s found",
                    i, item->ob_type->tp_name);
    }
    if (total > PY_SSIZE_T_MAX - StrLength(item)) {
      return MakeError(ErrorKind::kOverflowError, "join() result is too long for a Python string");
    }
    total += StrLength(item);
    max_char = std::max(max_char, StrMaxCharValue(item));
  }
  if (items.size() == 1 && IsStrExact(items[0])) return Ref<>::NewRef(items[0]);
  const Py_ssize_t seps = static_cast<Py_ssize_t>(items.size()) - 1;
  if (StrLength(sep) > 0) {
    if (seps > (PY_SSIZE_T_MAX - total) / StrLength(sep)) {
      return MakeError(ErrorKind::kOverflowError, "join() result is too long for a Python string");
    }
    total += seps * StrLength(sep);
    max_char = std::max(max_char, StrMaxCharValue(sep));
  }
  // Each input is in canonical form, so the widest input's kind is the
  // result's (a wider kind is only used for a character that needs it).
  absl::StatusOr<Ref<>> out = StrNew(total, max_char);
  if (!out.ok()) return out.status();
  PyObject* o = out->get();
  Py_ssize_t at = 0;
  auto append = [&](const PyObject* part) {
    VisitChars(part, [&](auto* a, Py_ssize_t n) {
      for (Py_ssize_t i = 0; i < n; ++i) WriteAt(o, at + i, static_cast<Py_UCS4>(a[i]));
      at += n;
    });
  };
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) append(sep);
    append(items[i]);
  }
  return out;
}

absl::StatusOr<Ref<>> StrSplit(PyObject* s, const PyObject* sep, Py_ssize_t maxsplit) {
  if (!IsStr(s)) return internal::NotAStr("argument", s);
  if (sep != nullptr && !IsStr(sep)) return internal::NotAStr("separator", sep);
  absl::StatusOr<Ref<>> list = ListNew();
  if (!list.ok()) return list.status();
  const Py_ssize_t n = StrLength(s);
  if (maxsplit < 0) maxsplit = PY_SSIZE_T_MAX;
  if (sep == nullptr) {
    Py_ssize_t i = 0;
    for (Py_ssize_t splits = 0;; ++splits) {
      while (i < n && IsUnicodeSpace(StrReadChar(s, i))) ++i;
      if (i == n) break;
      Py_ssize_t j = i;
      if (splits == maxsplit) {
        j = n;  // the rest, trailing whitespace included
      } else {
        while (j < n && !IsUnicodeSpace(StrReadChar(s, j))) ++j;
      }
      if (absl::Status st = AppendSlice(list->get(), s, i, j); !st.ok()) return st;
      i = j;
    }
    return list;
  }
  const Py_ssize_t m = StrLength(sep);
  if (m == 0) return MakeError(ErrorKind::kValueError, "empty separator");
  Py_ssize_t i = 0;
  for (Py_ssize_t splits = 0; splits < maxsplit; ++splits) {
    const Py_ssize_t at = n - i < m ? -1 : FindIn(s, sep, i, n, 1);
    if (at < 0) break;
    if (absl::Status st = AppendSlice(list->get(), s, i, at); !st.ok()) return st;
    i = at + m;
  }
  if (absl::Status st = AppendSlice(list->get(), s, i, n); !st.ok()) return st;
  return list;
}

absl::StatusOr<Ref<>> StrReplace(PyObject* s, const PyObject* old, const PyObject* repl,
                                 Py_ssize_t maxcount) {
  if (!IsStr(s)) return internal::NotAStr("argument", s);
  if (!IsStr(old)) return internal::NotAStr("replace() argument 1", old);
  if (!IsStr(repl)) return internal::NotAStr("replace() argument 2", repl);
  if (maxcount < 0) maxcount = PY_SSIZE_T_MAX;
  const Py_ssize_t n = StrLength(s), m = StrLength(old);
  // Where the replacements go: with an empty `old`, before every character
  // and at the end.
  std::vector<Py_ssize_t> at;
  if (m == 0) {
    for (Py_ssize_t i = 0; i <= n && static_cast<Py_ssize_t>(at.size()) < maxcount; ++i) {
      at.push_back(i);
    }
  } else {
    for (Py_ssize_t i = 0; static_cast<Py_ssize_t>(at.size()) < maxcount && n - i >= m;) {
      const Py_ssize_t f = FindIn(s, old, i, n, 1);
      if (f < 0) break;
      at.push_back(f);
      i = f + m;
    }
  }
  if (at.empty()) return Ref<>::NewRef(s);
  // Built as code points and narrowed: replacing may remove every wide
  // character, or add some.
  std::vector<Py_UCS4> out;
  out.reserve(static_cast<size_t>(n) + at.size() * static_cast<size_t>(StrLength(repl)));
  auto copy = [&](const PyObject* from, Py_ssize_t begin, Py_ssize_t end) {
    for (Py_ssize_t i = begin; i < end; ++i) out.push_back(StrReadChar(from, i));
  };
  Py_ssize_t i = 0;
  for (Py_ssize_t pos : at) {
    copy(s, i, pos);
    copy(repl, 0, StrLength(repl));
    i = pos + m;
  }
  copy(s, i, n);
  return StrFromCodePoints(out);
}

absl::StatusOr<Ref<>> StrDecodeLatin1(absl::string_view bytes) {
  return StrFromKindAndData(PyUnicode_1BYTE_KIND, bytes.data(),
                            static_cast<Py_ssize_t>(bytes.size()));
}

absl::StatusOr<Ref<>> StrDecodeAscii(absl::string_view bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b >= 128) {
      return Errorf(ErrorKind::kUnicodeDecodeError,
                    "'ascii' codec can't decode byte 0x%02x in position %d: ordinal not in "
                    "range(128)",
                    b, i);
    }
  }
  return StrDecodeLatin1(bytes);
}

absl::StatusOr<Ref<>> StrEncodeLatin1(const PyObject* s) { return Encode(s, 0xFF, "latin-1"); }

absl::StatusOr<Ref<>> StrEncodeAscii(const PyObject* s) { return Encode(s, 0x7F, "ascii"); }

absl::Status StrWriteChar(PyObject* s, Py_ssize_t index, Py_UCS4 ch) {
  if (!IsStr(s)) return internal::NotAStr("argument", s);
  if (index < 0 || index >= StrLength(s)) {
    return MakeError(ErrorKind::kIndexError, "string index out of range");
  }
  if (absl::Status st = CheckModifiable(s); !st.ok()) return st;
  if (ch > StrMaxCharValue(s)) return MakeError(ErrorKind::kValueError, "character out of range");
  WriteAt(s, index, ch);
  return absl::OkStatus();
}

absl::StatusOr<Py_ssize_t> StrFill(PyObject* s, Py_ssize_t start, Py_ssize_t length,
                                   Py_UCS4 ch) {
  if (!IsStr(s)) return internal::NotAStr("argument", s);
  if (absl::Status st = CheckModifiable(s); !st.ok()) return st;
  if (ch > StrMaxCharValue(s)) {
    return MakeError(ErrorKind::kValueError,
                     "fill character is bigger than the string maximum character");
  }
  const Py_ssize_t n = StrLength(s);
  if (start < 0 || start > n) return MakeError(ErrorKind::kIndexError, "string index out of range");
  length = std::min(length, n - start);
  for (Py_ssize_t i = 0; i < length; ++i) WriteAt(s, start + i, ch);
  return std::max<Py_ssize_t>(length, 0);
}

absl::StatusOr<Py_ssize_t> StrCopyCharacters(PyObject* to, Py_ssize_t to_start,
                                             const PyObject* from, Py_ssize_t from_start,
                                             Py_ssize_t how_many) {
  if (!IsStr(to)) return internal::NotAStr("argument", to);
  if (!IsStr(from)) return internal::NotAStr("argument", from);
  const Py_ssize_t to_len = StrLength(to), from_len = StrLength(from);
  if (from_start < 0 || from_start > from_len || to_start < 0 || to_start > to_len) {
    return MakeError(ErrorKind::kIndexError, "string index out of range");
  }
  how_many = std::min({how_many, from_len - from_start, to_len - to_start});
  if (how_many <= 0) return Py_ssize_t{0};
  if (absl::Status st = CheckModifiable(to); !st.ok()) return st;
  const Py_UCS4 limit = StrMaxCharValue(to);
  for (Py_ssize_t i = 0; i < how_many; ++i) {
    if (StrReadChar(from, from_start + i) > limit) {
      return Errorf(ErrorKind::kSystemError,
                    "Cannot write character U+%04x into a string of maximum character U+%04x",
                    StrReadChar(from, from_start + i), limit);
    }
  }
  // `to` is unpublished and distinct from a published `from`; if they are
  // the same string, copy through a buffer (the ranges may overlap).
  std::vector<Py_UCS4> chars(static_cast<size_t>(how_many));
  for (Py_ssize_t i = 0; i < how_many; ++i) chars[i] = StrReadChar(from, from_start + i);
  for (Py_ssize_t i = 0; i < how_many; ++i) WriteAt(to, to_start + i, chars[i]);
  return how_many;
}

}  // namespace ftrt
