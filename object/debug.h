// Debug checks for reference counting (--config=debug, tsan, asan).
//
// When FTRT_DEBUG_CHECKS is defined, every Incref and Decref first calls
// CheckIncrefSlow / CheckDecrefSlow (refcount.h), which abort with the
// object's address, type name, local and shared counts, owner and lifecycle
// state when the header reveals a bug: a decrement below zero, a use of a
// freed object (FTRT_OBJ_FLAG_FREED, set when the memory goes back to
// alloc/; it stays a header until a QSBR grace period has passed), or an
// increment of an object being freed (DEAD in refcount.h's table, or in
// deallocation). The checks read the header with relaxed atomics, so they
// add no synchronization and no TSan reports of their own. Swift's runtime
// does the same in its RefCount.h ("swift_abortRetainOverflow" and friends),
// CPython in _Py_NegativeRefcount.
#ifndef FTRT_OBJECT_DEBUG_H_
#define FTRT_OBJECT_DEBUG_H_

#include <string>

#include "alloc/object_layout.h"

namespace ftrt {

// "object 0x... of type 'T': local 1, shared 2 (count 0, state QUEUED),
// owner 0x..., flags ..., gc bits ...". Reads the header racily (relaxed);
// for messages only.
std::string DescribeObject(const ObjectHeader* op);

// The lifecycle state (refcount.h's table) a header snapshot shows:
// "IMMORTAL", "OWNED", "QUEUED", "MERGED", "DEAD", "DEALLOCATING", "FREED".
const char* LifecycleStateName(const ObjectHeader* op);

}  // namespace ftrt

#endif  // FTRT_OBJECT_DEBUG_H_
