// dict (see dict.h for the table and the concurrency design).
#include "object/dict.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_format.h"
#include "object/builtin_internal.h"
#include "object/compare.h"
#include "object/container_util.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/str.h"
#include "sync/critical_section.h"

// The key table. One malloc'ed block:
//   this header | index: 2^log2_size slots of 2^log2_index_bytes bytes |
//   entries: `usable` DictEntry, in insertion order
// Index slots hold kEmpty, kDummy or an entry number. Written only under the
// owning dict's section while the table is current; frozen once replaced,
// then freed after a QSBR grace period.
struct _dictkeysobject {
  // Unique for the process lifetime (0: the shared empty table); set before
  // the table is published, never changed. A freed table's address can come
  // back as a new table, but its generation cannot (dict.h, CODE WE DO NOT
  // CONTROL): a table is identified by (address, generation).
  uint64_t generation;
  uint8_t log2_size;
  uint8_t log2_index_bytes;
  bool is_static;       // the shared empty table: never written or freed
  Py_ssize_t usable;    // entry capacity (2/3 of the index size)
  Py_ssize_t nentries;  // entries used, deleted ones included (writers only)
  // popitem's hint (writers only): every entry in [popped_lo, popped_hi) is
  // deleted, so its backward scan for the last live entry skips them (a
  // deleted entry never comes back within one table). Empty when equal.
  Py_ssize_t popped_lo;
  Py_ssize_t popped_hi;
};

