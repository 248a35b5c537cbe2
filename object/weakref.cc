// Weak references (see weakref.h).
#include "object/weakref.h"

#include <atomic>
#include <new>

#include "object/dealloc.h"
#include "object/object.h"

namespace ftrt {
namespace {

// The stripes. Zero-initialised Mutexes are unlocked; constinit, so they
// exist before any static initializer runs.
constinit Mutex g_stripes[kWeakrefLockStripes];

Mutex* StripeFor(const ObjectHeader* op) {
  uintptr_t a = reinterpret_cast<uintptr_t>(op);
  a ^= a >> 17;  // objects are 16-byte aligned and often page-clustered
  return &g_stripes[(a >> 4) % kWeakrefLockStripes];
}

// The list head slot in the referent (guarded by its stripe).
WeakRefObject** ListHead(ObjectHeader* op) {
  return reinterpret_cast<WeakRefObject**>(reinterpret_cast<char*>(op) +
                                           op->ob_type->tp_weaklistoffset);
}

std::atomic<WeakCallbackInvoker> g_invoker{nullptr};

// Unlinks wr from its referent's list. Caller holds wr's stripe (`held`)
// and wr->wr_object is not null.
void Unlink(Mutex* held, WeakRefObject* wr) ABSL_EXCLUSIVE_LOCKS_REQUIRED(*held) {
  (void)held;  // only the thread-safety analysis and debug builds look at it
  FTRT_DCHECK(held == wr->weakrefs_lock, "weakref %p unlinked under the wrong stripe",
              static_cast<void*>(wr));
  WeakRefObject** head = ListHead(wr->wr_object);
  if (wr->wr_prev != nullptr) wr->wr_prev->wr_next = wr->wr_next;
  if (wr->wr_next != nullptr) wr->wr_next->wr_prev = wr->wr_prev;
  if (*head == wr) *head = wr->wr_next;
  wr->wr_prev = wr->wr_next = nullptr;
  wr->wr_object = nullptr;
}

void WeakRefDealloc(PyObject* self) {
  auto* wr = reinterpret_cast<WeakRefObject*>(self);
  UntrackObject(self);
  {
    Mutex* stripe = wr->weakrefs_lock;
    MutexLock lock(stripe);
    if (wr->wr_object != nullptr) Unlink(stripe, wr);
  }
  ObjectHeader* callback = wr->wr_callback;
  wr->wr_callback = nullptr;
  FreeObject(self);
  if (callback != nullptr) Decref(callback);  // after the free: may run code
}

int WeakRefTraverse(PyObject* self, visitproc visit, void* arg) {
  auto* wr = reinterpret_cast<WeakRefObject*>(self);
  if (wr->wr_callback != nullptr) return visit(wr->wr_callback, arg);
  return 0;
}

int WeakRefClear(PyObject* self) {
  auto* wr = reinterpret_cast<WeakRefObject*>(self);
  {
    Mutex* stripe = wr->weakrefs_lock;
    MutexLock lock(stripe);
    if (wr->wr_object != nullptr) Unlink(stripe, wr);
  }
  ObjectHeader* callback = wr->wr_callback;
  wr->wr_callback = nullptr;
  if (callback != nullptr) Decref(callback);
  return 0;
}

struct WeakCallbackObject {
  ObjectHeader ob_base;
  WeakCallbackFn fn;
  void* arg;
};

constinit PyTypeObject g_weak_callback_type =
    StaticTypeInit("ftrt.WeakCallback", sizeof(WeakCallbackObject));

void Invoke(ObjectHeader* callback, WeakRefObject* wr) {
  if (callback->ob_type == &g_weak_callback_type) {
    auto* cb = reinterpret_cast<WeakCallbackObject*>(callback);
    cb->fn(wr, cb->arg);
    return;
  }
  if (WeakCallbackInvoker invoker = g_invoker.load(std::memory_order_acquire)) {
    invoker(callback, wr);
  }
}

}  // namespace

namespace internal {
constinit PyTypeObject g_weakref_type = [] {
  PyTypeObject t = StaticTypeInit("weakref.ReferenceType", sizeof(WeakRefObject),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC);
  t.tp_dealloc = WeakRefDealloc;
  t.tp_traverse = WeakRefTraverse;
  t.tp_clear = WeakRefClear;
  return t;
}();
}  // namespace internal

PyTypeObject* WeakRefType() { return &internal::g_weakref_type; }
PyTypeObject* WeakCallbackType() { return &g_weak_callback_type; }

void SetWeakCallbackInvoker(WeakCallbackInvoker invoker) {
  g_invoker.store(invoker, std::memory_order_release);
}

absl::StatusOr<Ref<ObjectHeader>> NewWeakCallback(WeakCallbackFn fn, void* arg) {
  Ref<WeakCallbackObject> cb = NewObject<WeakCallbackObject>(&g_weak_callback_type);
  if (!cb) return absl::ResourceExhaustedError("out of memory for a weak callback");
  cb->fn = fn;
  cb->arg = arg;
  return Ref<ObjectHeader>(std::move(cb));
}

absl::StatusOr<Ref<WeakRefObject>> NewWeakRef(ObjectHeader* obj, ObjectHeader* callback) {
  if (obj == nullptr) return absl::InvalidArgumentError("weak reference to null");
  if (obj->ob_type->tp_weaklistoffset <= 0) {
    return absl::InvalidArgumentError(std::string("cannot create weak reference to '") +
                                      obj->ob_type->tp_name + "' object");
  }
  // Before any weak reference exists, the owner must stop freeing the
  // object without an atomic (refcount.h, T2), or an upgrade could race it.
  SetMaybeWeakref(obj);
  Mutex* stripe = StripeFor(obj);
  if (callback == nullptr) {
    MutexLock lock(stripe);
    WeakRefObject* head = *ListHead(obj);
    // The basic reference (no callback) is kept first in the list.
    if (head != nullptr && head->wr_callback == nullptr && TryIncref(AsHeader(head))) {
      return Ref<WeakRefObject>::Steal(head);
    }
  }
  Ref<WeakRefObject> wr = NewObject<WeakRefObject>(&internal::g_weakref_type);
  if (!wr) return absl::ResourceExhaustedError("out of memory for a weak reference");
  wr->hash = -1;
  wr->weakrefs_lock = stripe;
  if (callback != nullptr) {
    Incref(callback);
    wr->wr_callback = callback;
  }
  // Other threads reach a weak reference only through the referent's list
  // (under the stripe) or through references we hand out after this.
  SetMaybeWeakref(wr.header());
  {
    MutexLock lock(stripe);
    WeakRefObject** head = ListHead(obj);
    wr->wr_object = obj;
    if (callback == nullptr || *head == nullptr || (*head)->wr_callback != nullptr) {
      // Push front: basic references first.
      wr->wr_next = *head;
      if (*head != nullptr) (*head)->wr_prev = wr.get();
      *head = wr.get();
    } else {
      // Keep the basic reference first; insert after it.
      WeakRefObject* basic = *head;
      wr->wr_prev = basic;
      wr->wr_next = basic->wr_next;
      if (basic->wr_next != nullptr) basic->wr_next->wr_prev = wr.get();
      basic->wr_next = wr.get();
    }
  }
  if (callback != nullptr) TrackObject(wr.header());
  return wr;
}

Ref<ObjectHeader> WeakRefGet(WeakRefObject* wr) {
  MutexLock lock(wr->weakrefs_lock);
  ObjectHeader* obj = wr->wr_object;
  if (obj != nullptr && TryIncref(obj)) return Ref<ObjectHeader>::Steal(obj);
  return nullptr;
}

Py_ssize_t WeakRefCount(ObjectHeader* obj) {
  if (obj->ob_type->tp_weaklistoffset <= 0) return 0;
  MutexLock lock(StripeFor(obj));
  Py_ssize_t n = 0;
  for (WeakRefObject* wr = *ListHead(obj); wr != nullptr; wr = wr->wr_next) ++n;
  return n;
}

namespace internal {

WeakRefObject* ClearWeakRefsForDealloc(ObjectHeader* op) {
  WeakRefObject* to_call = nullptr;
  WeakRefObject** tail = &to_call;
  Mutex* stripe = StripeFor(op);
  MutexLock lock(stripe);
  WeakRefObject** head = ListHead(op);
  while (*head != nullptr) {
    WeakRefObject* wr = *head;
    Unlink(stripe, wr);
    // Only live weak references get their callback: one whose own count
    // already reached zero is waiting for this lock to unlink itself.
    if (wr->wr_callback != nullptr && TryIncref(AsHeader(wr))) {
      *tail = wr;
      tail = &wr->wr_next;
    }
  }
  return to_call;
}

void RunWeakRefCallbacks(WeakRefObject* list) {
  while (list != nullptr) {
    WeakRefObject* wr = list;
    list = wr->wr_next;
    wr->wr_next = nullptr;
    // The callback field changes only in the weak reference's own dealloc
    // or clear (a collection), which our reference keeps away.
    if (ObjectHeader* callback = wr->wr_callback) {
      Incref(callback);
      Invoke(callback, wr);
      Decref(callback);
    }
    Decref(AsHeader(wr));
  }
}

void ReinitWeakrefLocksAfterFork() {
  for (Mutex& m : g_stripes) new (&m) Mutex();
}

}  // namespace internal

void ClearWeakRefs(ObjectHeader* obj) {
  if (obj->ob_type->tp_weaklistoffset <= 0) return;
  WeakRefObject* list = internal::ClearWeakRefsForDealloc(obj);
  if (list != nullptr) internal::RunWeakRefCallbacks(list);
}

}  // namespace ftrt
