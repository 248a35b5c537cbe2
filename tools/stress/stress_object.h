// The object type the stress workloads pass around: a real ftrt object (a
// static, immortal type laid out as CPython's, instances from the calling
// thread's heap) with a strong reference to an older object (chains; never
// a cycle, since only a collector could free one and the cycle workload
// owns that), a weak-reference list, an id, and two counters that the
// critical-section workload keeps equal under the object's own mutex.
//
// Deallocations are counted process-wide, so the runner can check after
// finalization that every stress object made was freed exactly as often as
// it was made (a double free also trips alloc/'s debug checks and ASan).
#ifndef FTRT_TOOLS_STRESS_STRESS_OBJECT_H_
#define FTRT_TOOLS_STRESS_STRESS_OBJECT_H_

#include <atomic>
#include <cstdint>

#include "object/object.h"
#include "object/ref.h"
#include "object/weakref.h"
#include "sync/mutex.h"

namespace ftrt::stress {

struct StressObject {
  ObjectHeader ob_base;
  ObjectHeader* next;       // a strong reference to an older object, or null
  WeakRefObject* weaklist;  // tp_weaklistoffset
  int64_t id;
  // Guarded by the header's ob_mutex (critical sections): always equal
  // when that mutex is held and no writer is between its two stores.
  int64_t a;
  int64_t b;
};

PyTypeObject* StressObjectType();

// A new object owned by the calling thread (attached), or null if the
// allocation failed (counted in StressObjectCounts().failed).
Ref<StressObject> NewStressObject(int64_t id);

inline ObjectHeader* H(StressObject* o) { return AsHeader(o); }
inline StressObject* AsStress(ObjectHeader* h) { return reinterpret_cast<StressObject*>(h); }
// The object's own 1-byte mutex (the header's ob_mutex).
inline Mutex& MutexOf(StressObject* o) {
  return *reinterpret_cast<Mutex*>(&o->ob_base.ob_mutex);
}

struct StressObjectCounts {
  std::atomic<uint64_t> made{0};
  std::atomic<uint64_t> freed{0};
  std::atomic<uint64_t> failed{0};
};
StressObjectCounts& StressCounts();

}  // namespace ftrt::stress

#endif  // FTRT_TOOLS_STRESS_STRESS_OBJECT_H_