namespace ftrt {
namespace {

using internal::DeferredDrops;
using internal::KeyHash;
using internal::MissingKey;
using internal::ObjectMutex;
using internal::SimpleKeysEqual;
using Keys = PyDictKeysObject;

struct DictEntry {
  Py_hash_t hash;   // immutable once the entry is published
  PyObject* key;    // null once deleted (atomic)
  PyObject* value;  // null once deleted (atomic)
};

constexpr Py_ssize_t kEmpty = -1;
constexpr Py_ssize_t kDummy = -2;
constexpr uint8_t kLog2MinSize = 3;

// --- the table ---

char* IndexBase(Keys* k) { return reinterpret_cast<char*>(k + 1); }

size_t IndexBytes(uint8_t log2_size, uint8_t log2_index_bytes) {
  return size_t{1} << (log2_size + log2_index_bytes);
}

DictEntry* Entries(Keys* k) {
  return reinterpret_cast<DictEntry*>(IndexBase(k) + IndexBytes(k->log2_size, k->log2_index_bytes));
}

size_t TableBytes(uint8_t log2_size, uint8_t log2_index_bytes, Py_ssize_t usable) {
  return sizeof(Keys) + IndexBytes(log2_size, log2_index_bytes) +
         static_cast<size_t>(usable) * sizeof(DictEntry);
}

size_t TableBytes(Keys* k) { return TableBytes(k->log2_size, k->log2_index_bytes, k->usable); }

Py_ssize_t UsableFor(uint8_t log2_size) { return (Py_ssize_t{2} << log2_size) / 3; }

template <typename T>
std::atomic_ref<T> SlotAt(Keys* k, size_t i) {
  return std::atomic_ref<T>(reinterpret_cast<T*>(IndexBase(k))[i]);
}

Py_ssize_t LoadIndex(Keys* k, size_t i, std::memory_order order) {
  switch (k->log2_index_bytes) {
    case 0:
      return SlotAt<int8_t>(k, i).load(order);
    case 1:
      return SlotAt<int16_t>(k, i).load(order);
    case 2:
      return SlotAt<int32_t>(k, i).load(order);
    default:
      return SlotAt<int64_t>(k, i).load(order);
  }
}

void StoreIndex(Keys* k, size_t i, Py_ssize_t ix) {
  // Release: the entry an index slot points to was filled before.
  constexpr auto kOrder = std::memory_order_release;
  switch (k->log2_index_bytes) {
    case 0:
      SlotAt<int8_t>(k, i).store(static_cast<int8_t>(ix), kOrder);
      break;
    case 1:
      SlotAt<int16_t>(k, i).store(static_cast<int16_t>(ix), kOrder);
      break;
    case 2:
      SlotAt<int32_t>(k, i).store(static_cast<int32_t>(ix), kOrder);
      break;
    default:
      SlotAt<int64_t>(k, i).store(static_cast<int64_t>(ix), kOrder);
      break;
  }
}

std::atomic_ref<PyObject*> KeyRef(DictEntry* e) { return std::atomic_ref<PyObject*>(e->key); }
std::atomic_ref<PyObject*> ValueRef(DictEntry* e) { return std::atomic_ref<PyObject*>(e->value); }

// The probe sequence (CPython's perturbed open addressing: every slot is
// visited eventually, and the high bits of the hash take part).
struct Probe {
  size_t mask, i, perturb;
  Probe(Keys* k, Py_hash_t hash)
      : mask((size_t{1} << k->log2_size) - 1),
        i(static_cast<size_t>(hash) & mask),
        perturb(static_cast<size_t>(hash)) {}
  void Next() {
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & mask;
  }
};

// The next table's generation. Relaxed: only uniqueness matters; the value
// reaches readers with the table (its publication is a release store).
constinit std::atomic<uint64_t> g_next_generation{1};

// A new table with 2^log2_size index slots, all empty; null if out of memory.
Keys* NewKeys(uint8_t log2_size) {
  const uint8_t lib = log2_size <= 7 ? 0 : (log2_size <= 15 ? 1 : (log2_size <= 31 ? 2 : 3));
  const Py_ssize_t usable = UsableFor(log2_size);
  auto* k = static_cast<Keys*>(std::malloc(TableBytes(log2_size, lib, usable)));
  if (k == nullptr) return nullptr;
  k->generation = g_next_generation.fetch_add(1, std::memory_order_relaxed);
  k->log2_size = log2_size;
  k->log2_index_bytes = lib;
  k->is_static = false;
  k->usable = usable;
  k->nentries = 0;
  k->popped_lo = 0;
  k->popped_hi = 0;
  std::memset(IndexBase(k), 0xFF, IndexBytes(log2_size, lib));  // kEmpty at any width
  return k;
}

// The shared empty table of every new dict: 8 empty slots, no entries, so
// the first insertion resizes.
struct EmptyKeysStorage {
  Keys header;
  int8_t index[8];
};
constinit EmptyKeysStorage g_empty_keys = {
    .header = {.generation = 0,
               .log2_size = kLog2MinSize,
               .log2_index_bytes = 0,
               .is_static = true,
               .usable = 0,
               .nentries = 0,
               .popped_lo = 0,
               .popped_hi = 0},
    .index = {-1, -1, -1, -1, -1, -1, -1, -1},
};
Keys* EmptyKeys() { return &g_empty_keys.header; }

// --- the dict's fields ---

DictObject* AsDict(PyObject* op) { return reinterpret_cast<DictObject*>(op); }
std::atomic_ref<Keys*> KeysRef(PyObject* dict) {
  return std::atomic_ref<Keys*>(AsDict(dict)->ma_keys);
}
std::atomic_ref<Py_ssize_t> UsedRef(PyObject* dict) {
  return std::atomic_ref<Py_ssize_t>(AsDict(dict)->ma_used);
}

// Whether the dict's table is still `keys`, the table of generation
// `generation` that the caller loaded earlier. After code that may have
// let the table be replaced and freed (a comparison that suspended the
// section or passed a quiescent state), the pointer alone cannot tell: a
// new table may have been allocated at the same address. The generation is
// read only when the pointer matches, that is when `keys` is the dict's
// current table (live memory); the load of ma_keys orders that read after
// the table's initialisation (acquire for lock-free readers; under the
// section, the section does).
bool IsCurrentTable(PyObject* dict, Keys* keys, uint64_t generation, std::memory_order order) {
  return KeysRef(dict).load(order) == keys && keys->generation == generation;
}

constinit thread_local uint64_t t_lookup_fallbacks = 0;

// --- errors ---

absl::Status NotADict(const PyObject* op) {
  return Errorf(ErrorKind::kTypeError, "expected a dict, got '%s'", op->ob_type->tp_name);
}


// --- lock-free lookup (dict.h, READERS) ---

enum class FastResult { kHit, kMiss, kFallback, kError };

// Compares a stored key `ekey` of entry `e` (in table `keys` of generation
// `generation`) with `key`, without the section. kHit: equal; kMiss: not
// equal.
FastResult KeysEqualLockFree(PyObject* dict, Keys* keys, uint64_t generation, DictEntry* e,
                             PyObject* ekey, PyObject* key, absl::Status* error) {
  // A reference first: the stored key may be deleted and freed meanwhile.
  if (!TryIncref(ekey)) return FastResult::kFallback;
  if (KeyRef(e).load(std::memory_order_acquire) != ekey) {
    Decref(ekey);
    return FastResult::kFallback;
  }
  if (std::optional<bool> eq = SimpleKeysEqual(ekey, key); eq.has_value()) {
    Decref(ekey);
    return *eq ? FastResult::kHit : FastResult::kMiss;
  }
  // __eq__ may run any code (no lock is held here).
  absl::StatusOr<bool> eq = RichCompareBool(ekey, key, Py_EQ);
  Decref(ekey);
  if (!eq.ok()) {
    *error = eq.status();
    return FastResult::kError;
  }
  // __eq__ (or the Decref above, through a destructor) may have passed a
  // quiescent state: `keys` may then have been replaced, freed and its
  // address reused by a new table of this dict, whose entry `e` can even
  // hold ekey again. The caller continues this probe on a kMiss, so the
  // table must be the very one probed so far (its generation), or a key
  // sitting in a slot already passed in the new table would be missed.
  if (!IsCurrentTable(dict, keys, generation, std::memory_order_acquire) ||
      KeyRef(e).load(std::memory_order_acquire) != ekey) {
    return FastResult::kFallback;  // the dict changed under the comparison
  }
  return *eq ? FastResult::kHit : FastResult::kMiss;
}

FastResult LookupLockFree(PyObject* dict, PyObject* key, Py_hash_t hash, PyObject** value,
                          absl::Status* error) {
  Keys* keys = KeysRef(dict).load(std::memory_order_acquire);
  const uint64_t generation = keys->generation;
  DictEntry* entries = Entries(keys);
  for (Probe p(keys, hash);; p.Next()) {
    const Py_ssize_t ix = LoadIndex(keys, p.i, std::memory_order_acquire);
    if (ix == kEmpty) return FastResult::kMiss;
    if (ix < 0) continue;  // kDummy
    DictEntry* e = &entries[ix];
    PyObject* ekey = KeyRef(e).load(std::memory_order_acquire);
    if (ekey != key) {
      if (ekey == nullptr || e->hash != hash) continue;
      const FastResult eq = KeysEqualLockFree(dict, keys, generation, e, ekey, key, error);
      if (eq == FastResult::kMiss) continue;
      if (eq != FastResult::kHit) return eq;
    }
    // Found: take the value, then re-check that the entry still holds it
    // and the table is still the dict's. The pointer alone suffices here:
    // since `keys` was loaded, or last re-checked with its generation after
    // a comparison, this thread has run no code that can pass a quiescent
    // state (TryIncref and the exact str / int comparisons run none), so
    // `keys` has not been freed and no other table can have its address.
    PyObject* v = ValueRef(e).load(std::memory_order_acquire);
    if (v == nullptr || !TryIncref(v)) return FastResult::kFallback;
    if (ValueRef(e).load(std::memory_order_acquire) != v ||
        KeysRef(dict).load(std::memory_order_acquire) != keys) {
      Decref(v);
      return FastResult::kFallback;
    }
    *value = v;
    return FastResult::kHit;
  }
}

// --- under the section ---

enum class LockedResult { kFound, kMissing, kChanged, kError };

struct Found {
  DictEntry* entry = nullptr;
  size_t slot = 0;  // the index slot (found) or where to insert (missing)
};

// Probes the current table. May run __eq__ (which may suspend the section
// and let other threads mutate the dict): kChanged means "start over". The
// dict counts as changed for this lookup if, across a comparison, its table
// was replaced, the compared entry lost its key, or an entry was added
// (nentries grew: an equal key may now sit in a slot already passed, and
// the free slot remembered for an insertion may be taken). Deleting other
// entries or overwriting values changes neither membership nor free slots.
// "Replaced" compares the generation too: while the section is suspended,
// or while __eq__ passes a quiescent state on this thread, the table can be
// freed and a new one allocated at its address, with the same size, as
// many entries and the compared key in the compared entry, yet other keys
// in the slots this probe passed (and in the free slot it remembered).
// Temporary references go to `drops`.
LockedResult LookupLocked(PyObject* dict, Mutex& mu, PyObject* key, Py_hash_t hash,
                          DeferredDrops& drops, Found* found, absl::Status* error)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  Keys* keys = KeysRef(dict).load(std::memory_order_relaxed);
  const uint64_t generation = keys->generation;
  DictEntry* entries = Entries(keys);
  bool have_free = false;
  for (Probe p(keys, hash);; p.Next()) {
    const Py_ssize_t ix = LoadIndex(keys, p.i, std::memory_order_relaxed);
    if (ix < 0) {
      // The first DUMMY (or the EMPTY that ends the probe) is where an
      // insertion goes.
      if (!have_free) {
        have_free = true;
        found->slot = p.i;
      }
      if (ix == kEmpty) return LockedResult::kMissing;
      continue;
    }
    DictEntry* e = &entries[ix];
    PyObject* ekey = KeyRef(e).load(std::memory_order_relaxed);
    bool equal = ekey == key;
    if (!equal && ekey != nullptr && e->hash == hash) {
      if (std::optional<bool> eq = SimpleKeysEqual(ekey, key); eq.has_value()) {
        equal = *eq;
      } else {
        Incref(ekey);  // the table holds it and we hold the section
        drops.Drop(ekey);
        const Py_ssize_t nentries = keys->nentries;
        absl::StatusOr<bool> r = RichCompareBool(ekey, key, Py_EQ);
        if (!r.ok()) {
          *error = r.status();
          return LockedResult::kError;
        }
        // The table first: `e` and nentries are read only from the
        // current table (the old one may have been freed).
        if (!IsCurrentTable(dict, keys, generation, std::memory_order_relaxed) ||
            KeyRef(e).load(std::memory_order_relaxed) != ekey || keys->nentries != nentries) {
          return LockedResult::kChanged;
        }
        equal = *r;
      }
    }
    if (equal) {
      found->entry = e;
      found->slot = p.i;
      return LockedResult::kFound;
    }
  }
}

// An empty slot for `hash` in a table being built or known not to hold the
// key.
size_t FindFreeSlot(Keys* keys, Py_hash_t hash) {
  for (Probe p(keys, hash);; p.Next()) {
    if (LoadIndex(keys, p.i, std::memory_order_relaxed) < 0) return p.i;
  }
}

// Rebuilds the table with room for 3x the live items (at least one more),
// compacting away deleted entries; the old table goes to QSBR. False (the
// dict unchanged) if out of memory.
bool ResizeLocked(PyObject* dict, Mutex& mu, DeferredDrops& drops)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  Keys* old = KeysRef(dict).load(std::memory_order_relaxed);
  const Py_ssize_t used = UsedRef(dict).load(std::memory_order_relaxed);
  uint8_t log2 = kLog2MinSize;
  while ((Py_ssize_t{1} << log2) < used * 3 || UsableFor(log2) <= used) ++log2;
  Keys* fresh = NewKeys(log2);
  if (fresh == nullptr) return false;
  DictEntry* from = Entries(old);
  DictEntry* to = Entries(fresh);
  Py_ssize_t n = 0;
  for (Py_ssize_t i = 0; i < old->nentries; ++i) {
    PyObject* k = KeyRef(&from[i]).load(std::memory_order_relaxed);
    if (k == nullptr) continue;
    // The new table is private until published: plain stores.
    to[n] = DictEntry{from[i].hash, k, ValueRef(&from[i]).load(std::memory_order_relaxed)};
    StoreIndex(fresh, FindFreeSlot(fresh, from[i].hash), n);
    ++n;
  }
  fresh->nentries = n;
  KeysRef(dict).store(fresh, std::memory_order_release);
  if (!old->is_static) drops.FreeBlock(old, TableBytes(old));
  return true;
}

