// libftrt.so: the runtime side of the C API: life cycle (Py_Initialize,
// Py_FinalizeEx, Py_AtExit, and ftrt_LeakedObjectsAtLastFinalize: what
// Py_FinalizeEx found still allocated), threads (PyThread_*, PyEval_SaveThread /
// RestoreThread, PyGILState_*), PyMutex and critical sections, memory
// (PyMem_*, PyObject_Malloc, PyObject_New / GC_New), the collector
// (PyGC_*), weak references and the error indicator (PyErr_*).
//
// One runtime per process (runtime/'s Runtime), created by Py_Initialize
// with object/'s protocol and gc/'s collector installed. PYTHON_GIL=1 turns
// the GIL on from start-up (CPython's behaviour; the loader turns it on
// later for a module that needs it). Finalization follows CPython 3.14: the
// runtime is marked finalizing first, so finalizers that run during
// Py_FinalizeEx and try to start a thread get PythonFinalizationError.
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "alloc/qsbr.h"
#include "ext_abi/capi_internal.h"
#include "ext_abi/include/patchlevel.h"
#include "ext_abi/loader.h"
#include "gc/collector.h"
#include "object/errors.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol.h"
#include "object/protocol_internal.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/weakref.h"
#include "runtime/status.h"
#include "runtime/thread_state.h"
#include "sync/critical_section.h"
#include "sync/mutex.h"

typedef struct _ts PyThreadState;  // our ThreadState, opaque to C

namespace ftrt::ext::internal {
namespace {

std::mutex g_life_mu;                      // serialises Py_Initialize/Finalize
std::shared_ptr<Runtime> g_runtime_owner;  // guarded by g_life_mu
std::atomic<Runtime*> g_runtime{nullptr};
std::atomic<bool> g_finalizing{false};

std::mutex g_atexit_mu;
std::vector<void (*)()> g_atexit;  // guarded by g_atexit_mu

// ftrt_LeakedObjectsAtLastFinalize: -1 until the first Py_FinalizeEx.
// Relaxed: a plain diagnostic, stored once per finalization.
std::atomic<Py_ssize_t> g_leaked_at_finalize{-1};
constexpr int kLeakLinesMax = 20;

// The non-immortal objects `rt`'s allocator still holds. Only while the
// caller has the world stopped (nothing allocates or frees meanwhile).
// With debug checks, prints the first kLeakLinesMax of them.
Py_ssize_t CountLeakedObjects(Runtime& rt) {
  Py_ssize_t n = 0;
  rt.allocator().ForEachObject([&](ObjectHeader* op) {
    if (IsImmortal(op)) return;
    ++n;
    if (kDebugChecks && n <= kLeakLinesMax) {
      const char* type = op->ob_type != nullptr && op->ob_type->tp_name != nullptr
                             ? op->ob_type->tp_name
                             : "?";
      std::fprintf(stderr, "ftrt: leaked at Py_FinalizeEx: %p '%s' local=%u shared=%lld\n",
                   static_cast<void*>(op), type,
                   static_cast<unsigned>(op->ob_ref_local),
                   static_cast<long long>(op->ob_ref_shared));
    }
  });
  if (kDebugChecks && n > kLeakLinesMax) {
    std::fprintf(stderr, "ftrt: leaked at Py_FinalizeEx: ... %lld objects in all\n",
                 static_cast<long long>(n));
  }
  return n;
}

}  // namespace

Runtime* CurrentRuntime() { return g_runtime.load(std::memory_order_acquire); }

void RaiseStatus(const absl::Status& status) {
  if (IsFinalizingError(status)) {
    SetErrorString(PyExc_PythonFinalizationError, std::string(status.message()));
    return;
  }
  SetErrorFromStatus(status);
}

void BadCall(const char* func) {
  SetErrorFormat(PyExc_SystemError, "%s: bad argument to internal function", func);
}

PyObject* NeedStr(PyObject* op, const char* func) {
  if (op == nullptr) {
    BadCall(func);
    return nullptr;
  }
  if (!IsStr(op)) {
    SetErrorFormat(PyExc_TypeError, "bad argument type for %s(): %s", func, op->ob_type->tp_name);
    return nullptr;
  }
  return op;
}

}  // namespace ftrt::ext::internal

using ftrt::ThreadState;
using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::CurrentRuntime;
using ftrt::ext::internal::g_atexit;
using ftrt::ext::internal::g_atexit_mu;
using ftrt::ext::internal::g_finalizing;
using ftrt::ext::internal::g_life_mu;
using ftrt::ext::internal::g_runtime;
using ftrt::ext::internal::g_runtime_owner;
using ftrt::ext::internal::RaiseStatus;

namespace {

PyThreadState* AsPy(ThreadState* ts) { return reinterpret_cast<PyThreadState*>(ts); }

// PyObject_Malloc'd blocks (raw memory), so that PyObject_Free can tell
// them from objects made by PyObject_New (freed by the same function in
// CPython).
std::mutex g_raw_mu;
std::unordered_set<void*>& RawBlocks() {
  static auto* s = new std::unordered_set<void*>();
  return *s;
}

}  // namespace

