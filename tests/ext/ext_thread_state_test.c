/* Thread states made, switched and deleted by hand (PyThreadState_New,
 * PyEval_AcquireThread / ReleaseThread, PyThreadState_Swap / Clear /
 * Delete / DeleteCurrent), the interpreter queries, and thread-specific
 * storage (PyThread_tss_*), from C.
 *
 *   - the main thread: one interpreter (Get == Main, id 0, the thread
 *     state's interpreter); PyGILState_GetThisThreadState is the thread's
 *     state attached or not; Swap(NULL) detaches and Swap(ts) attaches;
 *     Clear drops the thread's dict (a capsule's destructor runs) and a new
 *     one is made after;
 *   - misuse is a fatal error naming the call (in a forked child: deleting
 *     the current state, acquiring another thread's state);
 *   - kThreads foreign threads (more than the machine's cores), each: New
 *     (twice: the same state), Acquire / Release rounds with random yields
 *     from a per-thread seed, objects made and left in a shared list, its
 *     own TSS value, Clear + DeleteCurrent, then a second state (New,
 *     Acquire, Release, Delete); run under TSan too;
 *   - TSS: static and allocated keys, create twice, set/get per thread,
 *     delete;
 *   - fork() by hand with PyOS_BeforeFork / AfterFork_Parent /
 *     AfterFork_Child while kThreads threads make and drop objects and
 *     append to a shared list: the child's one thread goes on (objects the
 *     gone threads owned, the list, a collection) and exits 0; the parent's
 *     threads go on too;
 *   - the objects the deleted states owned are intact afterwards, and
 *     nothing leaks after Py_FinalizeEx. */
#include "Python.h" /* first: it sets the feature macros */

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6, kRounds = 20 };

static atomic_long g_destroyed; /* capsule destructors run */
static atomic_long g_errors;
static PyObject* g_list;        /* objects the threads leave behind */
static Py_tss_t g_key = Py_tss_NEEDS_INIT;
static Py_tss_t* g_heap_key;

static void count_destructor(PyObject* capsule) {
  (void)capsule;
  atomic_fetch_add(&g_destroyed, 1);
}

/* Puts a capsule with a counting destructor in the thread's dict. */
static void fill_thread_dict(void) {
  PyObject* d = PyThreadState_GetDict();
  CHECK(d != NULL);
  PyObject* c = PyCapsule_New(&g_destroyed, "ext_thread_state_test.c", count_destructor);
  CHECK(c != NULL);
  CHECK(PyDict_SetItemString(d, "c", c) == 0);
  Py_DECREF(c);
}

/* ---- main thread -------------------------------------------------------- */

static void test_main_thread(void) {
  PyThreadState* ts = PyThreadState_Get();
  PyInterpreterState* interp = PyInterpreterState_Get();
  CHECK(interp != NULL);
  CHECK(interp == PyInterpreterState_Main());
  CHECK(PyThreadState_GetInterpreter(ts) == interp);
  CHECK_EQ_LL(PyInterpreterState_GetID(interp), 0);
  CHECK(PyThreadState_New(interp) == ts); /* one state per thread */
  CHECK(PyGILState_GetThisThreadState() == ts);

  PyThreadState* saved = PyEval_SaveThread();
  CHECK(saved == ts);
  CHECK(PyGILState_Check() == 0);
  CHECK(PyGILState_GetThisThreadState() == ts); /* detached, still ours */
  PyEval_RestoreThread(saved);

  CHECK(PyThreadState_Swap(NULL) == ts);
  CHECK(PyGILState_Check() == 0);
  CHECK(PyThreadState_GetUnchecked() == NULL);
  CHECK(PyThreadState_Swap(NULL) == NULL); /* nothing to detach */
  CHECK(PyThreadState_Swap(ts) == NULL);
  CHECK(PyThreadState_Get() == ts);
  CHECK(PyThreadState_Swap(ts) == ts); /* already current */

  PyEval_ReleaseThread(ts);
  PyEval_AcquireThread(ts);
  CHECK(PyThreadState_Get() == ts);

  long before = atomic_load(&g_destroyed);
  fill_thread_dict();
  PyObject* d = PyThreadState_GetDict();
  PyThreadState_Clear(ts);
  CHECK_EQ_LL(atomic_load(&g_destroyed), before + 1);
  PyObject* d2 = PyThreadState_GetDict();
  CHECK(d2 != NULL);
  (void)d; /* freed by Clear: only its identity would be compared */
  CHECK_EQ_LL(PyDict_Size(d2), 0);
}