// Appends a new entry (the key is known to be absent; `slot` is free).
// Takes over the references to key and value.
void InsertNewLocked(PyObject* dict, Mutex& mu, size_t slot, Py_hash_t hash, PyObject* key,
                     PyObject* value) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  Keys* keys = KeysRef(dict).load(std::memory_order_relaxed);
  const Py_ssize_t n = keys->nentries;
  DictEntry* e = &Entries(keys)[n];
  e->hash = hash;
  KeyRef(e).store(key, std::memory_order_relaxed);
  ValueRef(e).store(value, std::memory_order_relaxed);
  StoreIndex(keys, slot, n);  // publishes the entry (release)
  keys->nentries = n + 1;
  UsedRef(dict).store(UsedRef(dict).load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// Inserts key -> value if the key is absent (or, with `overwrite`,
// replaces the value). Takes over the references to key and value (they go
// to `drops` if not stored). On return *stored is the value now under key
// (borrowed; valid while the section is held).
absl::Status InsertLocked(PyObject* dict, Mutex& mu, PyObject* key, Py_hash_t hash, PyObject* value,
                          bool overwrite, DeferredDrops& drops, PyObject** stored)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  for (;;) {
    Found f;
    absl::Status error;
    switch (LookupLocked(dict, mu, key, hash, drops, &f, &error)) {
      case LockedResult::kChanged:
        continue;
      case LockedResult::kError:
        drops.Drop(key);
        drops.Drop(value);
        return error;
      case LockedResult::kFound: {
        drops.Drop(key);  // the stored key stays
        if (overwrite) {
          drops.Drop(ValueRef(f.entry).load(std::memory_order_relaxed));
          ValueRef(f.entry).store(value, std::memory_order_release);
        } else {
          drops.Drop(value);
        }
        if (stored != nullptr) *stored = ValueRef(f.entry).load(std::memory_order_relaxed);
        return absl::OkStatus();
      }
      case LockedResult::kMissing: {
        Keys* keys = KeysRef(dict).load(std::memory_order_relaxed);
        size_t slot = f.slot;
        if (keys->nentries >= keys->usable) {
          if (!ResizeLocked(dict, mu, drops)) {
            drops.Drop(key);
            drops.Drop(value);
            return NoMemoryError();
          }
          slot = FindFreeSlot(KeysRef(dict).load(std::memory_order_relaxed), hash);
        }
        FTRT_DCHECK(LoadIndex(KeysRef(dict).load(std::memory_order_relaxed), slot,
                              std::memory_order_relaxed) < 0,
                    "dict insertion slot %zu is taken", slot);
        InsertNewLocked(dict, mu, slot, hash, key, value);
        if (stored != nullptr) *stored = value;
        return absl::OkStatus();
      }
    }
  }
}

