// Version tags and the type lookup cache (see type_cache.h).
#include "object/type_cache.h"

#include <atomic>
#include <limits>

#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/intern.h"
#include "object/refcount.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace internal {
namespace {

// One cache entry. Written only by a thread that moved `seq` from even to
// odd (a try-lock: a filler that finds it odd skips the fill).
struct CacheEntry {
  std::atomic<uint32_t> seq{0};
  std::atomic<uint32_t> version{0};
  std::atomic<PyObject*> name{nullptr};
  std::atomic<PyObject*> value{nullptr};
};

constexpr int kCacheBits = 12;  // 4096 entries, as CPython's
CacheEntry g_cache[1 << kCacheBits];

// Tags are unique for the life of the process: 0 is "none", and once they
// run out no type gets a new one (lookups then just miss).
std::atomic<uint32_t> g_next_version{1};
constexpr uint32_t kMaxVersion = std::numeric_limits<uint32_t>::max() - 1;

constinit thread_local TypeCacheStats t_stats{};

std::atomic_ref<unsigned int> TagRef(PyTypeObject* t) {
  return std::atomic_ref<unsigned int>(t->tp_version_tag);
}

CacheEntry& EntryFor(uint32_t version, PyObject* name) {
  // An interned name's hash was computed before it was published.
  const auto h = static_cast<uint32_t>(AsStr(name)->hash);
  const uint32_t mixed = (version ^ h) * 2654435761u;
  return g_cache[mixed >> (32 - kCacheBits)];
}

void Fill(uint32_t version, PyObject* name, PyObject* value) {
  CacheEntry& e = EntryFor(version, name);
  uint32_t s = e.seq.load(std::memory_order_relaxed);
  if ((s & 1) != 0) return;
  if (!e.seq.compare_exchange_strong(s, s + 1, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
    return;
  }
  // Release: a reader that sees any of these also sees seq odd (or later).
  e.version.store(version, std::memory_order_release);
  e.name.store(name, std::memory_order_release);
  e.value.store(value, std::memory_order_release);
  e.seq.store(s + 2, std::memory_order_release);
  ++t_stats.fills;
}

// Empties every entry (version 0 matches no type). Under the type lock, so
// no other thread fills meanwhile except through the per-entry try-lock,
// which this waits out.
void ClearCacheLocked() {
  for (CacheEntry& e : g_cache) {
    uint32_t s = e.seq.load(std::memory_order_relaxed);
    for (;;) {
      if ((s & 1) == 0 && e.seq.compare_exchange_weak(s, s + 1, std::memory_order_acquire,
                                                       std::memory_order_relaxed)) {
        break;
      }
      s = e.seq.load(std::memory_order_relaxed);
    }
    e.version.store(0, std::memory_order_release);
    e.seq.store(s + 2, std::memory_order_release);
  }
}

// The value of `name` in the MRO dicts, a new reference or null.
Ref<> FindInMro(PyTypeObject* type, PyObject* name) {
  PyObject* mro = std::atomic_ref<PyObject*>(type->tp_mro).load(std::memory_order_acquire);
  auto look = [&](PyTypeObject* t) -> Ref<> {
    PyObject* dict = t->tp_dict;
    if (dict == nullptr) return nullptr;
    absl::StatusOr<Ref<>> r = DictGetItemRefOrNull(dict, name);
    if (!r.ok()) return nullptr;  // cannot happen for str keys but OOM
    return *std::move(r);
  };
  if (mro != nullptr) {
    for (PyObject* c : TupleItems(mro)) {
      if (Ref<> v = look(reinterpret_cast<PyTypeObject*>(c))) return v;
    }
    return nullptr;
  }
  for (PyTypeObject* t = type; t != nullptr; t = t->tp_base) {
    if (Ref<> v = look(t)) return v;
  }
  return nullptr;
}

FTRT_NOINLINE TypeLookupResult LookupSlow(PyTypeObject* type, PyObject* name, bool cacheable) {
  ++t_stats.misses;
  uint32_t v = TagRef(type).load(std::memory_order_acquire);
  if (v == 0 && cacheable) {
    LockTypes();
    v = AssignVersionTagLocked(type);
    UnlockTypes();
  }
  Ref<> found = FindInMro(type, name);
  // Fill only if no writer came in since we read the tag: a writer zeroes
  // it before touching any dict (type_cache.h, INVARIANTS).
  if (cacheable && v != 0 && TagRef(type).load(std::memory_order_seq_cst) == v) {
    Fill(v, name, found.get());
  }
  if (!found) return {nullptr, false};
  return {found.Release(), true};
}

}  // namespace

TypeLookupResult TypeLookupFast(PyTypeObject* type, PyObject* name) {
  PyObject* key = IsInterned(name) ? name : FindInterned(name);
  if (FTRT_LIKELY(key != nullptr)) {
    const uint32_t v = TagRef(type).load(std::memory_order_acquire);
    if (FTRT_LIKELY(v != 0)) {
      CacheEntry& e = EntryFor(v, key);
      const uint32_t s1 = e.seq.load(std::memory_order_acquire);
      if (FTRT_LIKELY((s1 & 1) == 0)) {
        const uint32_t ev = e.version.load(std::memory_order_acquire);
        PyObject* en = e.name.load(std::memory_order_acquire);
        PyObject* val = e.value.load(std::memory_order_acquire);
        if (FTRT_LIKELY(e.seq.load(std::memory_order_relaxed) == s1 && ev == v && en == key)) {
          if (val == nullptr) {
            ++t_stats.hits;
            return {nullptr, false};
          }
          if (IsImmortal(val) || HasDeferredRefcount(val)) {
            ++t_stats.hits;
            return {val, false};
          }
          // An ordinary object: it may have been removed and freed since
          // we read the tag. Take a reference, then re-check the tag.
          if (TryIncref(val)) {
            if (TagRef(type).load(std::memory_order_seq_cst) == v) {
              ++t_stats.hits;
              return {val, true};
            }
            Decref(val);
          }
        }
      }
    }
  }
  return LookupSlow(type, key != nullptr ? key : name, key != nullptr);
}

uint32_t AssignVersionTagLocked(PyTypeObject* type) {
  uint32_t v = TagRef(type).load(std::memory_order_relaxed);
  if (v != 0) return v;
  // Every class this one inherits from gets a tag first (INVARIANTS (1)).
  if (type->tp_bases != nullptr) {
    for (PyObject* b : TupleItems(type->tp_bases)) {
      if (AssignVersionTagLocked(reinterpret_cast<PyTypeObject*>(b)) == 0) return 0;
    }
  } else if (type->tp_base != nullptr) {
    if (AssignVersionTagLocked(type->tp_base) == 0) return 0;
  }
  v = g_next_version.load(std::memory_order_relaxed);
  if (v > kMaxVersion) return 0;
  g_next_version.store(v + 1, std::memory_order_relaxed);  // under the type lock
  TagRef(type).store(v, std::memory_order_release);
  return v;
}

void InvalidateVersionTagsLocked(PyTypeObject* type) {
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
    // A static type does not know its heap subclasses (typeobject.cc,
    // AddSubclass): no cached result may survive, whatever its tag.
    // (Static types change only by hand, followed by PyType_Modified.)
    ClearCacheLocked();
  }
  // A type with no tag has no subclass with one (INVARIANTS (1)).
  if (TagRef(type).load(std::memory_order_relaxed) == 0) return;
  TagRef(type).store(0, std::memory_order_seq_cst);
  if (TypeExtra* x = ExtraOf(type)) {
    for (PyTypeObject* sub : x->subclasses) InvalidateVersionTagsLocked(sub);
  }
}

TypeCacheStats TypeCacheStatsForThread() { return t_stats; }

}  // namespace internal

Ref<> TypeLookup(PyTypeObject* type, PyObject* name) {
  internal::TypeLookupResult r = internal::TypeLookupFast(type, name);
  if (r.value == nullptr) return nullptr;
  if (r.counted) return Ref<>::Steal(r.value);
  return Ref<>::NewRef(r.value);
}

}  // namespace ftrt