extern "C" {

extern PyObject* PyExc_BaseExceptionGroup;

// ---- life cycle --------------------------------------------------------------

// What the C API needs beyond object/'s protocol, once per process.
static void InitProcessWideTypesLocked() {
  ftrt::ext::internal::InstallScalarTypeNew();
  if (PyExc_BaseExceptionGroup == nullptr) {
    // Process-wide, so made like a static type's objects: on object/'s
    // static runtime, which outlives every runtime, and immortal (a type
    // made on this runtime would dangle after Py_FinalizeEx and count as
    // a leak at its finalization).
    ftrt::internal::RunInStaticRuntime([] {
      ftrt::Ref<> t =
          ftrt::NewExceptionType("builtins.BaseExceptionGroup", PyExc_BaseException, nullptr);
      FTRT_CHECK(t, "Py_Initialize: cannot create BaseExceptionGroup");
      ftrt::internal::ImmortalizeTree(t.get());
      PyExc_BaseExceptionGroup = t.Release();
    });
  }
}

void Py_InitializeEx(int initsigs) {
  (void)initsigs;
  std::lock_guard<std::mutex> g(g_life_mu);
  if (g_runtime.load(std::memory_order_relaxed) != nullptr) return;
  ftrt::RuntimeOptions options;
  const char* gil = std::getenv("PYTHON_GIL");
  options.gil = gil != nullptr && std::strcmp(gil, "1") == 0;
  g_runtime_owner = ftrt::Runtime::Init(options);
  ftrt::Runtime& rt = *g_runtime_owner;
  rt.Attach();
  ftrt::InstallObjectProtocol(rt);
  ftrt::gc::Collector::Install(rt);
  ftrt::ext::internal::InstallThreadDicts(rt);
  InitProcessWideTypesLocked();
  g_finalizing.store(false, std::memory_order_relaxed);
  g_runtime.store(&rt, std::memory_order_release);
}

void Py_Initialize(void) { Py_InitializeEx(1); }

}  // extern "C"

namespace ftrt::ext {

bool EmbedRuntime(Runtime& runtime) {
  std::lock_guard<std::mutex> g(g_life_mu);
  if (g_runtime.load(std::memory_order_relaxed) != nullptr) return false;
  InstallObjectProtocol(runtime);
  if (gc::Collector::Find(runtime) == nullptr) gc::Collector::Install(runtime);
  // A new slot on each adoption (at most kMaxSlots per runtime): a runtime
  // adopted before cannot be told from a new one at a freed one's address.
  internal::InstallThreadDicts(runtime);
  InitProcessWideTypesLocked();
  g_finalizing.store(false, std::memory_order_relaxed);
  g_runtime.store(&runtime, std::memory_order_release);
  return true;
}

void EndEmbedding() {
  std::lock_guard<std::mutex> g(g_life_mu);
  if (g_runtime.load(std::memory_order_relaxed) == nullptr || g_runtime_owner != nullptr) return;
  ClearModules();
  internal::ClearSysObjects();
  ClearError();
  g_runtime.store(nullptr, std::memory_order_release);
}

}  // namespace ftrt::ext