/* ---- misuse: fatal errors, in a child process ---------------------------- */

/* Another thread that makes its state, hands it over and waits (so the
 * state stays alive) until told to exit. */
static _Atomic(PyThreadState*) g_other_state;
static atomic_int g_other_may_exit;
static void* other_thread(void* unused) {
  (void)unused;
  atomic_store(&g_other_state, PyThreadState_New(PyInterpreterState_Main()));
  while (!atomic_load(&g_other_may_exit)) sched_yield();
  return NULL;
}

/* Runs misuse() in a forked child; checks that it aborted with a message
 * containing `expected` on stderr. */
static void expect_fatal(void (*misuse)(void), const char* expected) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 2);
    close(fds[0]);
    misuse();
    _exit(0); /* not reached if the check works */
  }
  close(fds[1]);
  char buf[1024] = {0};
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fds[0], buf + n, sizeof buf - 1 - n);
    if (r <= 0) break;
    n += (size_t)r;
  }
  close(fds[0]);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT || strstr(buf, expected) == NULL) {
    fprintf(stderr, "expected a fatal error with '%s'; status %d, stderr:\n%s\n", expected,
            status, buf);
    CHECK(0);
  }
}

static void delete_current(void) { PyThreadState_Delete(PyThreadState_Get()); }

static PyThreadState* g_foreign_state;
static void acquire_foreign(void) {
  PyThreadState* mine = PyEval_SaveThread();
  (void)mine;
  PyEval_AcquireThread(g_foreign_state);
}

static void test_misuse(void) {
  expect_fatal(delete_current, "PyThreadState_Delete: tstate is still current");
  pthread_t t;
  Py_BEGIN_ALLOW_THREADS
  CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0);
  while (atomic_load(&g_other_state) == NULL) sched_yield();
  Py_END_ALLOW_THREADS
  g_foreign_state = atomic_load(&g_other_state);
  CHECK(g_foreign_state != PyThreadState_Get());
  expect_fatal(acquire_foreign, "PyEval_AcquireThread: not the calling thread's thread state");
  atomic_store(&g_other_may_exit, 1);
  Py_BEGIN_ALLOW_THREADS
  CHECK(pthread_join(t, NULL) == 0);
  Py_END_ALLOW_THREADS
}

/* ---- TSS ----------------------------------------------------------------- */

static void test_tss_single(void) {
  CHECK(PyThread_tss_is_created(&g_key) == 0);
  CHECK(PyThread_tss_create(&g_key) == 0);
  CHECK(PyThread_tss_is_created(&g_key) == 1);
  CHECK(PyThread_tss_create(&g_key) == 0); /* already: nothing happens */
  CHECK(PyThread_tss_get(&g_key) == NULL);
  int x = 0;
  CHECK(PyThread_tss_set(&g_key, &x) == 0);
  CHECK(PyThread_tss_get(&g_key) == &x);

  g_heap_key = PyThread_tss_alloc();
  CHECK(g_heap_key != NULL);
  CHECK(PyThread_tss_is_created(g_heap_key) == 0);
  CHECK(PyThread_tss_create(g_heap_key) == 0);
  CHECK(PyThread_tss_get(g_heap_key) == NULL);

  Py_tss_t* scratch = PyThread_tss_alloc();
  CHECK(scratch != NULL && PyThread_tss_create(scratch) == 0);
  PyThread_tss_delete(scratch);
  CHECK(PyThread_tss_is_created(scratch) == 0);
  CHECK(PyThread_tss_set(scratch, &x) == -1); /* deleted */
  PyThread_tss_free(scratch);
}

