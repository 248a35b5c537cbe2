// set and frozenset (see set.h for the table and the concurrency design).
#include "object/set.h"

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "object/builtin_internal.h"
#include "object/compare.h"
#include "object/container_util.h"
#include "object/dict.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/list.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "sync/critical_section.h"

namespace ftrt {
namespace {

using internal::DeferredDrops;
using internal::KeyHash;
using internal::MissingKey;
using internal::ObjectMutex;
using internal::SimpleKeysEqual;
using Table = ftrt_SetTable;

constexpr Py_ssize_t kMinSize = PySet_MINSIZE;

// --- the table ---

// The DUMMY key: a static object that is never a real key (its address is
// all that matters; nothing dereferences it).
constinit PyObject g_dummy = internal::StaticObjectHeader(nullptr);
PyObject* Dummy() { return &g_dummy; }

bool IsLive(const PyObject* k) { return k != nullptr && k != &g_dummy; }

// The shared empty table of every new (or cleared) set: never written or
// freed; the first insertion replaces it.
struct EmptyTableStorage {
  Py_ssize_t mask;
  uint64_t generation;
  setentry entries[kMinSize];
};
constinit EmptyTableStorage g_empty_table = {kMinSize - 1, 0, {}};
static_assert(offsetof(EmptyTableStorage, generation) == offsetof(Table, generation));
static_assert(offsetof(EmptyTableStorage, entries) == offsetof(Table, entries));

setentry* EmptyEntries() { return g_empty_table.entries; }

Table* TableOf(setentry* entries) {
  return reinterpret_cast<Table*>(reinterpret_cast<char*>(entries) - offsetof(Table, entries));
}
Py_ssize_t MaskOf(setentry* entries) { return TableOf(entries)->mask; }
uint64_t GenerationOf(setentry* entries) { return TableOf(entries)->generation; }

size_t TableBytes(Py_ssize_t mask) {
  return sizeof(Table) + static_cast<size_t>(mask + 1) * sizeof(setentry);
}

// The next table's generation. Relaxed: only uniqueness matters; the value
// reaches readers with the table (its publication is a release store).
constinit std::atomic<uint64_t> g_next_generation{1};

// A new table of `size` (a power of two) unused slots; null if out of memory.
setentry* NewTable(Py_ssize_t size) {
  auto* t = static_cast<Table*>(std::calloc(1, TableBytes(size - 1)));
  if (t == nullptr) return nullptr;
  t->mask = size - 1;
  t->generation = g_next_generation.fetch_add(1, std::memory_order_relaxed);
  return t->entries;
}

void FreeTableNow(setentry* entries) {
  if (entries != EmptyEntries()) std::free(TableOf(entries));
}

std::atomic_ref<PyObject*> KeyRef(setentry* e) { return std::atomic_ref<PyObject*>(e->key); }

// The probe sequence (as dict's: every slot is visited eventually, and the
// high bits of the hash take part).
struct Probe {
  size_t mask, i, perturb;
  Probe(Py_ssize_t table_mask, Py_hash_t hash)
      : mask(static_cast<size_t>(table_mask)),
        i(static_cast<size_t>(hash) & mask),
        perturb(static_cast<size_t>(hash)) {}
  void Next() {
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & mask;
  }
};

// --- the set's fields ---

SetObject* AsSet(PyObject* op) { return reinterpret_cast<SetObject*>(op); }
std::atomic_ref<setentry*> TableRef(PyObject* s) {
  return std::atomic_ref<setentry*>(AsSet(s)->table);
}
std::atomic_ref<Py_ssize_t> UsedRef(PyObject* s) {
  return std::atomic_ref<Py_ssize_t>(AsSet(s)->used);
}
std::atomic_ref<Py_hash_t> HashRef(PyObject* s) {
  return std::atomic_ref<Py_hash_t>(AsSet(s)->hash);
}

constinit thread_local uint64_t t_lookup_fallbacks = 0;

// --- errors ---

absl::Status NotASet(const PyObject* op) {
  return Errorf(ErrorKind::kTypeError, "expected a set, got '%s'", op->ob_type->tp_name);
}

absl::Status NotAnySet(const PyObject* op) {
  return Errorf(ErrorKind::kTypeError, "expected a set or frozenset, got '%s'",
                op->ob_type->tp_name);
}

// --- lock-free lookup (set.h, READERS) ---

enum class FastResult { kHit, kMiss, kFallback, kError };

FastResult ContainsLockFree(PyObject* set, PyObject* key, Py_hash_t hash, absl::Status* error) {
  setentry* table = TableRef(set).load(std::memory_order_acquire);
  for (Probe p(MaskOf(table), hash);; p.Next()) {
    setentry* e = &table[p.i];
    PyObject* k = KeyRef(e).load(std::memory_order_acquire);
    if (k == nullptr) return FastResult::kMiss;
    if (k == key) return FastResult::kHit;
    // A live slot's hash never changes (set.h): read after its key.
    if (k == Dummy() || e->hash != hash) continue;
    // A reference first: the stored key may be removed and freed meanwhile.
    if (!TryIncref(k)) return FastResult::kFallback;
    if (KeyRef(e).load(std::memory_order_acquire) != k) {
      Decref(k);
      return FastResult::kFallback;
    }
    if (std::optional<bool> eq = SimpleKeysEqual(k, key); eq.has_value()) {
      Decref(k);
      if (*eq) return FastResult::kHit;
      continue;
    }
    // __eq__ may run any code (no lock is held here), including pass a
    // quiescent state, after which `table` may have been freed: from here
    // on it is only compared, never read, unless it is still the set's.
    absl::StatusOr<bool> eq = RichCompareBool(k, key, Py_EQ);
    Decref(k);
    if (!eq.ok()) {
      *error = eq.status();
      return FastResult::kError;
    }
    // A hit stands if the slot still holds k in the set's current table (a
    // slot never holds a key again once it lost it). Any other outcome is
    // decided under the section: continuing this probe would trust that
    // `table` is the memory it was (an equal-hash unequal key is rare).
    // The hit needs no generation: should `table` have been freed and its
    // address reused by a new table of this set, a slot of the current
    // table holding k still shows that k (equal to key) was a member when
    // `table` was loaded just now, which is all a hit claims. Reading the
    // slot is safe: `table` is the current table when loaded, and no
    // quiescent state of this thread comes between that load and the read.
    if (*eq && TableRef(set).load(std::memory_order_acquire) == table &&
        KeyRef(e).load(std::memory_order_acquire) == k) {
      return FastResult::kHit;
    }
    return FastResult::kFallback;
  }
}

// --- under the section ---

enum class LockedResult { kFound, kMissing, kChanged, kError };

// Probes the current table; *slot is the key's slot (found) or the unused
// slot that ended the probe (missing). May run __eq__ (which may suspend
// the section and let other threads mutate the set): kChanged means "start
// over" (set.h, CODE WE DO NOT CONTROL). Temporary references go to `drops`.
LockedResult LookupLocked(PyObject* set, Mutex& mu, PyObject* key, Py_hash_t hash,
                          DeferredDrops& drops, size_t* slot, absl::Status* error)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  setentry* table = TableRef(set).load(std::memory_order_relaxed);
  const uint64_t generation = GenerationOf(table);
  for (Probe p(MaskOf(table), hash);; p.Next()) {
    setentry* e = &table[p.i];
    PyObject* k = KeyRef(e).load(std::memory_order_relaxed);
    *slot = p.i;
    if (k == nullptr) return LockedResult::kMissing;
    if (k == key) return LockedResult::kFound;
    if (k == Dummy() || e->hash != hash) continue;
    if (std::optional<bool> eq = SimpleKeysEqual(k, key); eq.has_value()) {
      if (*eq) return LockedResult::kFound;
      continue;
    }
    Incref(k);  // the table holds it and we hold the section
    drops.Drop(k);
    absl::StatusOr<bool> r = RichCompareBool(k, key, Py_EQ);
    if (!r.ok()) {
      *error = r.status();
      return LockedResult::kError;
    }
    // The table is identified by address and generation: the old table
    // may have been freed meanwhile (the section was suspended, or this
    // thread passed a quiescent state inside __eq__) and a new one, even
    // of the same size and with k in this slot, allocated at its address,
    // in which the slots this probe passed may hold other keys (an equal
    // one too). The generation, the mask and the slot are read only when
    // the address matches: then `now` is the current table, live memory.
    setentry* now = TableRef(set).load(std::memory_order_relaxed);
    if (now != table || GenerationOf(now) != generation ||
        MaskOf(now) != static_cast<Py_ssize_t>(p.mask) ||
        KeyRef(e).load(std::memory_order_relaxed) != k) {
      return LockedResult::kChanged;
    }
    if (*r) return LockedResult::kFound;
  }
}

// An unused slot for `hash` in a table known not to hold the key.
size_t FindFreeSlot(setentry* table, Py_hash_t hash) {
  for (Probe p(MaskOf(table), hash);; p.Next()) {
    if (KeyRef(&table[p.i]).load(std::memory_order_relaxed) == nullptr) return p.i;
  }
}

// Rebuilds the table with room for one more key: 4x the live keys (2x for
// big sets, as CPython sizes them), dummies dropped; the old table goes to
// QSBR. False (the set unchanged) if out of memory.
bool ResizeLocked(PyObject* set, Mutex& mu, DeferredDrops& drops)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  setentry* old = TableRef(set).load(std::memory_order_relaxed);
  const Py_ssize_t used = UsedRef(set).load(std::memory_order_relaxed);
  const Py_ssize_t want = (used + 1) * (used > 50000 ? 2 : 4);
  Py_ssize_t size = kMinSize;
  while (size < want) size <<= 1;
  setentry* fresh = NewTable(size);
  if (fresh == nullptr) return false;
  const Py_ssize_t old_mask = MaskOf(old);
  for (Py_ssize_t i = 0; i <= old_mask; ++i) {
    PyObject* k = KeyRef(&old[i]).load(std::memory_order_relaxed);
    if (!IsLive(k)) continue;
    // The new table is private until published: plain stores.
    setentry* to = &fresh[FindFreeSlot(fresh, old[i].hash)];
    to->hash = old[i].hash;
    to->key = k;
  }
  SetObject* so = AsSet(set);
  so->fill = used;
  so->mask = size - 1;
  so->finger = 0;
  TableRef(set).store(fresh, std::memory_order_release);
  if (old != EmptyEntries()) drops.FreeBlock(TableOf(old), TableBytes(old_mask));
  return true;
}