extern "C" {

// CPython 3.11's BaseExceptionGroup: a plain BaseException subclass here
// (no group semantics), so that except-matching code links and runs.
PyObject* PyExc_BaseExceptionGroup = nullptr;

// Weak proxies are not offered (PyWeakref_NewProxy raises TypeError); the
// types exist so that PyWeakref_CheckProxy compiles and is always false.
PyTypeObject _PyWeakref_ProxyType =
    ftrt::StaticTypeInit("weakproxy", sizeof(ftrt::WeakRefObject));
PyTypeObject _PyWeakref_CallableProxyType =
    ftrt::StaticTypeInit("weakcallableproxy", sizeof(ftrt::WeakRefObject));

const char* Py_GetVersion(void) { return PY_VERSION " (ftrt, free-threading) [" __VERSION__ "]"; }
const char* Py_GetPlatform(void) { return "linux"; }
const char* Py_GetCompiler(void) { return "[" __VERSION__ "]"; }
const char* Py_GetCopyright(void) {
  return "ftrt: a free-threaded runtime core with CPython's C API. Python is Copyright (c) "
         "2001 Python Software Foundation.";
}
const char* Py_GetBuildInfo(void) { return "ftrt, free-threading build"; }

// runtime.h, "FORK".
void PyOS_BeforeFork(void) {
  if (ftrt::Runtime* rt = CurrentRuntime()) rt->BeforeFork();
}
void PyOS_AfterFork_Parent(void) {
  if (ftrt::Runtime* rt = CurrentRuntime()) rt->AfterForkParent();
}
void PyOS_AfterFork_Child(void) {
  if (ftrt::Runtime* rt = CurrentRuntime()) rt->AfterForkChild();
}
void PyOS_AfterFork(void) { PyOS_AfterFork_Child(); }

int Py_IsInitialized(void) {
  return CurrentRuntime() != nullptr && !g_finalizing.load(std::memory_order_acquire) ? 1 : 0;
}

int Py_IsFinalizing(void) {
  ftrt::Runtime* rt = CurrentRuntime();
  if (rt != nullptr && rt->finalizing()) return 1;
  return g_finalizing.load(std::memory_order_acquire) || ftrt::ProcessFinalized() ? 1 : 0;
}

int Py_AtExit(void (*func)(void)) {
  if (func == nullptr) return -1;
  std::lock_guard<std::mutex> g(g_atexit_mu);
  if (g_atexit.size() >= 32) return -1;  // CPython's limit
  g_atexit.push_back(func);
  return 0;
}

int Py_FinalizeEx(void) {
  std::lock_guard<std::mutex> g(g_life_mu);
  ftrt::Runtime* rt = g_runtime.load(std::memory_order_relaxed);
  if (rt == nullptr) return 0;
  g_finalizing.store(true, std::memory_order_release);
  // Marks the runtime finalizing (thread starts fail from here on), waits
  // for its non-daemon threads and stops the world for good; the caller
  // stays attached as the finalizer.
  rt->Finalize();
  // Modules go first (their state's cycles become garbage), then the
  // collector runs finalizers: what they try now fails with
  // PythonFinalizationError.
  ftrt::ext::ClearModules();
  ftrt::ext::internal::ClearSysObjects();
  // Every thread's PyThreadState_GetDict dict too: threads left suspended
  // by the final stop never run their exit hooks.
  ftrt::ext::internal::DropThreadDicts(*rt, /*close=*/false);
  if (ftrt::gc::Collector* c = ftrt::gc::Collector::Find(*rt)) {
    c->Collect();
    c->Collect();
  }
  ftrt::ClearError();
  std::vector<void (*)()> fns;
  {
    std::lock_guard<std::mutex> ga(g_atexit_mu);
    fns.swap(g_atexit);
  }
  for (auto it = fns.rbegin(); it != fns.rend(); ++it) (*it)();
  // The callbacks may have dropped the last outside references into
  // cycles (a module and its types), or made thread dicts again (closed
  // now: PyThreadState_GetDict gives NULL from here on): one more
  // collection frees them.
  const size_t late_dicts = ftrt::ext::internal::DropThreadDicts(*rt, /*close=*/true);
  if (!fns.empty() || late_dicts != 0) {
    if (ftrt::gc::Collector* c = ftrt::gc::Collector::Find(*rt)) c->Collect();
    ftrt::ClearError();
  }
  // What the last frees queued for a grace period (old dict key tables,
  // list arrays) goes now where it can: every other thread is parked for
  // good, so once this thread passes a quiescent state nothing reads them.
  // The runtime itself may outlive this call (a daemon thread's binding).
  if (ThreadState* ts = ThreadState::Current(); ts != nullptr && ts->qsbr() != nullptr) {
    // Quiescent gives this thread's new entries a goal and passes it;
    // Poll then frees whatever every attached thread has passed.
    ftrt::alloc::Qsbr::Quiescent(ts->qsbr());
    (void)rt->qsbr().Poll(ts->qsbr());
  }
  // What is still allocated now, not immortal, is a leak (the runtime
  // would free it silently when it goes): count it while the world is
  // still stopped for good.
  ftrt::ext::internal::g_leaked_at_finalize.store(
      ftrt::ext::internal::CountLeakedObjects(*rt), std::memory_order_relaxed);
  g_runtime.store(nullptr, std::memory_order_release);
  // Dropping the owner handle releases the finalizer's thread state; the
  // runtime (and every object its allocator holds) goes with the last
  // binding.
  g_runtime_owner.reset();
  return 0;
}

void Py_Finalize(void) { (void)Py_FinalizeEx(); }

Py_ssize_t ftrt_LeakedObjectsAtLastFinalize(void) {
  return ftrt::ext::internal::g_leaked_at_finalize.load(std::memory_order_relaxed);
}

void Py_FatalError(const char* message) {
  std::fprintf(stderr, "Fatal Python error: %s\n", message == nullptr ? "" : message);
  std::fflush(stderr);
  std::abort();
}

void Py_Exit(int status) {
  (void)Py_FinalizeEx();
  std::exit(status);
}

// ---- threads ---------------------------------------------------------------

PyThreadState* PyThreadState_GetUnchecked(void) { return AsPy(ThreadState::Current()); }

PyThreadState* PyThreadState_Get(void) {
  ThreadState* ts = ThreadState::Current();
  if (ts == nullptr) {
    Py_FatalError("PyThreadState_Get: the calling thread is not attached (no thread state)");
  }
  return AsPy(ts);
}

uint64_t PyThreadState_GetID(PyThreadState* tstate) {
  if (tstate == nullptr) Py_FatalError("PyThreadState_GetID: NULL thread state");
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(tstate));
}

// PyThreadState_GetDict: capi_thread_dict.cc.

// Deprecated since 3.9 and a no-op in CPython 3.13: threads are always
// ready. Old extensions still call it from their module init.
void PyEval_InitThreads(void) {}

PyThreadState* PyEval_SaveThread(void) {
  ThreadState* ts = ThreadState::Current();
  if (ts == nullptr) Py_FatalError("PyEval_SaveThread: the thread is not attached");
  ts->runtime().Detach();
  return AsPy(ts);
}