/* ---- foreign threads ----------------------------------------------------- */

static void* foreign(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  int mine = 0; /* its address is this thread's TSS value */
  PyInterpreterState* interp = PyInterpreterState_Main();
  PyThreadState* ts = PyThreadState_New(interp);
  if (ts == NULL || PyThreadState_New(interp) != ts || PyGILState_Check() != 0 ||
      PyGILState_GetThisThreadState() != ts) {
    atomic_fetch_add(&g_errors, 1);
    return NULL;
  }
  if (PyThread_tss_get(&g_key) != NULL) atomic_fetch_add(&g_errors, 1); /* unset here */
  if (PyThread_tss_set(&g_key, &mine) != 0) atomic_fetch_add(&g_errors, 1);
  if (PyThread_tss_set(g_heap_key, &seed) != 0) atomic_fetch_add(&g_errors, 1);
  for (int r = 0; r < kRounds; r++) {
    PyEval_AcquireThread(ts);
    if (PyThreadState_Get() != ts) atomic_fetch_add(&g_errors, 1);
    PyObject* v = PyLong_FromLong((long)(seed % 1000) * 1000 + r);
    PyObject* t = PyTuple_Pack(2, v, v); /* owned by this thread */
    if (t == NULL || PyList_Append(g_list, t) < 0) atomic_fetch_add(&g_errors, 1);
    Py_XDECREF(t);
    Py_DECREF(v);
    if (ext_test_next_random(&seed) % 4 == 0) sched_yield();
    PyEval_ReleaseThread(ts);
    if (ext_test_next_random(&seed) % 4 == 0) sched_yield();
    if (PyThread_tss_get(&g_key) != &mine) atomic_fetch_add(&g_errors, 1);
  }
  if (PyThread_tss_get(g_heap_key) != &seed) atomic_fetch_add(&g_errors, 1);
  PyEval_AcquireThread(ts);
  fill_thread_dict();
  PyThreadState_Clear(ts); /* the capsule's destructor runs */
  PyThreadState_DeleteCurrent();
  if (PyGILState_GetThisThreadState() != NULL || PyGILState_Check() != 0) {
    atomic_fetch_add(&g_errors, 1);
  }
  /* A second state for the same thread, deleted while detached. */
  PyThreadState* ts2 = PyThreadState_New(interp);
  if (ts2 == NULL) {
    atomic_fetch_add(&g_errors, 1);
    return NULL;
  }
  PyEval_AcquireThread(ts2);
  fill_thread_dict(); /* dropped by Delete's thread exit path */
  PyEval_ReleaseThread(ts2);
  PyThreadState_Delete(ts2);
  if (PyGILState_GetThisThreadState() != NULL) atomic_fetch_add(&g_errors, 1);
  return NULL;
}

static void test_foreign_threads(unsigned seed) {
  g_list = PyList_New(0);
  CHECK(g_list != NULL);
  long before = atomic_load(&g_destroyed);
  ext_test_run_threads(kThreads, foreign, seed);
  CHECK_EQ_LL(atomic_load(&g_errors), 0);
  CHECK_EQ_LL(atomic_load(&g_destroyed), before + 2 * kThreads);
  /* Everything the deleted states owned is intact. */
  CHECK_EQ_LL(PyList_Size(g_list), (long long)kThreads * kRounds);
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(g_list); i++) {
    PyObject* t = PyList_GET_ITEM(g_list, i);
    CHECK(PyTuple_Check(t) && PyTuple_GET_SIZE(t) == 2);
    CHECK(PyTuple_GET_ITEM(t, 0) == PyTuple_GET_ITEM(t, 1));
    CHECK(PyLong_AsLong(PyTuple_GET_ITEM(t, 0)) % 1000 < kRounds);
  }
  Py_CLEAR(g_list);
  /* The main thread's TSS values are its own. */
  CHECK(PyThread_tss_get(g_heap_key) == NULL);
}

