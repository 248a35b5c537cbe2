// str (see str.h).
#include "object/str.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "object/builtin_internal.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/utf8.h"

namespace ftrt {
namespace {

using CompactObject = PyCompactUnicodeObject;

constexpr size_t HeaderSize(bool ascii) {
  return ascii ? sizeof(PyASCIIObject) : sizeof(PyCompactUnicodeObject);
}

// Relaxed/acquire views of the caches (see str.h, "Concurrency").
std::atomic_ref<Py_hash_t> HashRef(const PyObject* op) {
  return std::atomic_ref<Py_hash_t>(const_cast<StrObject*>(AsStr(op))->hash);
}
std::atomic_ref<char*> Utf8PtrRef(const PyObject* op) {
  return std::atomic_ref<char*>(reinterpret_cast<CompactObject*>(const_cast<PyObject*>(op))->utf8);
}
std::atomic_ref<Py_ssize_t> Utf8LenRef(const PyObject* op) {
  return std::atomic_ref<Py_ssize_t>(
      reinterpret_cast<CompactObject*>(const_cast<PyObject*>(op))->utf8_length);
}

void StrDealloc(PyObject* op) {
  if (!StrIsAscii(op)) std::free(Utf8PtrRef(op).load(std::memory_order_acquire));
  if (!AsStr(op)->state.compact) std::free(reinterpret_cast<PyUnicodeObject*>(op)->data.any);
  FreeObject(op);
}

Py_hash_t StrHashSlot(PyObject* op) { return StrHash(op); }

// str(s): s itself when it is an exact str, else (a subclass instance) an
// exact str of its characters, as CPython's unicode_str.
PyObject* StrStrSlot(PyObject* op) {
  if (IsStrExact(op)) return Ref<>::NewRef(op).Release();
  return internal::SlotResult(StrFromKindAndData(StrKind(op), StrData(op), StrLength(op)));
}

PyObject* StrRichCompareSlot(PyObject* a, PyObject* b, int op) {
  if (!IsStr(a) || !IsStr(b)) return NotImplemented();
  if (op == Py_EQ || op == Py_NE) return internal::BoolResult(StrEqual(a, b) == (op == Py_EQ));
  return internal::BoolResult(internal::CompareSatisfies(StrCompare(a, b) <=> 0, op));
}

Py_ssize_t StrLengthSlot(PyObject* op) { return StrLength(op); }

constinit PySequenceMethods g_str_as_sequence = [] {
  PySequenceMethods m{};
  m.sq_length = StrLengthSlot;
  return m;
}();

// The empty string, in static storage: an immortal compact ASCII string.
struct EmptyStrStorage {
  PyASCIIObject base;
  Py_UCS1 data[8];
};

}  // namespace

extern "C" {
constinit PyTypeObject PyUnicode_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "str";
  // A subclass instance's size (its characters are in a block of their
  // own); an exact str is sized by its characters (AllocStr).
  t.tp_basicsize = sizeof(PyUnicodeObject);
  t.tp_itemsize = 0;
  t.tp_dealloc = StrDealloc;
  t.tp_str = StrStrSlot;
  t.tp_as_sequence = &g_str_as_sequence;
  t.tp_hash = StrHashSlot;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_UNICODE_SUBCLASS |
               Py_TPFLAGS_IMMUTABLETYPE;
  t.tp_doc = "str(object='') -> str";
  t.tp_richcompare = StrRichCompareSlot;
  return t;
}();
}  // extern "C"

