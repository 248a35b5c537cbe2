// What list, dict and set share for their concurrency discipline: the object's
// critical-section mutex, freeing a block after a QSBR grace period, and
// dropping references only after a critical section has ended.
//
// DeferredDrops is declared before the CriticalSection in a scope, so it is
// destroyed after the section ends: the references it collected are
// dropped (any destructor may run then, with no lock of ours held) and the
// blocks it collected (item arrays, key tables that lock-free readers may
// still be reading) go to QSBR. CPython's free-threaded build defers the
// same way (Py_XDECREF after Py_END_CRITICAL_SECTION; _PyMem_FreeDelayed).
#ifndef FTRT_OBJECT_CONTAINER_UTIL_H_
#define FTRT_OBJECT_CONTAINER_UTIL_H_

#include <cstddef>
#include <optional>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "object/cpython_types.h"
#include "object/refcount.h"
#include "sync/mutex.h"

namespace ftrt::internal {

// hash(key) for a dict or set key, exact str and int without a call.
absl::StatusOr<Py_hash_t> KeyHash(PyObject* key);

// Equality of two exact str or two exact int keys (no user code runs);
// nullopt for other types.
std::optional<bool> SimpleKeysEqual(PyObject* a, PyObject* b);

// The KeyError status of an absent dict or set key. A status carries text
// only, so it shows the key as repr() would for a str or an int (and by
// type and address otherwise); raising through SetKeyError(key) instead
// gives CPython's KeyError(key).
absl::Status MissingKey(PyObject* key);

// The per-object mutex in the header (ob_mutex), as an ftrt::Mutex.
inline Mutex& ObjectMutex(PyObject* op) {
  static_assert(sizeof(Mutex) == sizeof(PyMutex), "ob_mutex is a Mutex");
  return *reinterpret_cast<Mutex*>(&op->ob_mutex);
}

// Frees `p` (a malloc'ed block of `size` bytes) with free() once every
// thread attached now has passed a quiescent state. The calling thread must
// be attached to a runtime (it must be, to touch objects at all).
void FreeAfterGracePeriod(void* p, size_t size);

// After a lock-free reader's fallback took a reference under the section:
// lets later lock-free TryIncref calls on this object succeed even while
// its shared count is zero (refcount.h, SetMaybeWeakref).
inline void MarkShared(PyObject* op) {
  if (!IsImmortal(op) && !IsOwnedByCurrentThread(op) &&
      (internal::SharedRef(op).load(std::memory_order_relaxed) & kRefStateMask) == kRefDefault) {
    SetMaybeWeakref(op);
  }
}

class DeferredDrops {
 public:
  DeferredDrops() = default;
  DeferredDrops(const DeferredDrops&) = delete;
  DeferredDrops& operator=(const DeferredDrops&) = delete;
  ~DeferredDrops() { Flush(); }

  // Takes over one reference to `op` (may be null).
  void Drop(PyObject* op) {
    if (op != nullptr) objects_.push_back(op);
  }
  // Frees the block after a grace period.
  void FreeBlock(void* p, size_t size) {
    if (p != nullptr) blocks_.emplace_back(p, size);
  }
  // Does it all now (the caller must hold no critical section it relies on).
  void Flush();

 private:
  absl::InlinedVector<PyObject*, 4> objects_;
  absl::InlinedVector<std::pair<void*, size_t>, 1> blocks_;
};

}  // namespace ftrt::internal

#endif  // FTRT_OBJECT_CONTAINER_UTIL_H_
