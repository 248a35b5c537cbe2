// Internals shared by the object-protocol files (typeobject.cc, call.cc,
// attributes.cc, exceptions.cc, ...): the per-thread protocol state that
// lives in the runtime's per-thread slot, the C-level call-depth counter,
// and the static-type builder.
//
// Not a public header: ext_abi/ and users include the per-area headers
// (error_indicator.h, typeobject.h, call.h, ...).
#ifndef FTRT_OBJECT_PROTOCOL_INTERNAL_H_
#define FTRT_OBJECT_PROTOCOL_INTERNAL_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"
#include "object/cpython_types.h"
#include "object/refcount.h"
#include "runtime/thread_state.h"
#include "sync/config.h"
#include "sync/mutex.h"

namespace ftrt::internal {

// The per-object mutex in the header (ob_mutex), as an ftrt::Mutex: what
// a critical section on the object locks.
inline Mutex& ObjectLock(PyObject* op) {
  static_assert(sizeof(Mutex) == sizeof(PyMutex), "ob_mutex is a Mutex");
  return *reinterpret_cast<Mutex*>(&op->ob_mutex);
}

// After a lock-free reader had to fall back to a critical section to take
// a reference: lets later TryIncref calls on `op` from other threads
// succeed even while its shared count is zero (refcount.h,
// SetMaybeWeakref), so they stay lock-free.
inline void MarkSharedForReaders(PyObject* op) {
  if (!IsImmortal(op) && !IsOwnedByCurrentThread(op) &&
      (internal::SharedRef(op).load(std::memory_order_relaxed) & kRefStateMask) == kRefDefault) {
    SetMaybeWeakref(op);
  }
}

// One per ThreadState of a runtime with the protocol installed (protocol.cc
// creates it in the thread-start hook, or on first use, and destroys it in
// the thread-exit hook). Only its own thread touches it.
struct ProtocolThreadState {
  ThreadState* ts = nullptr;
  // The error indicator: the raised exception (a strong reference) or null.
  PyObject* current_exception = nullptr;
  // The exception being handled (sys.exc_info()): a strong reference or
  // null. Set by ExceptionHandlerScope; new exceptions chain to it.
  PyObject* handled_exception = nullptr;
  // Objects whose repr is in progress on this thread (Py_ReprEnter).
  std::vector<PyObject*> repr_stack;
};

// The calling thread's state: a TLS cache keyed by the ThreadState, so the
// common case is two TLS loads and a compare.
extern constinit thread_local ProtocolThreadState* tls_pstate;
extern constinit thread_local ThreadState* tls_pstate_ts;
// nullptr if the thread is not attached, or its runtime has no protocol.
FTRT_COLD ProtocolThreadState* CurrentProtocolStateSlow();
FTRT_ALWAYS_INLINE ProtocolThreadState* CurrentProtocolState() {
  ThreadState* ts = ThreadState::Current();
  if (FTRT_LIKELY(ts != nullptr && ts == tls_pstate_ts)) return tls_pstate;
  return CurrentProtocolStateSlow();
}

// An argument array being built for a vectorcall: on the stack for a few
// arguments, on the heap past that. The caller fills every entry it uses.
class ArgBuffer {
 public:
  explicit ArgBuffer(size_t n) {
    if (n <= kSmall) {
      data_ = small_;
    } else {
      big_ = std::make_unique<PyObject*[]>(n);
      data_ = big_.get();
    }
  }
  ArgBuffer(const ArgBuffer&) = delete;
  ArgBuffer& operator=(const ArgBuffer&) = delete;
  PyObject** data() { return data_; }
  PyObject*& operator[](size_t i) { return data_[i]; }

 private:
  static constexpr size_t kSmall = 16;
  PyObject* small_[kSmall] = {};
  std::unique_ptr<PyObject*[]> big_;
  PyObject** data_;
};

// C-level recursion guard for calls (CPython's _Py_EnterRecursiveCall):
// a thread-local depth; past kMaxCallDepth a call raises RecursionError.
// ASan's frames are several times larger: a lower limit keeps a deep
// recursion on the 8 MiB main-thread stack.
inline constexpr int kMaxCallDepth = kAsan ? 1500 : 8000;
extern constinit thread_local int tls_call_depth;
FTRT_COLD bool RecursionErrorSlow(const char* where);
// Returns false (RecursionError set) when too deep.
FTRT_ALWAYS_INLINE bool EnterRecursiveCall(const char* where) {
  if (FTRT_UNLIKELY(++tls_call_depth > kMaxCallDepth)) return RecursionErrorSlow(where);
  return true;
}
FTRT_ALWAYS_INLINE void LeaveRecursiveCall() { --tls_call_depth; }

// STATIC TYPES AND THE STATIC RUNTIME. A static type lives for the whole
// process, but every object is allocated from some Runtime's allocator,
// which frees all its memory when the Runtime goes away (tests make
// hundreds, one after another). So the objects a static type owns (its
// dict, descriptors, MRO tuple) are made by a builder thread attached to a
// process-wide "static runtime" that is never destroyed, and are made
// immortal before the type is published. RunInStaticRuntime runs `fn` on
// that thread and waits for it (the caller detaches while it waits, if it
// is attached); on the builder itself it runs `fn` directly. Tasks run one
// at a time, so readying static types is serialised. Must not be called
// while holding the type lock.
void RunInStaticRuntime(absl::FunctionRef<void()> fn);
bool OnStaticBuilderThread();

// Interned names the protocol uses (immortal; set once, by
// EnsureStaticTypesReady, before any runtime can use the protocol).
#define FTRT_PROTOCOL_NAMES(X)        \
  X(dunder_module, "__module__")      \
  X(dunder_name, "__name__")          \
  X(dunder_qualname, "__qualname__")  \
  X(dunder_doc, "__doc__")            \
  X(dunder_dict, "__dict__")          \
  X(dunder_init, "__init__")          \
  X(dunder_new, "__new__")            \
  X(dunder_getattr, "__getattr__")    \
  X(dunder_class, "__class__")        \
  X(dunder_repr, "__repr__")          \
  X(dunder_str, "__str__")            \
  X(dunder_hash, "__hash__")          \
  X(dunder_call, "__call__")          \
  X(dunder_eq, "__eq__")              \
  X(dunder_ne, "__ne__")              \
  X(dunder_lt, "__lt__")              \
  X(dunder_le, "__le__")              \
  X(dunder_gt, "__gt__")              \
  X(dunder_ge, "__ge__")              \
  X(dunder_iter, "__iter__")          \
  X(dunder_next, "__next__")          \
  X(dunder_bool, "__bool__")          \
  X(dunder_len, "__len__")            \
  X(dunder_package, "__package__")    \
  X(dunder_loader, "__loader__")      \
  X(dunder_spec, "__spec__")          \
  X(dunder_weakref, "__weakref__")    \
  X(name, "name")                     \
  X(builtins, "builtins")

struct InternedNames {
#define FTRT_NAME_FIELD(field, text) PyObject* field = nullptr;
  FTRT_PROTOCOL_NAMES(FTRT_NAME_FIELD)
#undef FTRT_NAME_FIELD
};
extern InternedNames g_names;

// Makes `op` and everything it references (through tp_traverse) immortal.
// Only for objects no other thread can see yet (the builder's, before the
// static type that owns them is published).
void ImmortalizeTree(PyObject* op);

}  // namespace ftrt::internal

#endif  // FTRT_OBJECT_PROTOCOL_INTERNAL_H_
