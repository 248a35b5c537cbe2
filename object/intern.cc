// Interned strings (see intern.h).
#include "object/intern.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/hash.h"
#include "object/refcount.h"

namespace ftrt {
namespace {

struct Table {
  size_t mask;  // capacity - 1; capacity a power of two
  std::atomic<PyObject*> slots[1];
};

Table* NewTable(size_t capacity) {
  const size_t bytes = sizeof(Table) + (capacity - 1) * sizeof(std::atomic<PyObject*>);
  void* mem = std::calloc(1, bytes);
  if (mem == nullptr) return nullptr;
  auto* t = static_cast<Table*>(mem);
  t->mask = capacity - 1;
  // calloc's zero bytes are null atomics on every platform we build for.
  return t;
}

constexpr size_t kInitialCapacity = 1024;

std::mutex g_mu;
std::atomic<Table*> g_table{nullptr};
size_t g_count = 0;  // guarded by g_mu
// Old tables stay readable for ever (readers may still probe them); they
// are linked through their first slot's neighbour list here.
struct Retired {
  Table* table;
  Retired* next;
};
Retired* g_retired = nullptr;  // guarded by g_mu

PyObject* Probe(const Table* t, PyObject* s, Py_hash_t h) {
  size_t i = static_cast<size_t>(h) & t->mask;
  for (;;) {
    PyObject* p = t->slots[i].load(std::memory_order_acquire);
    if (p == nullptr) return nullptr;
    if (p == s) return p;
    // An interned string's hash was computed before it was published.
    if (AsStr(p)->hash == h && StrEqual(p, s)) return p;
    i = (i + 1) & t->mask;
  }
}

void InsertInto(Table* t, PyObject* s, Py_hash_t h) {
  size_t i = static_cast<size_t>(h) & t->mask;
  while (t->slots[i].load(std::memory_order_relaxed) != nullptr) i = (i + 1) & t->mask;
  t->slots[i].store(s, std::memory_order_release);
}

// An immortal copy of the compact str `s` in static (malloc'ed) memory.
PyObject* MakeStaticCopy(PyObject* s) {
  const StrObject* src = AsStr(s);
  const bool ascii = src->state.ascii != 0;
  const size_t header = ascii ? sizeof(PyASCIIObject) : sizeof(PyCompactUnicodeObject);
  const size_t kind = src->state.kind;
  const size_t size = header + (static_cast<size_t>(src->length) + 1) * kind;
  void* mem = std::calloc(1, size);
  if (mem == nullptr) return nullptr;
  std::memcpy(mem, s, size);
  auto* copy = static_cast<PyObject*>(mem);
  InitStaticHeader(copy, &PyUnicode_Type);
  auto* str = static_cast<StrObject*>(mem);
  str->state.interned = SSTATE_INTERNED_IMMORTAL;
  str->state.statically_allocated = 0;
  if (!ascii) {
    // The UTF-8 cache belongs to the original; the copy makes its own.
    auto* compact = static_cast<PyCompactUnicodeObject*>(mem);
    compact->utf8 = nullptr;
    compact->utf8_length = 0;
  }
  str->hash = StrHash(s);
  return copy;
}

PyObject* FindIn(PyObject* s, Py_hash_t h) {
  Table* t = g_table.load(std::memory_order_acquire);
  return t == nullptr ? nullptr : Probe(t, s, h);
}

bool IsAsciiText(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// The interned str of ASCII `text`, found without making a str: an ASCII
// str hashes its bytes (hash.h).
PyObject* FindAscii(absl::string_view text) {
  Table* t = g_table.load(std::memory_order_acquire);
  if (t == nullptr) return nullptr;
  const Py_hash_t h = HashBytes(text.data(), text.size());
  size_t i = static_cast<size_t>(h) & t->mask;
  for (;;) {
    PyObject* p = t->slots[i].load(std::memory_order_acquire);
    if (p == nullptr) return nullptr;
    if (AsStr(p)->hash == h && StrIsAscii(p) &&
        static_cast<size_t>(StrLength(p)) == text.size() &&
        std::memcmp(StrData(p), text.data(), text.size()) == 0) {
      return p;
    }
    i = (i + 1) & t->mask;
  }
}

}  // namespace

PyObject* FindInterned(PyObject* s) {
  if (!IsStr(s)) return nullptr;
  if (IsInterned(s)) return s;
  if (StrLength(s) == 0) return EmptyStr();
  return FindIn(s, StrHash(s));
}

PyObject* InternStr(PyObject* s) {
  if (!IsStr(s)) {
    SetErrorFormat(PyExc_TypeError, "can't intern %s", s->ob_type->tp_name);
    return nullptr;
  }
  if (IsInterned(s)) return s;
  if (StrLength(s) == 0) return EmptyStr();
  const Py_hash_t h = StrHash(s);
  if (PyObject* found = FindIn(s, h)) return found;
  // A str subclass instance is copied as an exact str first.
  Ref<> exact;
  PyObject* src = s;
  if (!IsStrExact(s)) {
    exact = RefOrRaise(StrFromKindAndData(StrKind(s), StrData(s), StrLength(s)));
    if (!exact) return nullptr;
    src = exact.get();
  }
  std::lock_guard<std::mutex> lock(g_mu);
  Table* t = g_table.load(std::memory_order_relaxed);
  if (t != nullptr) {
    if (PyObject* found = Probe(t, s, h)) return found;
  }
  if (t == nullptr || (g_count + 1) * 2 > t->mask + 1) {
    const size_t capacity = t == nullptr ? kInitialCapacity : (t->mask + 1) * 2;
    Table* bigger = NewTable(capacity);
    auto* retired = t == nullptr ? nullptr : new (std::nothrow) Retired{t, g_retired};
    if (bigger == nullptr || (t != nullptr && retired == nullptr)) {
      std::free(bigger);
      delete retired;
      return NoMemory();
    }
    if (t != nullptr) {
      for (size_t i = 0; i <= t->mask; ++i) {
        PyObject* p = t->slots[i].load(std::memory_order_relaxed);
        if (p != nullptr) InsertInto(bigger, p, AsStr(p)->hash);
      }
      g_retired = retired;
    }
    g_table.store(bigger, std::memory_order_release);
    t = bigger;
  }
  PyObject* copy = MakeStaticCopy(src);
  if (copy == nullptr) return NoMemory();
  InsertInto(t, copy, h);
  ++g_count;
  return copy;
}

PyObject* InternFromString(absl::string_view text) {
  if (text.empty()) return EmptyStr();
  if (IsAsciiText(text)) {
    if (PyObject* found = FindAscii(text)) return found;
  }
  Ref<> s = RefOrRaise(StrFromUtf8(text));
  if (!s) return nullptr;
  return InternStr(s.get());
}

size_t InternedCount() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_count;
}

}  // namespace ftrt
