// GC-tracked object types for the collector's tests and benchmark.
//
// Pair is the shape of the benchmark's objects: a class with
// `__slots__ = ("a", "b")`, two reference fields after the header (48
// bytes), tp_traverse and tp_clear. Node is the tests' object: the same two
// fields, plus a weak-reference list and an id, with every deallocation and
// finalization counted (per id too, so a test can prove "exactly once");
// FinalizerNodeType() adds a tp_finalize that calls a hook the test sets.
// All types are static and immortal.
//
// Fields are plain pointers written by whoever holds the object
// exclusively (tests hand objects between threads through locks), read by
// the collector while the world is stopped.
#ifndef FTRT_GC_TESTING_TYPES_H_
#define FTRT_GC_TESTING_TYPES_H_

#include <atomic>
#include <cstdint>

#include "object/cpython_types.h"
#include "object/ref.h"
#include "object/weakref.h"

namespace ftrt::gc::testing {

struct Pair {
  ObjectHeader ob_base;
  ObjectHeader* a;
  ObjectHeader* b;
};
static_assert(sizeof(Pair) == 48, "the benchmark's two-slot object");

PyTypeObject* PairType();
// A new tracked Pair with a = b = null, owned by the calling thread.
// Null if allocation fails.
Ref<Pair> NewPair();

struct Node {
  ObjectHeader ob_base;
  ObjectHeader* a;
  ObjectHeader* b;
  WeakRefObject* weaklist;
  int64_t id;
};

PyTypeObject* NodeType();
PyTypeObject* FinalizerNodeType();

// A new tracked Node (of NodeType() or FinalizerNodeType()) with that id.
// Null if allocation fails.
Ref<Node> NewNode(int64_t id, PyTypeObject* type = NodeType());

// Sets field a (which = 0) or b (which = 1) of a Pair or Node to a new
// reference to `value` (may be null) and drops the old value. The caller
// holds `obj` exclusively.
void SetField(ObjectHeader* obj, int which, ObjectHeader* value);
inline void SetA(ObjectHeader* obj, ObjectHeader* v) { SetField(obj, 0, v); }
inline void SetB(ObjectHeader* obj, ObjectHeader* v) { SetField(obj, 1, v); }

// What FinalizerNodeType's tp_finalize calls (after counting); nullptr:
// nothing. A hook may resurrect the node or report an error through the
// error indicator (object/errors.h), as a raising __del__ would.
using FinalizerHook = void (*)(Node* node);
void SetFinalizerHook(FinalizerHook hook);

struct Counters {
  std::atomic<int64_t> allocs{0};
  std::atomic<int64_t> deallocs{0};
  std::atomic<int64_t> finalized{0};
  std::atomic<int64_t> cleared{0};  // tp_clear calls
};
Counters& GetCounters();

// Per-id tallies for ids in [0, n): deallocations and finalizations.
// ResetCounters() zeroes everything and sizes the tables (n may be 0).
void ResetCounters(int64_t n);
int DeallocsOf(int64_t id);
int FinalizationsOf(int64_t id);

// Nodes and Pairs allocated and not yet deallocated.
inline int64_t LiveObjects() {
  return GetCounters().allocs.load(std::memory_order_acquire) -
         GetCounters().deallocs.load(std::memory_order_acquire);
}

}  // namespace ftrt::gc::testing

#endif  // FTRT_GC_TESTING_TYPES_H_