// Blocks for ever after finalization's final stop (pylifecycle.h).
void PyEval_RestoreThread(PyThreadState* tstate) {
  if (tstate == nullptr) Py_FatalError("PyEval_RestoreThread: NULL thread state");
  reinterpret_cast<ThreadState*>(tstate)->runtime().Attach();
}

int PyGILState_Ensure(void) {
  if (ThreadState::Current() != nullptr) return 0;  // PyGILState_LOCKED
  ftrt::Runtime* rt = CurrentRuntime();
  if (rt == nullptr) Py_FatalError("PyGILState_Ensure: the runtime is not initialized");
  rt->Attach();
  return 1;  // PyGILState_UNLOCKED: Release detaches
}

void PyGILState_Release(int state) {
  if (state != 1) return;
  ThreadState* ts = ThreadState::Current();
  if (ts == nullptr) Py_FatalError("PyGILState_Release: the thread is not attached");
  ts->runtime().Detach();
}

int PyGILState_Check(void) { return ThreadState::Current() != nullptr ? 1 : 0; }

// PyGILState_GetThisThreadState and the other thread-state calls:
// capi_thread_state.cc.

void PyThread_init_thread(void) {}

unsigned long PyThread_get_thread_ident(void) {
  return static_cast<unsigned long>(pthread_self());
}

unsigned long PyThread_get_thread_native_id(void) {
  return static_cast<unsigned long>(syscall(SYS_gettid));
}

void PyThread_exit_thread(void) { pthread_exit(nullptr); }

// Starts func(arg) on a new thread attached to the runtime (a daemon, as
// CPython's low-level threads are). After finalization has begun: returns
// PYTHREAD_INVALID_THREAD_ID with PythonFinalizationError set for an
// attached caller.
unsigned long PyThread_start_new_thread(void (*func)(void*), void* arg) {
  const unsigned long kInvalid = static_cast<unsigned long>(-1);
  ftrt::Runtime* rt = CurrentRuntime();
  if (func == nullptr) {
    if (ThreadState::Current() != nullptr) BadCall("PyThread_start_new_thread");
    return kInvalid;
  }
  if (rt == nullptr) {
    if (ThreadState::Current() != nullptr) {
      ftrt::SetErrorString(PyExc_PythonFinalizationError,
                           "can't create new thread at interpreter shutdown");
    }
    return kInvalid;
  }
  auto t = rt->StartThread([func, arg] { func(arg); }, /*daemon=*/true);
  if (!t.ok()) {
    if (ThreadState::Current() != nullptr) {
      if (ftrt::IsFinalizingError(t.status())) {
        ftrt::SetErrorString(PyExc_PythonFinalizationError,
                             "can't create new thread at interpreter shutdown");
      } else {
        ftrt::SetErrorFormat(PyExc_RuntimeError, "can't start new thread: %s",
                             std::string(t.status().message()));
      }
    }
    return kInvalid;
  }
  const unsigned long id = static_cast<unsigned long>(t->native_handle());
  t->detach();
  return id;
}

void* PyThread_allocate_lock(void) { return new ftrt::Mutex(); }
void PyThread_free_lock(void* lock) { delete static_cast<ftrt::Mutex*>(lock); }
// The C API's locks are taken and released in separate calls, which the
// thread-safety analysis cannot follow: these shims are exempt from it (the
// callers are C code, which it never checks anyway).
int PyThread_acquire_lock_timed(void* lock, long long microseconds, int intr_flag)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  (void)intr_flag;
  auto* m = static_cast<ftrt::Mutex*>(lock);
  if (microseconds == 0) return m->TryLock() ? 1 : 0;
  if (microseconds < 0) {
    m->Lock();
    return 1;
  }
  return m->LockWithTimeout(microseconds * 1000) ? 1 : 0;
}
int PyThread_acquire_lock(void* lock, int waitflag) {
  return PyThread_acquire_lock_timed(lock, waitflag ? -1 : 0, 0);
}
void PyThread_release_lock(void* lock) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  static_cast<ftrt::Mutex*>(lock)->Unlock();
}

// ---- PyMutex and critical sections -------------------------------------------

void PyMutex_Lock(PyMutex* m) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  reinterpret_cast<ftrt::Mutex*>(m)->Lock();
}
void PyMutex_Unlock(PyMutex* m) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  reinterpret_cast<ftrt::Mutex*>(m)->Unlock();
}

void PyCriticalSection_Begin(void* c, PyObject* op) {
  ftrt::BeginCriticalSection(static_cast<ftrt::CriticalSectionFrame*>(c),
                             reinterpret_cast<ftrt::Mutex*>(&op->ob_mutex));
}
void PyCriticalSection_End(void* c) {
  ftrt::EndCriticalSection(static_cast<ftrt::CriticalSectionFrame*>(c));
}
void PyCriticalSection2_Begin(void* c, PyObject* a, PyObject* b) {
  ftrt::BeginCriticalSection2(static_cast<ftrt::CriticalSectionFrame2*>(c),
                              reinterpret_cast<ftrt::Mutex*>(&a->ob_mutex),
                              reinterpret_cast<ftrt::Mutex*>(&b->ob_mutex));
}
void PyCriticalSection2_End(void* c) {
  ftrt::EndCriticalSection2(static_cast<ftrt::CriticalSectionFrame2*>(c));
}