namespace {

constinit EmptyStrStorage g_empty_str = {
    .base =
        {
            .ob_base = internal::StaticObjectHeader(&PyUnicode_Type),
            .length = 0,
            .hash = 0,
            .state = {.interned = SSTATE_INTERNED_IMMORTAL_STATIC,
                      .kind = PyUnicode_1BYTE_KIND,
                      .compact = 1,
                      .ascii = 1,
                      .statically_allocated = 1},
        },
    .data = {0},
};

// The one-character strings U+0000..U+00FF (CPython's latin-1
// singletons), in static storage: immortal compact strings, so that s[i],
// iteration, chr() and one-character decodes allocate nothing and, as in
// CPython, two such strings of one character are one object. Their hash
// and (for U+0080..U+00FF) UTF-8 caches are filled in on first use, as any
// string's. Not interned: the intern table keeps its own copy.
struct AsciiCharStorage {
  PyASCIIObject base;
  Py_UCS1 data[8];
};
struct Latin1CharStorage {
  PyCompactUnicodeObject base;
  Py_UCS1 data[8];
};

constexpr PyASCIIObject CharHeader(bool ascii) {
  PyASCIIObject h{};
  h.ob_base = internal::StaticObjectHeader(&PyUnicode_Type);
  h.length = 1;
  h.hash = -1;
  h.state.interned = SSTATE_NOT_INTERNED;
  h.state.kind = PyUnicode_1BYTE_KIND;
  h.state.compact = 1;
  h.state.ascii = ascii ? 1 : 0;
  h.state.statically_allocated = 1;
  return h;
}

constinit std::array<AsciiCharStorage, 128> g_ascii_chars = [] {
  std::array<AsciiCharStorage, 128> a{};
  for (size_t c = 0; c < a.size(); ++c) {
    a[c].base = CharHeader(true);
    a[c].data[0] = static_cast<Py_UCS1>(c);
  }
  return a;
}();

constinit std::array<Latin1CharStorage, 128> g_latin1_chars = [] {
  std::array<Latin1CharStorage, 128> a{};
  for (size_t c = 0; c < a.size(); ++c) {
    a[c].base._base = CharHeader(false);
    a[c].base.utf8_length = 0;
    a[c].base.utf8 = nullptr;
    a[c].data[0] = static_cast<Py_UCS1>(0x80 + c);
  }
  return a;
}();

const bool g_types_ready = [] {
  InitStaticType(&PyUnicode_Type);
  return true;
}();

// A new compact string of `length` characters for `max_char` (data zeroed,
// NUL included); null if out of memory.
Ref<> AllocStr(Py_ssize_t length, Py_UCS4 max_char) {
  (void)g_types_ready;
  const bool ascii = max_char < 0x80;
  const int kind = KindForMaxChar(max_char);
  const size_t header = HeaderSize(ascii);
  if (length > (PY_SSIZE_T_MAX - static_cast<Py_ssize_t>(header)) / kind - 1) return nullptr;
  const size_t size = header + (static_cast<size_t>(length) + 1) * static_cast<size_t>(kind);
  Ref<StrObject> s = NewObject<StrObject>(&PyUnicode_Type, static_cast<Py_ssize_t>(size));
  if (!s) return nullptr;
  s->length = length;
  s->hash = -1;
  s->state.interned = SSTATE_NOT_INTERNED;
  s->state.kind = static_cast<unsigned>(kind);
  s->state.compact = 1;
  s->state.ascii = ascii ? 1 : 0;
  s->state.statically_allocated = 0;
  return Ref<>(std::move(s));
}

template <typename From, typename To>
void CopyWiden(const From* from, Py_ssize_t n, To* to) {
  for (Py_ssize_t i = 0; i < n; ++i) to[i] = static_cast<To>(from[i]);
}

}  // namespace

namespace internal {
absl::Status NotAStr(const char* what, const PyObject* op) {
  return Errorf(ErrorKind::kTypeError, "%s must be str, not %s", what, op->ob_type->tp_name);
}
}  // namespace internal

PyTypeObject* StrType() { return (void)g_types_ready, &PyUnicode_Type; }

PyObject* EmptyStr() { return &g_empty_str.base.ob_base; }

PyObject* Latin1Char(Py_UCS1 c) {
  if (c < 0x80) return &g_ascii_chars[c].base.ob_base;
  return &g_latin1_chars[c - 0x80].base._base.ob_base;
}

