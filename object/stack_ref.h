// StackRef: a reference held in the calling thread's root stack.
//
// Deferred reference counting (CPython 3.14t's _PyStackRef and
// PyUnstable_Object_EnableDeferredRefcount; Deutsch and Bobrow's deferred
// counting of 1976 in spirit): objects that are long-lived and read by many
// threads at once (types, modules, functions) would make every thread write
// the same shared count. For an object marked deferred
// (SetDeferredRefcount, refcount.h), a StackRef records the pointer in the
// thread's root stack and touches no count at all; the collector counts
// the root stacks of every thread during a stop-the-world (RootStackEntries
// below), and only the collector frees deferred objects. For any other
// object, a StackRef is a counted reference (Incref on push, Decref on pop),
// so StackRef is safe on every object.
//
// A root stack is a per-thread array; entries are tagged pointers (bit 0:
// the entry holds a counted reference). StackRefs are strictly LIFO
// (RAII, neither copyable nor movable) and belong to the thread that made
// them. The thread must be registered with object/ (attached to a Runtime).
//
// Memory ordering: pushes and pops are plain writes to thread-private
// memory; the collector reads other threads' root stacks only while the
// world is stopped, which orders them (the stop's park/acquire handshake).
#ifndef FTRT_OBJECT_STACK_REF_H_
#define FTRT_OBJECT_STACK_REF_H_

#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "object/refcount.h"

namespace ftrt {
namespace internal {

struct RootStack {
  uintptr_t* items = nullptr;  // tagged: bit 0 = counted
  size_t top = 0;
  size_t capacity = 0;
};
inline constexpr uintptr_t kStackRefCounted = 1;

// The calling thread's root stack (set when the thread registers with
// object/, null before and after).
extern constinit thread_local RootStack* tls_root_stack;

// Grows the stack, first swapping in the thread's own if `rs` is the empty
// one of an unregistered thread; returns the stack to push on. Never fails
// (aborts if memory is exhausted, like a C stack overflow).
FTRT_COLD RootStack* GrowRootStack(RootStack* rs);

}  // namespace internal

class StackRef {
 public:
  // A new stack reference to `op`, which the caller holds (borrowed).
  explicit StackRef(ObjectHeader* op) : op_(op) {
    internal::RootStack* rs = internal::tls_root_stack;
    uintptr_t entry = reinterpret_cast<uintptr_t>(op);
    if (!IsImmortal(op) && !HasDeferredRefcount(op)) {
      Incref(op);
      entry |= internal::kStackRefCounted;
    }
    if (FTRT_UNLIKELY(rs->top == rs->capacity)) rs = internal::GrowRootStack(rs);
    rs->items[rs->top++] = entry;
  }

  ~StackRef() {
    internal::RootStack* rs = internal::tls_root_stack;
    const uintptr_t entry = rs->items[--rs->top];
    FTRT_DCHECK((entry & ~internal::kStackRefCounted) == reinterpret_cast<uintptr_t>(op_),
                "StackRef popped out of order (%p)", static_cast<void*>(op_));
    if (entry & internal::kStackRefCounted) Decref(op_);
  }

  StackRef(const StackRef&) = delete;
  StackRef& operator=(const StackRef&) = delete;

  ObjectHeader* get() const { return op_; }
  ObjectHeader* operator->() const { return op_; }

 private:
  ObjectHeader* op_;
};

// The number of entries on the calling thread's root stack.
size_t RootStackDepth();

// One root stack entry, as the collector sees it.
struct RootStackEntry {
  ObjectHeader* object;
  bool counted;  // false: a deferred (or immortal) object, not in its count
};

}  // namespace ftrt

#endif  // FTRT_OBJECT_STACK_REF_H_