// Adds key if absent. Takes over the reference to key (it goes to `drops`
// if not stored). True if added.
absl::StatusOr<bool> InsertLocked(PyObject* set, Mutex& mu, PyObject* key, Py_hash_t hash,
                                  DeferredDrops& drops) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  for (;;) {
    size_t slot = 0;
    absl::Status error;
    switch (LookupLocked(set, mu, key, hash, drops, &slot, &error)) {
      case LockedResult::kChanged:
        continue;
      case LockedResult::kError:
        drops.Drop(key);
        return error;
      case LockedResult::kFound:
        drops.Drop(key);  // the stored key stays
        return false;
      case LockedResult::kMissing: {
        SetObject* so = AsSet(set);
        setentry* table = TableRef(set).load(std::memory_order_relaxed);
        if (table == EmptyEntries() || (so->fill + 1) * 5 > (MaskOf(table) + 1) * 3) {
          if (!ResizeLocked(set, mu, drops)) {
            drops.Drop(key);
            return NoMemoryError();
          }
          table = TableRef(set).load(std::memory_order_relaxed);
          slot = FindFreeSlot(table, hash);
        }
        setentry* e = &table[slot];
        FTRT_DCHECK(KeyRef(e).load(std::memory_order_relaxed) == nullptr,
                    "set insertion slot %zu is taken", slot);
        e->hash = hash;  // an unused slot: no reader reads its hash yet
        KeyRef(e).store(key, std::memory_order_release);  // publishes the slot
        ++so->fill;
        UsedRef(set).store(UsedRef(set).load(std::memory_order_relaxed) + 1,
                           std::memory_order_relaxed);
        return true;
      }
    }
  }
}

