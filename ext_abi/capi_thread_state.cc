// libftrt.so: creating, switching and deleting thread states
// (PyThreadState_New & co., PyEval_AcquireThread / ReleaseThread), the one
// interpreter (PyInterpreterState_*), and thread-specific storage
// (PyThread_tss_*): the per-thread state an extension manages itself.
//
// ftrt keeps one ThreadState per OS thread and runtime (runtime/'s
// Runtime::BoundThreadState), so CPython's free-standing thread-state
// objects map onto it: a handle is the thread's own state and is only
// valid on that thread. Every call checks that and stops the process with
// a message naming the call when it is broken: CPython would corrupt its
// state or deadlock in the same places (pystate.h has the table).
#include <pthread.h>

#include <climits>

#include <cstdlib>

#include "ext_abi/capi_internal.h"
#include "runtime/runtime.h"
#include "runtime/thread_state.h"

// Python.h's types, as C sees them (ext_abi/include/pystate.h,
// pythread.h).
typedef struct _ts PyThreadState;  // our ThreadState
typedef struct _is PyInterpreterState;  // our Runtime
struct _Py_tss_t {
  int _is_initialized;
  unsigned int _key;  // pthread_key_t
};
typedef struct _Py_tss_t Py_tss_t;
static_assert(sizeof(Py_tss_t) == 8, "CPython's Py_tss_t on Linux: int + pthread_key_t");

extern "C" void Py_FatalError(const char* message);

namespace {

using ftrt::Runtime;
using ftrt::ThreadState;

PyThreadState* AsPy(ThreadState* ts) { return reinterpret_cast<PyThreadState*>(ts); }
ThreadState* FromPy(PyThreadState* ts) { return reinterpret_cast<ThreadState*>(ts); }
PyInterpreterState* AsInterp(Runtime* rt) { return reinterpret_cast<PyInterpreterState*>(rt); }

// ts, checked to be the calling thread's own state.
ThreadState* OwnState(PyThreadState* tstate, const char* fatal_message) {
  ThreadState* ts = FromPy(tstate);
  if (ts == nullptr || ts->runtime().BoundThreadState() != ts) Py_FatalError(fatal_message);
  return ts;
}

}  // namespace