/* ---- fork by hand ---------------------------------------------------------- */

static atomic_int g_fork_stop;
static PyObject* g_fork_list; /* appended to by the busy threads */

static void* busy_thread(void* arg) {
  unsigned state = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  while (!atomic_load(&g_fork_stop)) {
    PyObject* o = Py_BuildValue("(is)", (int)(ext_test_next_random(&state) % 1000), "x");
    CHECK(o != NULL);
    if (ext_test_next_random(&state) % 4 == 0) CHECK(PyList_Append(g_fork_list, o) == 0);
    Py_DECREF(o);
    if (ext_test_next_random(&state) % 8 == 0) {
      Py_BEGIN_ALLOW_THREADS
      sched_yield();
      Py_END_ALLOW_THREADS
    }
  }
  PyGILState_Release(g);
  return NULL;
}

/* In the child: only this thread is left; the C API works and the objects
 * the other threads made (in the list) are intact. */
static int child_work(void) {
  Py_ssize_t n = PyList_Size(g_fork_list);
  if (n < 0) return 10;
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject* item = PyList_GetItem(g_fork_list, i);
    if (item == NULL || !PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) return 11;
  }
  for (int i = 0; i < 1000; i++) {
    PyObject* o = PyLong_FromLong(100000 + i);
    if (o == NULL || PyList_Append(g_fork_list, o) != 0) return 12;
    Py_DECREF(o);
  }
  if (PyList_Size(g_fork_list) != n + 1000) return 13;
  if (PyGC_Collect() < 0) return 14;
  Py_CLEAR(g_fork_list);
  return 0;
}

static void test_fork_by_hand(unsigned seed) {
  g_fork_list = PyList_New(0);
  CHECK(g_fork_list != NULL);
  pthread_t threads[kThreads];
  Py_BEGIN_ALLOW_THREADS
  for (int i = 0; i < kThreads; i++) {
    CHECK(pthread_create(&threads[i], NULL, busy_thread, (void*)(uintptr_t)(seed + i)) == 0);
  }
  Py_END_ALLOW_THREADS
  for (int round = 0; round < 3; round++) {
    Py_BEGIN_ALLOW_THREADS
    sched_yield();
    Py_END_ALLOW_THREADS
    fflush(stdout);
    fflush(stderr);
    PyOS_BeforeFork();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      PyOS_AfterFork_Child();
      _exit(child_work());
    }
    PyOS_AfterFork_Parent();
    int status = 0;
    Py_BEGIN_ALLOW_THREADS
    CHECK(waitpid(pid, &status, 0) == pid);
    Py_END_ALLOW_THREADS
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "child: status %d\n", status);
      CHECK(0);
    }
  }
  atomic_store(&g_fork_stop, 1);
  Py_BEGIN_ALLOW_THREADS
  for (int i = 0; i < kThreads; i++) CHECK(pthread_join(threads[i], NULL) == 0);
  Py_END_ALLOW_THREADS
  CHECK(PyList_Size(g_fork_list) >= 0);
  Py_CLEAR(g_fork_list);
}

int main(void) {
  const unsigned seed = ext_test_seed();
  CHECK(PyInterpreterState_Main() == NULL); /* before Py_Initialize */
  Py_Initialize();
  test_main_thread();
  test_misuse();
  test_tss_single();
  test_foreign_threads(seed);
  test_fork_by_hand(seed);
  PyThread_tss_free(g_heap_key);
  PyThread_tss_delete(&g_key);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