// Removes key if present (its reference goes to `drops`). True if removed.
absl::StatusOr<bool> RemoveLocked(PyObject* set, Mutex& mu, PyObject* key, Py_hash_t hash,
                                  DeferredDrops& drops) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  for (;;) {
    size_t slot = 0;
    absl::Status error;
    switch (LookupLocked(set, mu, key, hash, drops, &slot, &error)) {
      case LockedResult::kChanged:
        continue;
      case LockedResult::kError:
        return error;
      case LockedResult::kMissing:
        return false;
      case LockedResult::kFound: {
        setentry* e = &TableRef(set).load(std::memory_order_relaxed)[slot];
        drops.Drop(KeyRef(e).load(std::memory_order_relaxed));
        KeyRef(e).store(Dummy(), std::memory_order_release);
        UsedRef(set).store(UsedRef(set).load(std::memory_order_relaxed) - 1,
                           std::memory_order_relaxed);
        return true;
      }
    }
  }
}

// The locked fallback of a lookup.
FTRT_COLD absl::StatusOr<bool> ContainsSlow(PyObject* set, PyObject* key, Py_hash_t hash) {
  ++t_lookup_fallbacks;
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(set);
  CriticalSection cs(mu);
  for (;;) {
    size_t slot = 0;
    absl::Status error;
    switch (LookupLocked(set, mu, key, hash, drops, &slot, &error)) {
      case LockedResult::kChanged:
        continue;
      case LockedResult::kError:
        return error;
      case LockedResult::kMissing:
        return false;
      case LockedResult::kFound:
        // Let later lock-free reads of this key succeed.
        internal::MarkShared(
            KeyRef(&TableRef(set).load(std::memory_order_relaxed)[slot])
                .load(std::memory_order_relaxed));
        return true;
    }
  }
}