void CopyChars(int from_kind, const void* from, Py_ssize_t n, int to_kind, void* to) {
  if (from_kind == to_kind) {
    std::memcpy(to, from, static_cast<size_t>(n) * static_cast<size_t>(from_kind));
    return;
  }
  auto copy_from = [&](auto* src) {
    switch (to_kind) {
      case PyUnicode_1BYTE_KIND:
        CopyWiden(src, n, static_cast<Py_UCS1*>(to));
        break;
      case PyUnicode_2BYTE_KIND:
        CopyWiden(src, n, static_cast<Py_UCS2*>(to));
        break;
      default:
        CopyWiden(src, n, static_cast<Py_UCS4*>(to));
        break;
    }
  };
  switch (from_kind) {
    case PyUnicode_1BYTE_KIND:
      copy_from(static_cast<const Py_UCS1*>(from));
      break;
    case PyUnicode_2BYTE_KIND:
      copy_from(static_cast<const Py_UCS2*>(from));
      break;
    default:
      copy_from(static_cast<const Py_UCS4*>(from));
      break;
  }
}

absl::StatusOr<Ref<>> StrSlice(const PyObject* s, Py_ssize_t begin, Py_ssize_t end) {
  const int kind = StrKind(s);
  return StrFromKindAndData(kind, static_cast<const char*>(StrData(s)) + begin * kind,
                            end - begin);
}

absl::StatusOr<Ref<>> StrWhole(PyObject* s) {
  if (IsStrExact(s)) return Ref<>::NewRef(s);
  return StrSlice(s, 0, StrLength(s));
}

absl::StatusOr<Ref<>> StrSubtypeCopy(PyTypeObject* type, const PyObject* value) {
  if (type->tp_basicsize < static_cast<Py_ssize_t>(sizeof(PyUnicodeObject))) {
    return Errorf(ErrorKind::kSystemError, "str subclass '%s' is smaller than PyUnicodeObject",
                  type->tp_name);
  }
  const size_t bytes = (static_cast<size_t>(StrLength(value)) + 1) * static_cast<size_t>(StrKind(value));
  void* data = std::malloc(bytes);
  if (data == nullptr) return NoMemoryError();
  std::memcpy(data, StrData(value), bytes);  // the characters and the NUL
  Ref<> obj = Ref<>::Steal(type->tp_alloc(type, 0));
  if (!obj) {
    std::free(data);
    return TakeErrorIndicator("tp_alloc");
  }
  // Not yet reachable by any other thread: plain stores.
  auto* u = reinterpret_cast<PyUnicodeObject*>(obj.get());
  StrObject* s = &u->_base._base;
  s->length = StrLength(value);
  s->hash = -1;
  s->state.interned = SSTATE_NOT_INTERNED;
  s->state.kind = static_cast<unsigned>(StrKind(value));
  s->state.compact = 0;
  s->state.ascii = StrIsAscii(value) ? 1 : 0;
  s->state.statically_allocated = 0;
  u->_base.utf8_length = 0;
  u->_base.utf8 = nullptr;
  u->data.any = data;
  return obj;
}

Py_UCS4 StrMaxCharValue(const PyObject* op) {
  if (StrIsAscii(op)) return 0x7F;
  switch (StrKind(op)) {
    case PyUnicode_1BYTE_KIND:
      return 0xFF;
    case PyUnicode_2BYTE_KIND:
      return 0xFFFF;
    default:
      return kMaxUnicode;
  }
}

absl::StatusOr<Ref<>> StrFromUtf8(absl::string_view utf8) {
  if (utf8.empty()) return Ref<>::Steal(EmptyStr());
  absl::StatusOr<Utf8Scan> scan = ScanUtf8(utf8);
  if (!scan.ok()) return scan.status();
  if (scan->length == 1 && scan->max_char < 0x100) {
    Py_UCS4 c = 0;
    DecodeUtf8(utf8, PyUnicode_4BYTE_KIND, &c);
    return Ref<>::Steal(Latin1Char(static_cast<Py_UCS1>(c)));
  }
  Ref<> s = AllocStr(scan->length, scan->max_char);
  if (!s) return NoMemoryError();
  if (scan->max_char == 0) {
    std::memcpy(StrData(s.get()), utf8.data(), utf8.size());
  } else {
    DecodeUtf8(utf8, StrKind(s.get()), StrData(s.get()));
  }
  return s;
}