// ---- references --------------------------------------------------------------

void Py_IncRef(PyObject* op) {
  if (op != nullptr) ftrt::Incref(op);
}
void Py_DecRef(PyObject* op) {
  if (op != nullptr) ftrt::Decref(op);
}
int Py_Is(PyObject* a, PyObject* b) { return a == b ? 1 : 0; }

// ---- memory ----------------------------------------------------------------

void* PyMem_RawMalloc(size_t n) { return std::malloc(n == 0 ? 1 : n); }
void* PyMem_RawCalloc(size_t n, size_t s) {
  return std::calloc(n == 0 ? 1 : n, s == 0 ? 1 : s);
}
void* PyMem_RawRealloc(void* p, size_t n) { return std::realloc(p, n == 0 ? 1 : n); }
void PyMem_RawFree(void* p) { std::free(p); }
void* PyMem_Malloc(size_t n) { return PyMem_RawMalloc(n); }
void* PyMem_Calloc(size_t n, size_t s) { return PyMem_RawCalloc(n, s); }
void* PyMem_Realloc(void* p, size_t n) { return PyMem_RawRealloc(p, n); }
void PyMem_Free(void* p) { std::free(p); }

void* PyObject_Malloc(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p != nullptr) {
    std::lock_guard<std::mutex> g(g_raw_mu);
    RawBlocks().insert(p);
  }
  return p;
}
void* PyObject_Calloc(size_t n, size_t s) {
  void* p = std::calloc(n == 0 ? 1 : n, s == 0 ? 1 : s);
  if (p != nullptr) {
    std::lock_guard<std::mutex> g(g_raw_mu);
    RawBlocks().insert(p);
  }
  return p;
}
void* PyObject_Realloc(void* p, size_t n) {
  if (p == nullptr) return PyObject_Malloc(n);
  std::lock_guard<std::mutex> g(g_raw_mu);
  void* q = std::realloc(p, n == 0 ? 1 : n);
  if (q != nullptr) {
    RawBlocks().erase(p);
    RawBlocks().insert(q);
  }
  return q;
}
// Raw blocks of PyObject_Malloc, or objects of PyObject_New (tp_free).
void PyObject_Free(void* p) {
  if (p == nullptr) return;
  {
    std::lock_guard<std::mutex> g(g_raw_mu);
    if (RawBlocks().erase(p) != 0) {
      std::free(p);
      return;
    }
  }
  ftrt::FreeObject(p);
}

// PyObject_New's objects come with their header made (owned by the calling
// thread, one reference): only the type is set here. A PyObject_Malloc'd
// block becoming an object (the pre-2.2 way: PyObject_MALLOC, then
// PyObject_INIT) holds junk: its header is made here, with one reference as
// CPython makes it, but unowned and merged (that reference in the shared
// count, counted atomically by every thread, the block freed by whichever
// drops the last, through tp_dealloc and PyObject_Free). Not owned, because
// ownership records cover the object allocator's pages only: thread exit
// could not unown such a block, and a later thread with the same id would
// take it for its own. Its word is never DEFAULT, so refcount.h's T6
// fix-up, which may read a block after its free, never acts on raw memory;
// and it is not GC-capable (PyObject_GC_Track refuses it).
PyObject* PyObject_Init(PyObject* op, PyTypeObject* type) {
  if (op == nullptr) return nullptr;
  bool raw;
  {
    std::lock_guard<std::mutex> g(g_raw_mu);
    raw = RawBlocks().count(op) != 0;
  }
  if (raw) {
    op->ob_tid = 0;
    op->ob_flags = 0;
    std::memset(&op->ob_mutex, 0, sizeof op->ob_mutex);
    op->ob_gc_bits = 0;
    op->ob_ref_local = 0;
    op->ob_ref_shared = ftrt::kRefOne | ftrt::kRefMerged;
  }
  op->ob_type = type;
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) ftrt::Incref(reinterpret_cast<PyObject*>(type));
  return op;
}
PyVarObject* PyObject_InitVar(PyVarObject* op, PyTypeObject* type, Py_ssize_t size) {
  if (op == nullptr) return nullptr;
  PyObject_Init(&op->ob_base, type);
  op->ob_size = size;
  return op;
}