// Adds key to set (no check that it is a mutable set).
absl::StatusOr<bool> AddUnchecked(PyObject* set, PyObject* key) {
  absl::StatusOr<Py_hash_t> hash = KeyHash(key);
  if (!hash.ok()) return hash.status();
  Incref(key);
  DeferredDrops drops;  // destroyed after the section
  Mutex& mu = ObjectMutex(set);
  CriticalSection cs(mu);
  return InsertLocked(set, mu, key, *hash, drops);
}

// Adds every item of a list, tuple, set, frozenset or dict (its keys).
absl::Status UpdateUnchecked(PyObject* set, PyObject* items) {
  auto add_all = [&](auto&& keys) -> absl::Status {
    for (auto& k : keys) {
      if (absl::StatusOr<bool> r = AddUnchecked(set, k.get()); !r.ok()) return r.status();
    }
    return absl::OkStatus();
  };
  if (IsAnySet(items)) {
    absl::StatusOr<std::vector<Ref<>>> keys = SetItems(items);
    if (!keys.ok()) return keys.status();
    return add_all(*keys);
  }
  if (IsDict(items)) {
    absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> entries = DictItems(items);
    if (!entries.ok()) return entries.status();
    for (auto& [k, v] : *entries) {
      if (absl::StatusOr<bool> r = AddUnchecked(set, k.get()); !r.ok()) return r.status();
    }
    return absl::OkStatus();
  }
  Ref<> tuple;
  if (IsList(items)) {
    absl::StatusOr<Ref<>> t = ListAsTuple(items);  // a snapshot
    if (!t.ok()) return t.status();
    tuple = *std::move(t);
  } else if (IsTuple(items)) {
    tuple = Ref<>::NewRef(items);
  } else {
    return Errorf(ErrorKind::kTypeError, "'%s' object is not iterable", items->ob_type->tp_name);
  }
  for (Py_ssize_t i = 0; i < TupleSize(tuple.get()); ++i) {
    if (absl::StatusOr<bool> r = AddUnchecked(set, TupleItem(tuple.get(), i)); !r.ok()) {
      return r.status();
    }
  }
  return absl::OkStatus();
}