absl::StatusOr<Ref<>> StrNew(Py_ssize_t length, Py_UCS4 max_char) {
  if (length < 0)
    return MakeError(ErrorKind::kSystemError, "Negative size passed to PyUnicode_New");
  if (max_char > kMaxUnicode) {
    return MakeError(ErrorKind::kSystemError, "invalid maximum character passed to PyUnicode_New");
  }
  Ref<> s = AllocStr(length, max_char);
  if (!s) return NoMemoryError();
  return s;
}

absl::StatusOr<Ref<>> StrFromCodePoints(absl::Span<const Py_UCS4> code_points) {
  Py_UCS4 max_char = 0;
  for (Py_UCS4 c : code_points) {
    if (c > kMaxUnicode) {
      return Errorf(ErrorKind::kValueError, "character U+%x is not in range [U+0000; U+10ffff]", c);
    }
    if (c > max_char) max_char = c;
  }
  if (code_points.empty()) return Ref<>::Steal(EmptyStr());
  if (code_points.size() == 1 && max_char < 0x100) {
    return Ref<>::Steal(Latin1Char(static_cast<Py_UCS1>(max_char)));
  }
  Ref<> s = AllocStr(static_cast<Py_ssize_t>(code_points.size()), max_char);
  if (!s) return NoMemoryError();
  CopyChars(PyUnicode_4BYTE_KIND, code_points.data(), static_cast<Py_ssize_t>(code_points.size()),
            StrKind(s.get()), StrData(s.get()));
  return s;
}

absl::StatusOr<Ref<>> StrFromKindAndData(int kind, const void* data, Py_ssize_t length) {
  if (kind != PyUnicode_1BYTE_KIND && kind != PyUnicode_2BYTE_KIND &&
      kind != PyUnicode_4BYTE_KIND) {
    return MakeError(ErrorKind::kValueError, "invalid kind");
  }
  if (length < 0) return MakeError(ErrorKind::kValueError, "size must be positive");
  if (length == 0) return Ref<>::Steal(EmptyStr());
  Py_UCS4 max_char = 0;
  for (Py_ssize_t i = 0; i < length; ++i) {
    const Py_UCS4 c = KindRead(kind, data, i);
    if (c > max_char) max_char = c;
  }
  if (max_char > kMaxUnicode) {
    return Errorf(ErrorKind::kValueError, "character U+%x is not in range [U+0000; U+10ffff]",
                  max_char);
  }
  if (length == 1 && max_char < 0x100) return Ref<>::Steal(Latin1Char(static_cast<Py_UCS1>(max_char)));
  Ref<> s = AllocStr(length, max_char);
  if (!s) return NoMemoryError();
  CopyChars(kind, data, length, StrKind(s.get()), StrData(s.get()));
  return s;
}

absl::StatusOr<Ref<>> StrConcat(const PyObject* a, const PyObject* b) {
  if (!IsStr(a)) return internal::NotAStr("left operand", a);
  if (!IsStr(b)) {
    return Errorf(ErrorKind::kTypeError, "can only concatenate str (not \"%s\") to str",
                  b->ob_type->tp_name);
  }
  const Py_ssize_t la = StrLength(a), lb = StrLength(b);
  if (lb == 0) return Ref<>::NewRef(const_cast<PyObject*>(a));
  if (la == 0) return Ref<>::NewRef(const_cast<PyObject*>(b));
  if (la > PY_SSIZE_T_MAX - lb)
    return MakeError(ErrorKind::kOverflowError, "strings are too large to concat");
  const Py_UCS4 max_char = std::max(StrMaxCharValue(a), StrMaxCharValue(b));
  Ref<> s = AllocStr(la + lb, max_char);
  if (!s) return NoMemoryError();
  const int kind = StrKind(s.get());
  char* out = static_cast<char*>(StrData(s.get()));
  CopyChars(StrKind(a), StrData(a), la, kind, out);
  CopyChars(StrKind(b), StrData(b), lb, kind,
            out + static_cast<size_t>(la) * static_cast<size_t>(kind));
  return s;
}