// Removes key; its value is returned in *value (a reference the caller now
// owns) or dropped when value is null. KeyError if absent, unless `missing`
// is given: then an absent key sets *missing and is no error.
absl::Status RemoveLocked(PyObject* dict, Mutex& mu, PyObject* key, Py_hash_t hash,
                          DeferredDrops& drops, PyObject** value, bool* missing = nullptr)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  for (;;) {
    Found f;
    absl::Status error;
    switch (LookupLocked(dict, mu, key, hash, drops, &f, &error)) {
      case LockedResult::kChanged:
        continue;
      case LockedResult::kError:
        return error;
      case LockedResult::kMissing:
        if (missing != nullptr) {
          *missing = true;
          return absl::OkStatus();
        }
        return MissingKey(key);
      case LockedResult::kFound: {
        Keys* keys = KeysRef(dict).load(std::memory_order_relaxed);
        StoreIndex(keys, f.slot, kDummy);
        PyObject* old_value = ValueRef(f.entry).load(std::memory_order_relaxed);
        drops.Drop(KeyRef(f.entry).load(std::memory_order_relaxed));
        ValueRef(f.entry).store(nullptr, std::memory_order_release);
        KeyRef(f.entry).store(nullptr, std::memory_order_release);
        UsedRef(dict).store(UsedRef(dict).load(std::memory_order_relaxed) - 1,
                            std::memory_order_relaxed);
        if (value != nullptr) {
          *value = old_value;
        } else {
          drops.Drop(old_value);
        }
        return absl::OkStatus();
      }
    }
  }
}