// Whether every key of a is in b.
absl::StatusOr<bool> IsSubset(PyObject* a, PyObject* b) {
  absl::StatusOr<std::vector<Ref<>>> keys = SetItems(a);
  if (!keys.ok()) return keys.status();
  for (Ref<>& k : *keys) {
    absl::StatusOr<bool> in = SetContains(b, k.get());
    if (!in.ok() || !*in) return in;
  }
  return true;
}

// CPython's frozenset hash: spreads each key's hash over the word before
// the xor (xor alone would cancel equal bits of nearby hashes), then mixes
// in the size and scrambles the result. Order-independent.
uint64_t ShuffleBits(uint64_t h) { return ((h ^ 89869747ull) ^ (h << 16)) * 3644798167ull; }

Py_hash_t FrozenSetHashOf(const std::vector<Py_hash_t>& hashes) {
  uint64_t h = 0;
  for (Py_hash_t k : hashes) h ^= ShuffleBits(static_cast<uint64_t>(k));
  h ^= (static_cast<uint64_t>(hashes.size()) + 1) * 1927868237ull;
  h ^= (h >> 11) ^ (h >> 25);
  h = h * 69069u + 907133923ull;
  const auto r = static_cast<Py_hash_t>(h);
  return r == -1 ? 590923713 : r;
}

// --- slots ---

void SetDealloc(PyObject* op) {
  UntrackObject(op);
  // No other reference exists, so no reader is probing the table: free it
  // at once. Dropping keys may run any code.
  setentry* table = AsSet(op)->table;
  AsSet(op)->table = EmptyEntries();
  AsSet(op)->used = 0;
  const Py_ssize_t mask = MaskOf(table);
  for (Py_ssize_t i = 0; i <= mask; ++i) {
    if (IsLive(table[i].key)) Decref(table[i].key);
  }
  FreeTableNow(table);
  // An instance of a C extension's subtype goes back through its tp_free.
  if (op->ob_type == &PySet_Type || op->ob_type == &PyFrozenSet_Type) {
    FreeObject(op);
  } else {
    op->ob_type->tp_free(op);
  }
}

int SetTraverse(PyObject* op, visitproc visit, void* arg) {
  // The world is stopped: plain reads.
  setentry* table = AsSet(op)->table;
  const Py_ssize_t mask = MaskOf(table);
  for (Py_ssize_t i = 0; i <= mask; ++i) {
    if (!IsLive(table[i].key)) continue;
    if (int r = visit(table[i].key, arg); r != 0) return r;
  }
  return 0;
}

// Empties a set or frozenset (tp_clear breaks cycles through either).
void ClearUnchecked(PyObject* set) {
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(set);
  CriticalSection cs(mu);
  setentry* old = TableRef(set).load(std::memory_order_relaxed);
  if (old == EmptyEntries()) return;
  SetObject* so = AsSet(set);
  TableRef(set).store(EmptyEntries(), std::memory_order_release);
  UsedRef(set).store(0, std::memory_order_relaxed);
  so->fill = 0;
  so->mask = kMinSize - 1;
  so->finger = 0;
  // The detached table is frozen (stale readers re-check `table`); its
  // references are dropped, and it is freed, afterwards.
  const Py_ssize_t mask = MaskOf(old);
  for (Py_ssize_t i = 0; i <= mask; ++i) {
    PyObject* k = KeyRef(&old[i]).load(std::memory_order_relaxed);
    if (IsLive(k)) drops.Drop(k);
  }
  drops.FreeBlock(TableOf(old), TableBytes(mask));
}

