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
// Initial-exec TLS: one %fs-relative load, also from a shared library.
extern constinit thread_local RootStack* tls_root_stack
    __attribute__((tls_model("initial-exec")));

// Grows the stack, first swapping in the thread's own if `rs` is the empty
// one of an unregistered thread; returns the stack to push on. Never fails
// (aborts if memory is exhausted, like a C stack overflow).
FTRT_COLD RootStack* GrowRootStack(RootStack* rs);

}  // namespace internal

class StackRef {
 public:
  // A new stack reference to `op`, which the caller holds (borrowed).
  FTRT_ALWAYS_INLINE explicit StackRef(ObjectHeader* op)
      : rs_(internal::tls_root_stack), entry_(reinterpret_cast<uintptr_t>(op)) {
    if (!HasDeferredRefcount(op) && !IsImmortal(op)) {
      Incref(op);
      entry_ |= internal::kStackRefCounted;
    }
    if (FTRT_UNLIKELY(rs_->top == rs_->capacity)) rs_ = internal::GrowRootStack(rs_);
    rs_->items[rs_->top++] = entry_;
  }

  FTRT_ALWAYS_INLINE ~StackRef() {
    --rs_->top;
    FTRT_DCHECK(rs_->items[rs_->top] == entry_, "StackRef popped out of order (%p)",
                static_cast<void*>(get()));
    if (entry_ & internal::kStackRefCounted) Decref(get());
  }

  StackRef(const StackRef&) = delete;
  StackRef& operator=(const StackRef&) = delete;

  ObjectHeader* get() const {
    return reinterpret_cast<ObjectHeader*>(entry_ & ~internal::kStackRefCounted);
  }
  ObjectHeader* operator->() const { return get(); }

 private:
  internal::RootStack* rs_;  // this thread's (stable for its life)
  uintptr_t entry_;          // as pushed: the pointer, tagged if counted
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