// The locked fallback of a lookup. *value null: absent.
FTRT_COLD absl::Status LookupSlow(PyObject* dict, PyObject* key, Py_hash_t hash, PyObject** value) {
  ++t_lookup_fallbacks;
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(dict);
  CriticalSection cs(mu);
  for (;;) {
    Found f;
    absl::Status error;
    switch (LookupLocked(dict, mu, key, hash, drops, &f, &error)) {
      case LockedResult::kChanged:
        continue;
      case LockedResult::kError:
        return error;
      case LockedResult::kMissing:
        *value = nullptr;
        return absl::OkStatus();
      case LockedResult::kFound: {
        PyObject* v = ValueRef(f.entry).load(std::memory_order_relaxed);
        Incref(v);  // held by the table, under the section
        // Let later lock-free reads of this value and key succeed.
        internal::MarkShared(v);
        internal::MarkShared(KeyRef(f.entry).load(std::memory_order_relaxed));
        *value = v;
        return absl::OkStatus();
      }
    }
  }
}

// Shared by the getters: the value (new reference) or null if absent.
absl::StatusOr<Ref<>> Lookup(PyObject* dict, PyObject* key) {
  if (!IsDict(dict)) return NotADict(dict);
  absl::StatusOr<Py_hash_t> hash = KeyHash(key);
  if (!hash.ok()) return hash.status();
  PyObject* value = nullptr;
  absl::Status error;
  switch (LookupLockFree(dict, key, *hash, &value, &error)) {
    case FastResult::kHit:
      return Ref<>::Steal(value);
    case FastResult::kMiss:
      return Ref<>();
    case FastResult::kError:
      return error;
    case FastResult::kFallback:
      break;
  }
  if (absl::Status s = LookupSlow(dict, key, *hash, &value); !s.ok()) return s;
  return Ref<>::Steal(value);
}

// --- slots ---