int SetClearSlot(PyObject* op) {
  ClearUnchecked(op);
  return 0;
}

Py_ssize_t SetLengthSlot(PyObject* op) { return SetSize(op); }

// `key in s`. As CPython's, an unhashable set key is looked up as the
// frozenset of its keys.
int SetContainsSlot(PyObject* op, PyObject* key) {
  absl::StatusOr<bool> r = SetContains(op, key);
  if (!r.ok() && IsError(r.status(), ErrorKind::kTypeError) && IsSet(key)) {
    absl::StatusOr<Ref<>> frozen = FrozenSetNew(key);
    if (!frozen.ok()) {
      SetErrorIndicator(frozen.status());
      return -1;
    }
    r = SetContains(op, frozen->get());
  }
  if (!r.ok()) {
    SetErrorIndicator(r.status());
    return -1;
  }
  return *r ? 1 : 0;
}

Py_hash_t FrozenSetHashSlot(PyObject* op) {
  absl::StatusOr<Py_hash_t> h = SetHash(op);
  if (!h.ok()) {
    SetErrorIndicator(h.status());
    return -1;
  }
  return *h;
}

PyObject* SetRichCompareSlot(PyObject* a, PyObject* b, int op) {
  if (!IsAnySet(a) || !IsAnySet(b)) return NotImplemented();
  absl::StatusOr<bool> r = SetCompare(a, b, op);
  if (!r.ok()) {
    SetErrorIndicator(r.status());
    return nullptr;
  }
  return internal::BoolResult(*r);
}

constinit PySequenceMethods g_set_as_sequence = [] {
  PySequenceMethods m{};
  m.sq_length = SetLengthSlot;
  m.sq_contains = SetContainsSlot;
  return m;
}();

constexpr PyTypeObject SetTypeInit(const char* name, hashfunc hash, const char* doc) {
  PyTypeObject t{};
  t.ob_base.ob_base = internal::StaticObjectHeader(nullptr);
  t.tp_name = name;
  t.tp_basicsize = sizeof(PySetObject);
  t.tp_dealloc = SetDealloc;
  t.tp_as_sequence = &g_set_as_sequence;
  t.tp_hash = hash;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE;
  t.tp_doc = doc;
  t.tp_traverse = SetTraverse;
  t.tp_clear = SetClearSlot;
  t.tp_richcompare = SetRichCompareSlot;
  t.tp_weaklistoffset = offsetof(PySetObject, weakreflist);
  return t;
}

}  // namespace

extern "C" {
constinit PyTypeObject PySet_Type =
    SetTypeInit("set", PyObject_HashNotImplemented,
                "set() -> new empty set object\nset(iterable) -> new set object");
constinit PyTypeObject PyFrozenSet_Type =
    SetTypeInit("frozenset", FrozenSetHashSlot,
                "frozenset() -> empty frozenset object\n"
                "frozenset(iterable) -> frozenset object");
}  // extern "C"

namespace {
const bool g_types_ready = [] {
  InitStaticType(&PySet_Type);
  InitStaticType(&PyFrozenSet_Type);
  return true;
}();

absl::StatusOr<Ref<>> NewAnySet(PyTypeObject* type, PyObject* iterable) {
  (void)g_types_ready;
  Ref<SetObject> s = NewObject<SetObject>(type);
  if (!s) return NoMemoryError();
  // The body is zeroed (smalltable, weakreflist, fill, used, finger).
  s->mask = kMinSize - 1;
  s->table = EmptyEntries();
  s->hash = -1;
  TrackObject(s.header());
  Ref<> set(std::move(s));
  if (iterable != nullptr) {
    if (absl::Status st = UpdateUnchecked(set.get(), iterable); !st.ok()) return st;
  }
  return set;
}
}  // namespace

PyTypeObject* SetType() { return (void)g_types_ready, &PySet_Type; }
PyTypeObject* FrozenSetType() { return (void)g_types_ready, &PyFrozenSet_Type; }