static PyObject* NewOfType(PyTypeObject* type, Py_ssize_t nitems, const char* func) {
  if (type == nullptr) {
    BadCall(func);
    return nullptr;
  }
  const Py_ssize_t size = type->tp_basicsize + nitems * type->tp_itemsize;
  PyObject* op = ftrt::AllocObjectOfType(type, size);
  if (op == nullptr) return ftrt::NoMemory();
  if (type->tp_itemsize != 0) reinterpret_cast<PyVarObject*>(op)->ob_size = nitems;
  return op;
}
PyObject* _PyObject_New(PyTypeObject* type) { return NewOfType(type, 0, "PyObject_New"); }
PyVarObject* _PyObject_NewVar(PyTypeObject* type, Py_ssize_t n) {
  return reinterpret_cast<PyVarObject*>(NewOfType(type, n, "PyObject_NewVar"));
}
PyObject* _PyObject_GC_New(PyTypeObject* type) {
  return NewOfType(type, 0, "PyObject_GC_New");
}
PyVarObject* _PyObject_GC_NewVar(PyTypeObject* type, Py_ssize_t n) {
  return reinterpret_cast<PyVarObject*>(NewOfType(type, n, "PyObject_GC_NewVar"));
}
void PyObject_GC_Del(void* op) {
  if (op != nullptr) ftrt::FreeObject(op);
}
void PyObject_GC_Track(void* op) {
  if (op != nullptr) ftrt::TrackObject(static_cast<PyObject*>(op));
}
void PyObject_GC_UnTrack(void* op) {
  if (op != nullptr) ftrt::UntrackObject(static_cast<PyObject*>(op));
}
int PyObject_GC_IsTracked(PyObject* op) {
  return op != nullptr && ftrt::IsTracked(op) ? 1 : 0;
}
int PyObject_GC_IsFinalized(PyObject* op) {
  return op != nullptr && (op->ob_gc_bits & FTRT_GC_BIT_FINALIZED) != 0 ? 1 : 0;
}
int PyObject_IS_GC(PyObject* op) {
  return op != nullptr && (op->ob_type->tp_flags & Py_TPFLAGS_HAVE_GC) != 0 ? 1 : 0;
}

// ---- the collector -----------------------------------------------------------

static ftrt::gc::Collector* CollectorOrNull() {
  ftrt::Runtime* rt = CurrentRuntime();
  return rt == nullptr ? nullptr : ftrt::gc::Collector::Find(*rt);
}
Py_ssize_t PyGC_Collect(void) {
  ftrt::gc::Collector* c = CollectorOrNull();
  return c == nullptr ? 0 : static_cast<Py_ssize_t>(c->Collect());
}
int PyGC_Enable(void) {
  ftrt::gc::Collector* c = CollectorOrNull();
  if (c == nullptr) return 0;
  const bool was = c->enabled();
  c->Enable();
  return was ? 1 : 0;
}
int PyGC_Disable(void) {
  ftrt::gc::Collector* c = CollectorOrNull();
  if (c == nullptr) return 0;
  const bool was = c->enabled();
  c->Disable();
  return was ? 1 : 0;
}
int PyGC_IsEnabled(void) {
  ftrt::gc::Collector* c = CollectorOrNull();
  return c != nullptr && c->enabled() ? 1 : 0;
}

// ---- weak references ---------------------------------------------------------

PyObject* PyWeakref_NewRef(PyObject* ob, PyObject* callback) {
  if (ob == nullptr) {
    BadCall("PyWeakref_NewRef");
    return nullptr;
  }
  if (ob->ob_type->tp_weaklistoffset == 0) {
    ftrt::SetErrorFormat(PyExc_TypeError, "cannot create weak reference to '%s' object",
                         ob->ob_type->tp_name);
    return nullptr;
  }
  if (callback == ftrt::None()) callback = nullptr;
  return ftrt::ext::internal::NewOrRaise(ftrt::NewWeakRef(ob, callback));
}
PyObject* PyWeakref_NewProxy(PyObject* ob, PyObject* callback) {
  (void)ob;
  (void)callback;
  ftrt::SetErrorString(PyExc_TypeError, "weak proxies are not supported by ftrt");
  return nullptr;
}
int PyWeakref_GetRef(PyObject* ref, PyObject** pobj) {
  if (pobj != nullptr) *pobj = nullptr;
  if (ref == nullptr || pobj == nullptr || ref->ob_type != ftrt::WeakRefType()) {
    ftrt::SetErrorString(PyExc_TypeError, "expected a weakref");
    return -1;
  }
  ftrt::Ref<> r = ftrt::WeakRefGet(reinterpret_cast<ftrt::WeakRefObject*>(ref));
  *pobj = r.Release();
  return *pobj != nullptr ? 1 : 0;
}
// Deprecated and unsafe (borrowed): the referent may die at once.
PyObject* PyWeakref_GetObject(PyObject* ref) {
  PyObject* obj = nullptr;
  if (PyWeakref_GetRef(ref, &obj) < 0) return nullptr;
  if (obj == nullptr) return ftrt::None();
  ftrt::Decref(obj);
  return obj;
}
void PyObject_ClearWeakRefs(PyObject* op) {
  if (op != nullptr) ftrt::ClearWeakRefs(op);
}

// ---- the error indicator -----------------------------------------------------