void DictDealloc(PyObject* op) {
  UntrackObject(op);
  // No other reference exists, so no reader is probing the table: free it
  // at once. Dropping keys and values may run any code.
  Keys* keys = AsDict(op)->ma_keys;
  AsDict(op)->ma_keys = EmptyKeys();
  AsDict(op)->ma_used = 0;
  DictEntry* entries = Entries(keys);
  for (Py_ssize_t i = 0; i < keys->nentries; ++i) {
    if (entries[i].key != nullptr) {
      Decref(entries[i].key);
      Decref(entries[i].value);
    }
  }
  if (!keys->is_static) std::free(keys);
  FreeInstance(op, &PyDict_Type);
}

int DictTraverse(PyObject* op, visitproc visit, void* arg) {
  // The world is stopped: plain reads.
  Keys* keys = AsDict(op)->ma_keys;
  DictEntry* entries = Entries(keys);
  for (Py_ssize_t i = 0; i < keys->nentries; ++i) {
    if (entries[i].key == nullptr) continue;
    if (int r = visit(entries[i].key, arg); r != 0) return r;
    if (int r = visit(entries[i].value, arg); r != 0) return r;
  }
  return 0;
}

int DictClearSlot(PyObject* op) {
  (void)DictClear(op);
  return 0;
}

Py_ssize_t DictLengthSlot(PyObject* op) { return DictSize(op); }

PyObject* DictRichCompareSlot(PyObject* a, PyObject* b, int op) {
  if (!IsDict(a) || !IsDict(b) || (op != Py_EQ && op != Py_NE)) return NotImplemented();
  absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(a);
  if (!items.ok()) {
    SetErrorIndicator(items.status());
    return nullptr;
  }
  bool equal = static_cast<Py_ssize_t>(items->size()) == DictSize(b);
  for (size_t i = 0; equal && i < items->size(); ++i) {
    absl::StatusOr<Ref<>> other = DictGetItemRefOrNull(b, (*items)[i].first.get());
    if (!other.ok()) {
      SetErrorIndicator(other.status());
      return nullptr;
    }
    if (!*other) {
      equal = false;
      break;
    }
    absl::StatusOr<bool> eq = RichCompareBool((*items)[i].second.get(), other->get(), Py_EQ);
    if (!eq.ok()) {
      SetErrorIndicator(eq.status());
      return nullptr;
    }
    equal = *eq;
  }
  return internal::BoolResult(equal == (op == Py_EQ));
}

constinit PyMappingMethods g_dict_as_mapping = [] {
  PyMappingMethods m{};
  m.mp_length = DictLengthSlot;
  return m;
}();

}  // namespace

extern "C" {
constinit PyTypeObject PyDict_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = internal::StaticObjectHeader(nullptr);
  t.tp_name = "dict";
  t.tp_basicsize = sizeof(PyDictObject);
  t.tp_dealloc = DictDealloc;
  t.tp_as_mapping = &g_dict_as_mapping;
  t.tp_hash = PyObject_HashNotImplemented;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE |
               Py_TPFLAGS_DICT_SUBCLASS | Py_TPFLAGS_MAPPING;
  t.tp_doc = "dict() -> new empty dictionary";
  t.tp_traverse = DictTraverse;
  t.tp_clear = DictClearSlot;
  t.tp_richcompare = DictRichCompareSlot;
  return t;
}();
}  // extern "C"

namespace {
const bool g_types_ready = [] {
  InitStaticType(&PyDict_Type);
  return true;
}();
}  // namespace

PyTypeObject* DictType() { return (void)g_types_ready, &PyDict_Type; }

absl::StatusOr<Ref<>> DictNew() {
  (void)g_types_ready;
  Ref<DictObject> d = NewObject<DictObject>(&PyDict_Type);
  if (!d) return NoMemoryError();
  d->ma_keys = EmptyKeys();
  d->ma_used = 0;
  TrackObject(d.header());
  return Ref<>(std::move(d));
}

namespace internal {
void DictInitEmpty(PyObject* op) {
  AsDict(op)->ma_keys = EmptyKeys();
  AsDict(op)->ma_used = 0;
}
}  // namespace internal

Py_ssize_t DictSize(const PyObject* dict) {
  return UsedRef(const_cast<PyObject*>(dict)).load(std::memory_order_relaxed);
}

absl::StatusOr<Ref<>> DictGetItemRef(PyObject* dict, PyObject* key) {
  absl::StatusOr<Ref<>> v = Lookup(dict, key);
  if (v.ok() && !*v) return MissingKey(key);
  return v;
}