absl::StatusOr<Ref<>> SetNew(PyObject* iterable) { return NewAnySet(&PySet_Type, iterable); }

void internal::SetInitEmpty(PyObject* anyset) {
  SetObject* s = AsSet(anyset);
  s->mask = kMinSize - 1;
  s->table = EmptyEntries();
  s->hash = -1;
}

absl::StatusOr<Ref<>> FrozenSetNew(PyObject* iterable) {
  return NewAnySet(&PyFrozenSet_Type, iterable);
}

Py_ssize_t SetSize(const PyObject* anyset) {
  return UsedRef(const_cast<PyObject*>(anyset)).load(std::memory_order_relaxed);
}

absl::StatusOr<bool> SetContains(PyObject* anyset, PyObject* key) {
  if (!IsAnySet(anyset)) return NotAnySet(anyset);
  absl::StatusOr<Py_hash_t> hash = KeyHash(key);
  if (!hash.ok()) return hash.status();
  absl::Status error;
  switch (ContainsLockFree(anyset, key, *hash, &error)) {
    case FastResult::kHit:
      return true;
    case FastResult::kMiss:
      return false;
    case FastResult::kError:
      return error;
    case FastResult::kFallback:
      break;
  }
  return ContainsSlow(anyset, key, *hash);
}

absl::StatusOr<bool> SetAdd(PyObject* set, PyObject* key) {
  if (!IsSet(set)) return NotASet(set);
  return AddUnchecked(set, key);
}

absl::StatusOr<bool> SetDiscard(PyObject* set, PyObject* key) {
  if (!IsSet(set)) return NotASet(set);
  absl::StatusOr<Py_hash_t> hash = KeyHash(key);
  if (!hash.ok()) return hash.status();
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(set);
  CriticalSection cs(mu);
  return RemoveLocked(set, mu, key, *hash, drops);
}

absl::Status SetRemove(PyObject* set, PyObject* key) {
  absl::StatusOr<bool> r = SetDiscard(set, key);
  if (!r.ok()) return r.status();
  if (!*r) return MissingKey(key);
  return absl::OkStatus();
}

absl::StatusOr<Ref<>> SetPop(PyObject* set) {
  if (!IsSet(set)) return NotASet(set);
  PyObject* key = nullptr;
  {
    Mutex& mu = ObjectMutex(set);
    CriticalSection cs(mu);
    if (UsedRef(set).load(std::memory_order_relaxed) == 0) {
      return MakeError(ErrorKind::kKeyError, "pop from an empty set");
    }
    SetObject* so = AsSet(set);
    setentry* table = TableRef(set).load(std::memory_order_relaxed);
    const Py_ssize_t mask = MaskOf(table);
    Py_ssize_t i = so->finger & mask;
    while (!IsLive(KeyRef(&table[i]).load(std::memory_order_relaxed))) i = (i + 1) & mask;
    key = KeyRef(&table[i]).load(std::memory_order_relaxed);
    KeyRef(&table[i]).store(Dummy(), std::memory_order_release);
    UsedRef(set).store(UsedRef(set).load(std::memory_order_relaxed) - 1,
                       std::memory_order_relaxed);
    so->finger = (i + 1) & mask;
  }
  return Ref<>::Steal(key);  // the table's reference
}

absl::Status SetClear(PyObject* set) {
  if (!IsSet(set)) return NotASet(set);
  ClearUnchecked(set);
  return absl::OkStatus();
}

absl::Status SetUpdate(PyObject* set, PyObject* items) {
  if (!IsSet(set)) return NotASet(set);
  return UpdateUnchecked(set, items);
}

bool SetNext(PyObject* anyset, Py_ssize_t* pos, Ref<>* key) {
  CriticalSection cs(ObjectMutex(anyset));
  setentry* table = TableRef(anyset).load(std::memory_order_relaxed);
  const Py_ssize_t mask = MaskOf(table);
  while (*pos >= 0 && *pos <= mask) {
    PyObject* k = KeyRef(&table[(*pos)++]).load(std::memory_order_relaxed);
    if (!IsLive(k)) continue;
    *key = Ref<>::NewRef(k);  // an increment runs no code: fine under the section
    return true;
  }
  return false;
}