extern "C" {

// ---- the interpreter ------------------------------------------------------

PyInterpreterState* PyInterpreterState_Get(void) {
  ThreadState* ts = ThreadState::Current();
  if (ts == nullptr) {
    Py_FatalError("PyInterpreterState_Get: the calling thread is not attached (no thread state)");
  }
  return AsInterp(&ts->runtime());
}

PyInterpreterState* PyInterpreterState_Main(void) {
  return AsInterp(ftrt::ext::internal::CurrentRuntime());
}

int64_t PyInterpreterState_GetID(PyInterpreterState* interp) {
  if (interp == nullptr) Py_FatalError("PyInterpreterState_GetID: NULL interpreter");
  return 0;  // the only one
}

PyInterpreterState* PyThreadState_GetInterpreter(PyThreadState* tstate) {
  if (tstate == nullptr) Py_FatalError("PyThreadState_GetInterpreter: NULL thread state");
  return AsInterp(&FromPy(tstate)->runtime());
}

// ---- thread states --------------------------------------------------------

PyThreadState* PyGILState_GetThisThreadState(void) {
  Runtime* rt = ftrt::ext::internal::CurrentRuntime();
  return rt == nullptr ? nullptr : AsPy(rt->BoundThreadState());
}

PyThreadState* PyThreadState_New(PyInterpreterState* interp) {
  auto* rt = reinterpret_cast<Runtime*>(interp);
  if (rt == nullptr) Py_FatalError("PyThreadState_New: NULL interpreter");
  if (ThreadState* mine = rt->BoundThreadState()) return AsPy(mine);
  if (ThreadState::Current() != nullptr) {
    Py_FatalError("PyThreadState_New: the calling thread is attached to another runtime");
  }
  // Attaching once makes the state (heap, QSBR slot); it stays detached.
  if (!rt->TryAttach().ok()) return nullptr;  // finalization has begun
  ThreadState* ts = ThreadState::Current();
  rt->Detach();
  return AsPy(ts);
}

void PyEval_AcquireThread(PyThreadState* tstate) {
  ThreadState* ts = OwnState(tstate,
                             "PyEval_AcquireThread: not the calling thread's thread state "
                             "(ftrt keeps one per thread: use PyThreadState_New on this thread)");
  if (ThreadState::Current() != nullptr) {
    Py_FatalError("PyEval_AcquireThread: the calling thread is attached already");
  }
  ts->runtime().Attach();  // blocks for ever after the final stop
}

void PyEval_ReleaseThread(PyThreadState* tstate) {
  ThreadState* ts = FromPy(tstate);
  if (ts == nullptr || ThreadState::Current() != ts) {
    Py_FatalError("PyEval_ReleaseThread: not the calling thread's current thread state");
  }
  ts->runtime().Detach();
}

PyThreadState* PyThreadState_Swap(PyThreadState* tstate) {
  ThreadState* old = ThreadState::Current();
  if (FromPy(tstate) == old) return AsPy(old);
  ThreadState* next = tstate == nullptr
                          ? nullptr
                          : OwnState(tstate, "PyThreadState_Swap: not the calling thread's thread state");
  if (old != nullptr) old->runtime().Detach();
  if (next != nullptr) next->runtime().Attach();
  return AsPy(old);
}

void PyThreadState_Clear(PyThreadState* tstate) {
  ThreadState* ts = FromPy(tstate);
  if (ts == nullptr || ThreadState::Current() != ts) {
    Py_FatalError("PyThreadState_Clear: ftrt clears only the calling thread's current state");
  }
  ftrt::ext::internal::DropThreadDict(ts);
}

void PyThreadState_Delete(PyThreadState* tstate) {
  ThreadState* ts = OwnState(tstate, "PyThreadState_Delete: not the calling thread's thread state");
  if (ThreadState::Current() == ts) Py_FatalError("PyThreadState_Delete: tstate is still current");
  ts->runtime().ReleaseCurrentThread();
}

void PyThreadState_DeleteCurrent(void) {
  ThreadState* ts = ThreadState::Current();
  if (ts == nullptr) Py_FatalError("PyThreadState_DeleteCurrent: no current thread state");
  Runtime& rt = ts->runtime();
  rt.Detach();
  rt.ReleaseCurrentThread();
}

// ---- thread-specific storage ----------------------------------------------

static_assert(sizeof(pthread_key_t) == sizeof(unsigned int), "Py_tss_t holds a pthread_key_t");

void PyThread_tss_delete(Py_tss_t* key);  // below

Py_tss_t* PyThread_tss_alloc(void) {
  return static_cast<Py_tss_t*>(std::calloc(1, sizeof(Py_tss_t)));  // Py_tss_NEEDS_INIT
}

void PyThread_tss_free(Py_tss_t* key) {
  if (key == nullptr) return;
  PyThread_tss_delete(key);
  std::free(key);
}

int PyThread_tss_is_created(Py_tss_t* key) { return key != nullptr && key->_is_initialized != 0; }

int PyThread_tss_create(Py_tss_t* key) {
  if (key == nullptr) return -1;
  if (key->_is_initialized) return 0;
  pthread_key_t k;
  if (pthread_key_create(&k, nullptr) != 0) return -1;
  key->_key = k;
  key->_is_initialized = 1;
  return 0;
}

void PyThread_tss_delete(Py_tss_t* key) {
  if (key == nullptr || !key->_is_initialized) return;
  pthread_key_delete(key->_key);
  key->_is_initialized = 0;
}

int PyThread_tss_set(Py_tss_t* key, void* value) {
  if (key == nullptr || !key->_is_initialized) return -1;
  return pthread_setspecific(key->_key, value) == 0 ? 0 : -1;
}

void* PyThread_tss_get(Py_tss_t* key) {
  if (key == nullptr || !key->_is_initialized) return nullptr;
  return pthread_getspecific(key->_key);
}

// The pre-3.7 API: the int key is the pthread key (an unsigned int that
// fits), -1 when none could be made.
int PyThread_create_key(void) {
  pthread_key_t k;
  if (pthread_key_create(&k, nullptr) != 0 || k > static_cast<pthread_key_t>(INT_MAX)) return -1;
  return static_cast<int>(k);
}
void PyThread_delete_key(int key) {
  if (key >= 0) pthread_key_delete(static_cast<pthread_key_t>(key));
}
int PyThread_set_key_value(int key, void* value) {
  if (key < 0) return -1;
  return pthread_setspecific(static_cast<pthread_key_t>(key), value) == 0 ? 0 : -1;
}
void* PyThread_get_key_value(int key) {
  return key < 0 ? nullptr : pthread_getspecific(static_cast<pthread_key_t>(key));
}
void PyThread_delete_key_value(int key) {
  if (key >= 0) pthread_setspecific(static_cast<pthread_key_t>(key), nullptr);
}
void PyThread_ReInitTLS(void) {}  // nothing to redo after fork: pthread keys survive it

// Threads the runtime starts get the platform's default stack: size 0
// (the default) is accepted, any other is -2, "not supported", one of
// CPython's documented answers (-1 is for sizes below the minimum).
size_t PyThread_get_stacksize(void) { return 0; }
int PyThread_set_stacksize(size_t size) {
  if (size == 0) return 0;
  if (size < 32768) return -1;
  return -2;
}

}  // extern "C"