void PyErr_SetString(PyObject* type, const char* message) {
  ftrt::SetErrorString(type, message == nullptr ? "" : message);
}
void PyErr_SetObject(PyObject* type, PyObject* value) { ftrt::SetError(type, value); }
void PyErr_SetNone(PyObject* type) { ftrt::SetNone(type); }
PyObject* PyErr_FormatV(PyObject* type, const char* format, va_list ap);
PyObject* PyErr_Format(PyObject* type, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  PyErr_FormatV(type, format, ap);
  va_end(ap);
  return nullptr;
}
PyObject* PyUnicode_FromFormatV(const char* format, va_list ap);
PyObject* PyErr_FormatV(PyObject* type, const char* format, va_list ap) {
  PyObject* msg = PyUnicode_FromFormatV(format, ap);
  if (msg != nullptr) {
    ftrt::SetError(type, msg);
    ftrt::Decref(msg);
  }
  return nullptr;
}
PyObject* PyErr_Occurred(void) {
  if (ThreadState::Current() == nullptr) return nullptr;
  return ftrt::ErrorOccurred();
}
void PyErr_Clear(void) { ftrt::ClearError(); }
int PyErr_ExceptionMatches(PyObject* exc) { return ftrt::ExceptionMatches(exc); }
int PyErr_GivenExceptionMatches(PyObject* given, PyObject* exc) {
  return ftrt::GivenExceptionMatches(given, exc);
}
PyObject* PyErr_NoMemory(void) { return ftrt::NoMemory(); }
void _PyErr_BadInternalCall(const char* filename, int lineno) {
  ftrt::SetErrorFormat(PyExc_SystemError, "%s:%d: bad argument to internal function",
                       filename == nullptr ? "?" : filename, lineno);
}
int PyErr_BadArgument(void) {
  ftrt::SetErrorString(PyExc_TypeError, "bad argument type for built-in operation");
  return 0;
}
PyObject* PyErr_GetRaisedException(void) { return ftrt::GetRaisedException().Release(); }
void PyErr_SetRaisedException(PyObject* exc) {
  ftrt::SetRaisedException(ftrt::Ref<>::Steal(exc));
}
void PyErr_Fetch(PyObject** type, PyObject** value, PyObject** tb) {
  ftrt::Ref<> t, v, b;
  ftrt::Fetch(&t, &v, &b);
  if (type != nullptr) *type = t.Release();
  if (value != nullptr) *value = v.Release();
  if (tb != nullptr) *tb = b.Release();
}
void PyErr_Restore(PyObject* type, PyObject* value, PyObject* tb) {
  ftrt::Restore(ftrt::Ref<>::Steal(type), ftrt::Ref<>::Steal(value), ftrt::Ref<>::Steal(tb));
}
// The exception being handled (sys.exception()): the C analogue of the
// except block's state. The triple forms are the pre-3.11 spelling of the
// same single exception (type and traceback derived from it; no tracebacks
// here, so the third is always None when an exception is handled).
PyObject* PyErr_GetHandledException(void) { return ftrt::GetHandledException().Release(); }
void PyErr_SetHandledException(PyObject* exc) { ftrt::SetHandledException(exc); }
void PyErr_GetExcInfo(PyObject** type, PyObject** value, PyObject** tb) {
  ftrt::Ref<> exc = ftrt::GetHandledException();
  if (!exc || exc.get() == ftrt::None()) {
    if (type != nullptr) *type = ftrt::Ref<>::NewRef(ftrt::None()).Release();
    if (value != nullptr) *value = ftrt::Ref<>::NewRef(ftrt::None()).Release();
    if (tb != nullptr) *tb = ftrt::Ref<>::NewRef(ftrt::None()).Release();
    return;
  }
  if (type != nullptr) {
    *type = ftrt::Ref<>::NewRef(reinterpret_cast<PyObject*>(exc.get()->ob_type)).Release();
  }
  if (tb != nullptr) *tb = ftrt::Ref<>::NewRef(ftrt::None()).Release();
  if (value != nullptr) {
    *value = exc.Release();
  }
}
// Steals all three; only the value counts (CPython 3.11+ does the same).
void PyErr_SetExcInfo(PyObject* type, PyObject* value, PyObject* tb) {
  ftrt::Ref<> t = ftrt::Ref<>::Steal(type);
  ftrt::Ref<> v = ftrt::Ref<>::Steal(value);
  ftrt::Ref<> b = ftrt::Ref<>::Steal(tb);
  ftrt::SetHandledException(v.get());
}
void PyErr_NormalizeException(PyObject** type, PyObject** value, PyObject** tb) {
  (void)type;
  (void)value;
  (void)tb;  // exceptions are always normalized here
}
PyObject* PyErr_NewException(const char* name, PyObject* base, PyObject* dict) {
  if (name == nullptr || std::strchr(name, '.') == nullptr) {
    ftrt::SetErrorString(PyExc_SystemError,
                         "PyErr_NewException: name must be module.class");
    return nullptr;
  }
  return ftrt::NewExceptionType(name, base, dict).Release();
}
PyObject* PyErr_NewExceptionWithDoc(const char* name, const char* doc, PyObject* base,
                                    PyObject* dict) {
  if (name == nullptr || std::strchr(name, '.') == nullptr) {
    ftrt::SetErrorString(PyExc_SystemError,
                         "PyErr_NewException: name must be module.class");
    return nullptr;
  }
  return ftrt::NewExceptionTypeWithDoc(name, doc, base, dict).Release();
}
int PyErr_WarnEx(PyObject* category, const char* message, Py_ssize_t stack_level) {
  return ftrt::WarnEx(category == nullptr ? PyExc_RuntimeWarning : category,
                      message == nullptr ? "" : message, stack_level);
}
int PyErr_WarnFormat(PyObject* category, Py_ssize_t stack_level, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  PyObject* msg = PyUnicode_FromFormatV(format, ap);
  va_end(ap);
  if (msg == nullptr) return -1;
  auto u = ftrt::StrAsUtf8(msg);
  std::string text = u.ok() ? std::string(u->data(), u->size()) : std::string();
  ftrt::Decref(msg);
  return PyErr_WarnEx(category, text.c_str(), stack_level);
}
int PyErr_ResourceWarning(PyObject* source, Py_ssize_t stack_level, const char* format, ...) {
  (void)source;
  va_list ap;
  va_start(ap, format);
  PyObject* msg = PyUnicode_FromFormatV(format, ap);
  va_end(ap);
  if (msg == nullptr) return -1;
  auto u = ftrt::StrAsUtf8(msg);
  std::string text = u.ok() ? std::string(u->data(), u->size()) : std::string();
  ftrt::Decref(msg);
  return PyErr_WarnEx(PyExc_ResourceWarning, text.c_str(), stack_level);
}
int PyErr_WarnExplicit(PyObject* category, const char* message, const char* filename,
                       int lineno, const char* module, PyObject* registry) {
  (void)filename;
  (void)lineno;
  (void)module;
  (void)registry;
  return PyErr_WarnEx(category, message, 1);
}
void PyErr_WriteUnraisable(PyObject* obj) { ftrt::WriteUnraisable(obj); }
void PyErr_FormatUnraisable(const char* format, ...) {
  ftrt::Ref<> exc = ftrt::GetRaisedException();
  if (!exc) return;
  std::string header;
  if (format != nullptr) {
    va_list ap;
    va_start(ap, format);
    PyObject* s = PyUnicode_FromFormatV(format, ap);
    va_end(ap);
    if (s != nullptr) {
      if (auto utf8 = ftrt::StrAsUtf8(s); utf8.ok()) header = std::string(*utf8);
      ftrt::Decref(s);
    }
    ftrt::ClearError();  // a failure to format is not reported over the exception
  }
  ftrt::SetRaisedException(std::move(exc));
  ftrt::WriteUnraisableWithHeader(header);
}
void PyErr_Print(void) { ftrt::PrintError(); }
void PyErr_PrintEx(int set_sys_last_vars) {
  (void)set_sys_last_vars;  // there is no sys module to keep them in
  ftrt::PrintError();
}
int Py_EnterRecursiveCall(const char* where) {
  return ftrt::internal::EnterRecursiveCall(where == nullptr ? "" : where) ? 0 : -1;
}
void Py_LeaveRecursiveCall(void) { ftrt::internal::LeaveRecursiveCall(); }
// The Python-level limit: recorded only (no Python frames run here).
namespace {
std::atomic<int> g_recursion_limit{1000};
}  // namespace
int Py_GetRecursionLimit(void) { return g_recursion_limit.load(std::memory_order_relaxed); }
void Py_SetRecursionLimit(int limit) {
  g_recursion_limit.store(limit, std::memory_order_relaxed);
}
// No tracemalloc here: "disabled", as CPython answers while it is off.
int PyTraceMalloc_Track(unsigned int domain, uintptr_t ptr, size_t size) {
  (void)domain, (void)ptr, (void)size;
  return -2;
}
int PyTraceMalloc_Untrack(unsigned int domain, uintptr_t ptr) {
  (void)domain, (void)ptr;
  return -2;
}
PyObject* PyException_GetArgs(PyObject* exc) { return ftrt::ExceptionGetArgs(exc).Release(); }
void PyException_SetArgs(PyObject* exc, PyObject* args) { ftrt::ExceptionSetArgs(exc, args); }
PyObject* PyException_GetCause(PyObject* exc) { return ftrt::ExceptionGetCause(exc).Release(); }
void PyException_SetCause(PyObject* exc, PyObject* cause) {
  ftrt::ExceptionSetCause(exc, ftrt::Ref<>::Steal(cause));
}
PyObject* PyException_GetContext(PyObject* exc) {
  return ftrt::ExceptionGetContext(exc).Release();
}
void PyException_SetContext(PyObject* exc, PyObject* ctx) {
  ftrt::ExceptionSetContext(exc, ftrt::Ref<>::Steal(ctx));
}
PyObject* PyException_GetTraceback(PyObject* exc) {
  return ftrt::ExceptionGetTraceback(exc).Release();
}
int PyException_SetTraceback(PyObject* exc, PyObject* tb) {
  (void)exc;
  if (tb != nullptr && tb != ftrt::None()) {
    ftrt::SetErrorString(PyExc_TypeError, "__traceback__ must be a traceback or None");
    return -1;
  }
  return 0;
}

// PyOS_snprintf / PyOS_vsnprintf (pyerrors.h): the C library's, plus the
// guaranteed terminator.
int PyOS_vsnprintf(char* str, size_t size, const char* format, va_list va) {
  int len;
  if (size > static_cast<size_t>(INT_MAX) - 1) {
    len = -666;  // CPython's value for a size that does not fit an int
  } else {
    len = std::vsnprintf(str, size, format, va);
  }
  if (size > 0) str[size - 1] = '\0';
  return len;
}

int PyOS_snprintf(char* str, size_t size, const char* format, ...) {
  va_list va;
  va_start(va, format);
  int len = PyOS_vsnprintf(str, size, format, va);
  va_end(va);
  return len;
}

}  // extern "C"