absl::StatusOr<Ref<>> DictGetItemRefOrNull(PyObject* dict, PyObject* key) {
  return Lookup(dict, key);
}

absl::StatusOr<bool> DictContains(PyObject* dict, PyObject* key) {
  absl::StatusOr<Ref<>> v = Lookup(dict, key);
  if (!v.ok()) return v.status();
  return *v != nullptr;
}

absl::Status DictSetItem(PyObject* dict, PyObject* key, PyObject* value) {
  if (!IsDict(dict)) return NotADict(dict);
  absl::StatusOr<Py_hash_t> hash = KeyHash(key);
  if (!hash.ok()) return hash.status();
  Incref(key);
  Incref(value);
  DeferredDrops drops;  // destroyed after the section
  Mutex& mu = ObjectMutex(dict);
  CriticalSection cs(mu);
  return InsertLocked(dict, mu, key, *hash, value, /*overwrite=*/true, drops, nullptr);
}

absl::Status DictDelItem(PyObject* dict, PyObject* key) {
  if (!IsDict(dict)) return NotADict(dict);
  absl::StatusOr<Py_hash_t> hash = KeyHash(key);
  if (!hash.ok()) return hash.status();
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(dict);
  CriticalSection cs(mu);
  return RemoveLocked(dict, mu, key, *hash, drops, nullptr);
}

absl::StatusOr<Ref<>> DictPop(PyObject* dict, PyObject* key) {
  if (!IsDict(dict)) return NotADict(dict);
  absl::StatusOr<Py_hash_t> hash = KeyHash(key);
  if (!hash.ok()) return hash.status();
  PyObject* value = nullptr;
  {
    DeferredDrops drops;
    Mutex& mu = ObjectMutex(dict);
    CriticalSection cs(mu);
    if (absl::Status s = RemoveLocked(dict, mu, key, *hash, drops, &value); !s.ok()) return s;
  }
  return Ref<>::Steal(value);
}

absl::StatusOr<Ref<>> DictPopOrNull(PyObject* dict, PyObject* key) {
  if (!IsDict(dict)) return NotADict(dict);
  absl::StatusOr<Py_hash_t> hash = KeyHash(key);
  if (!hash.ok()) return hash.status();
  PyObject* value = nullptr;
  bool missing = false;
  {
    DeferredDrops drops;
    Mutex& mu = ObjectMutex(dict);
    CriticalSection cs(mu);
    absl::Status s = RemoveLocked(dict, mu, key, *hash, drops, &value, &missing);
    if (!s.ok()) return s;
  }
  if (missing) return Ref<>();
  return Ref<>::Steal(value);
}

absl::StatusOr<std::pair<Ref<>, Ref<>>> DictPopItem(PyObject* dict) {
  if (!IsDict(dict)) return NotADict(dict);
  PyObject* key = nullptr;
  PyObject* value = nullptr;
  {
    Mutex& mu = ObjectMutex(dict);
    CriticalSection cs(mu);
    Keys* keys = KeysRef(dict).load(std::memory_order_relaxed);
    if (UsedRef(dict).load(std::memory_order_relaxed) == 0) {
      return MakeError(ErrorKind::kKeyError, "popitem(): dictionary is empty");
    }
    // The last live entry, scanning back past deleted ones (and over the
    // range the hint knows is deleted). No code runs: no comparisons.
    DictEntry* entries = Entries(keys);
    Py_ssize_t i = keys->nentries - 1;
    for (;; --i) {
      if (i == keys->popped_hi - 1) i = keys->popped_lo - 1;
      FTRT_DCHECK(i >= 0, "dict popitem found no live entry (ma_used %zd)",
                  UsedRef(dict).load(std::memory_order_relaxed));
      if (KeyRef(&entries[i]).load(std::memory_order_relaxed) != nullptr) break;
    }
    DictEntry* e = &entries[i];
    // Its index slot: the probe for its hash reaches it (entries are
    // published through exactly one slot).
    Probe p(keys, e->hash);
    while (LoadIndex(keys, p.i, std::memory_order_relaxed) != i) p.Next();
    StoreIndex(keys, p.i, kDummy);
    key = KeyRef(e).load(std::memory_order_relaxed);
    value = ValueRef(e).load(std::memory_order_relaxed);
    ValueRef(e).store(nullptr, std::memory_order_release);
    KeyRef(e).store(nullptr, std::memory_order_release);
    UsedRef(dict).store(UsedRef(dict).load(std::memory_order_relaxed) - 1,
                        std::memory_order_relaxed);
    // Everything from i to the end is deleted now.
    keys->popped_lo = i;
    keys->popped_hi = keys->nentries;
  }
  // The references move to the caller (nothing is dropped here).
  return std::make_pair(Ref<>::Steal(key), Ref<>::Steal(value));
}