absl::StatusOr<std::vector<Ref<>>> SetItems(PyObject* anyset) {
  if (!IsAnySet(anyset)) return NotAnySet(anyset);
  std::vector<PyObject*> raw;
  {
    CriticalSection cs(ObjectMutex(anyset));
    setentry* table = TableRef(anyset).load(std::memory_order_relaxed);
    const Py_ssize_t mask = MaskOf(table);
    raw.reserve(static_cast<size_t>(UsedRef(anyset).load(std::memory_order_relaxed)));
    for (Py_ssize_t i = 0; i <= mask; ++i) {
      PyObject* k = KeyRef(&table[i]).load(std::memory_order_relaxed);
      if (!IsLive(k)) continue;
      Incref(k);
      raw.push_back(k);
    }
  }
  std::vector<Ref<>> keys;
  keys.reserve(raw.size());
  for (PyObject* k : raw) keys.push_back(Ref<>::Steal(k));
  return keys;
}

absl::StatusOr<Py_hash_t> SetHash(PyObject* anyset) {
  if (!IsAnySet(anyset)) return NotAnySet(anyset);
  if (!IsFrozenSet(anyset)) return UnhashableError(anyset->ob_type->tp_name);
  // Cached: every thread computes the same value (relaxed suffices).
  const Py_hash_t cached = HashRef(anyset).load(std::memory_order_relaxed);
  if (cached != -1) return cached;
  std::vector<Py_hash_t> hashes;
  {
    CriticalSection cs(ObjectMutex(anyset));
    setentry* table = TableRef(anyset).load(std::memory_order_relaxed);
    const Py_ssize_t mask = MaskOf(table);
    for (Py_ssize_t i = 0; i <= mask; ++i) {
      if (IsLive(KeyRef(&table[i]).load(std::memory_order_relaxed))) {
        hashes.push_back(table[i].hash);
      }
    }
  }
  const Py_hash_t h = FrozenSetHashOf(hashes);
  HashRef(anyset).store(h, std::memory_order_relaxed);
  return h;
}

absl::StatusOr<bool> SetCompare(PyObject* a, PyObject* b, int op) {
  if (!IsAnySet(a)) return NotAnySet(a);
  if (!IsAnySet(b)) return NotAnySet(b);
  const Py_ssize_t na = SetSize(a), nb = SetSize(b);
  switch (op) {
    case Py_EQ:
    case Py_NE: {
      absl::StatusOr<bool> eq = na == nb ? IsSubset(a, b) : absl::StatusOr<bool>(false);
      if (!eq.ok()) return eq;
      return *eq == (op == Py_EQ);
    }
    case Py_LE:
      return na <= nb ? IsSubset(a, b) : absl::StatusOr<bool>(false);
    case Py_LT:
      return na < nb ? IsSubset(a, b) : absl::StatusOr<bool>(false);
    case Py_GE:
      return nb <= na ? IsSubset(b, a) : absl::StatusOr<bool>(false);
    case Py_GT:
      return nb < na ? IsSubset(b, a) : absl::StatusOr<bool>(false);
  }
  return MakeError(ErrorKind::kSystemError, "bad rich comparison operator");
}

namespace internal {
absl::StatusOr<bool> SetAddNew(PyObject* anyset, PyObject* key) {
  if (!IsAnySet(anyset)) return NotAnySet(anyset);
  absl::StatusOr<bool> r = AddUnchecked(anyset, key);
  // A frozenset's cached hash (if someone asked already) is stale now.
  if (r.ok() && *r) HashRef(anyset).store(-1, std::memory_order_relaxed);
  return r;
}
uint64_t SetLookupFallbacksForTesting() { return t_lookup_fallbacks; }
}  // namespace internal

}  // namespace ftrt