absl::StatusOr<absl::string_view> StrAsUtf8(PyObject* op) {
  if (!IsStr(op)) return internal::NotAStr("argument", op);
  if (StrIsAscii(op)) {
    return absl::string_view(static_cast<const char*>(StrData(op)),
                             static_cast<size_t>(StrLength(op)));
  }
  char* cached = Utf8PtrRef(op).load(std::memory_order_acquire);
  if (cached != nullptr) {
    return absl::string_view(cached,
                             static_cast<size_t>(Utf8LenRef(op).load(std::memory_order_relaxed)));
  }
  absl::StatusOr<size_t> size = Utf8EncodedSize(StrKind(op), StrData(op), StrLength(op));
  if (!size.ok()) return size.status();
  char* buf = static_cast<char*>(std::malloc(*size + 1));
  if (buf == nullptr) return NoMemoryError();
  EncodeUtf8(StrKind(op), StrData(op), StrLength(op), buf);
  buf[*size] = '\0';
  // Length first, then the pointer with release: a reader that acquires the
  // pointer sees the length (every racing writer stores the same length).
  Utf8LenRef(op).store(static_cast<Py_ssize_t>(*size), std::memory_order_relaxed);
  char* expected = nullptr;
  if (!Utf8PtrRef(op).compare_exchange_strong(expected, buf, std::memory_order_release,
                                              std::memory_order_acquire)) {
    std::free(buf);  // another thread installed the same bytes first
    buf = expected;
  }
  return absl::string_view(buf, *size);
}

Py_hash_t StrHash(PyObject* op) {
  Py_hash_t h = HashRef(op).load(std::memory_order_relaxed);
  if (h != -1) return h;
  h = HashBytes(StrData(op), static_cast<size_t>(StrLength(op)) * static_cast<size_t>(StrKind(op)));
  // Static strings (the empty one) have their hash preset; never write to
  // static storage here.
  HashRef(op).store(h, std::memory_order_relaxed);
  return h;
}

bool StrEqual(const PyObject* a, const PyObject* b) {
  if (a == b) return true;
  const Py_ssize_t n = StrLength(a);
  // Strings are canonical (narrowest kind), so a different kind means a
  // different character somewhere.
  if (n != StrLength(b) || StrKind(a) != StrKind(b)) return false;
  return std::memcmp(StrData(a), StrData(b),
                     static_cast<size_t>(n) * static_cast<size_t>(StrKind(a))) == 0;
}

int StrCompare(const PyObject* a, const PyObject* b) {
  const Py_ssize_t la = StrLength(a), lb = StrLength(b);
  const Py_ssize_t n = std::min(la, lb);
  const int ka = StrKind(a), kb = StrKind(b);
  const void* da = StrData(a);
  const void* db = StrData(b);
  if (ka == PyUnicode_1BYTE_KIND && kb == PyUnicode_1BYTE_KIND) {
    const int c = std::memcmp(da, db, static_cast<size_t>(n));
    if (c != 0) return c < 0 ? -1 : 1;
  } else {
    for (Py_ssize_t i = 0; i < n; ++i) {
      const Py_UCS4 ca = KindRead(ka, da, i), cb = KindRead(kb, db, i);
      if (ca != cb) return ca < cb ? -1 : 1;
    }
  }
  return la < lb ? -1 : (la > lb ? 1 : 0);
}

bool StrEqualsUtf8(const PyObject* op, absl::string_view utf8) {
  if (StrIsAscii(op)) {
    return static_cast<size_t>(StrLength(op)) == utf8.size() &&
           std::memcmp(StrData(op), utf8.data(), utf8.size()) == 0;
  }
  // The cached UTF-8 form (made once per string).
  absl::StatusOr<absl::string_view> mine = StrAsUtf8(const_cast<PyObject*>(op));
  return mine.ok() && *mine == utf8;
}

}  // namespace ftrt