absl::StatusOr<Ref<>> DictSetDefault(PyObject* dict, PyObject* key, PyObject* default_value) {
  if (!IsDict(dict)) return NotADict(dict);
  absl::StatusOr<Py_hash_t> hash = KeyHash(key);
  if (!hash.ok()) return hash.status();
  Incref(key);
  Incref(default_value);
  Ref<> result;
  {
    DeferredDrops drops;
    Mutex& mu = ObjectMutex(dict);
    CriticalSection cs(mu);
    PyObject* stored = nullptr;
    absl::Status s =
        InsertLocked(dict, mu, key, *hash, default_value, /*overwrite=*/false, drops, &stored);
    if (!s.ok()) return s;
    result = Ref<>::NewRef(stored);  // under the section: the table holds it
  }
  return result;
}

absl::Status DictClear(PyObject* dict) {
  if (!IsDict(dict)) return NotADict(dict);
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(dict);
  CriticalSection cs(mu);
  Keys* old = KeysRef(dict).load(std::memory_order_relaxed);
  if (old->is_static) return absl::OkStatus();
  KeysRef(dict).store(EmptyKeys(), std::memory_order_release);
  UsedRef(dict).store(0, std::memory_order_relaxed);
  // The detached table is frozen (stale readers re-check ma_keys); its
  // references are dropped, and it is freed, afterwards.
  DictEntry* entries = Entries(old);
  for (Py_ssize_t i = 0; i < old->nentries; ++i) {
    PyObject* k = KeyRef(&entries[i]).load(std::memory_order_relaxed);
    if (k == nullptr) continue;
    drops.Drop(k);
    drops.Drop(ValueRef(&entries[i]).load(std::memory_order_relaxed));
  }
  drops.FreeBlock(old, TableBytes(old));
  return absl::OkStatus();
}

absl::StatusOr<Ref<>> DictGetItemStringRef(PyObject* dict, absl::string_view key) {
  absl::StatusOr<Ref<>> k = StrFromUtf8(key);
  if (!k.ok()) return k.status();
  return DictGetItemRef(dict, k->get());
}

absl::Status DictSetItemString(PyObject* dict, absl::string_view key, PyObject* value) {
  absl::StatusOr<Ref<>> k = StrFromUtf8(key);
  if (!k.ok()) return k.status();
  return DictSetItem(dict, k->get(), value);
}

bool DictNext(PyObject* dict, Py_ssize_t* pos, Ref<>* key, Ref<>* value) {
  CriticalSection cs(ObjectMutex(dict));
  Keys* keys = KeysRef(dict).load(std::memory_order_relaxed);
  DictEntry* entries = Entries(keys);
  while (*pos >= 0 && *pos < keys->nentries) {
    DictEntry* e = &entries[(*pos)++];
    PyObject* k = KeyRef(e).load(std::memory_order_relaxed);
    if (k == nullptr) continue;
    // Increments cannot run code: fine under the section.
    *key = Ref<>::NewRef(k);
    *value = Ref<>::NewRef(ValueRef(e).load(std::memory_order_relaxed));
    return true;
  }
  return false;
}

absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> DictItems(PyObject* dict) {
  if (!IsDict(dict)) return NotADict(dict);
  std::vector<std::pair<PyObject*, PyObject*>> raw;
  {
    CriticalSection cs(ObjectMutex(dict));
    Keys* keys = KeysRef(dict).load(std::memory_order_relaxed);
    DictEntry* entries = Entries(keys);
    raw.reserve(static_cast<size_t>(UsedRef(dict).load(std::memory_order_relaxed)));
    for (Py_ssize_t i = 0; i < keys->nentries; ++i) {
      PyObject* k = KeyRef(&entries[i]).load(std::memory_order_relaxed);
      if (k == nullptr) continue;
      PyObject* v = ValueRef(&entries[i]).load(std::memory_order_relaxed);
      Incref(k);
      Incref(v);
      raw.emplace_back(k, v);
    }
  }
  std::vector<std::pair<Ref<>, Ref<>>> items;
  items.reserve(raw.size());
  for (auto& [k, v] : raw) items.emplace_back(Ref<>::Steal(k), Ref<>::Steal(v));
  return items;
}

namespace internal {
uint64_t DictLookupFallbacksForTesting() { return t_lookup_fallbacks; }
}  // namespace internal

}  // namespace ftrt
