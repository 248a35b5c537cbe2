/* ft_racy under ThreadSanitizer: its unguarded counter must be reported.
 * Only built under --config=tsan (ONLY_WITH_TSAN in the BUILD rule).
 *
 * The test re-runs itself as a child ("child" argument) that calls
 * ft_racy.bump() from 4 threads (more than the 2 cores); the parent reads
 * the child's stderr and asserts TSan reported a data race in ft_racy. A
 * free-threaded runtime does not hide the race: Py_MOD_GIL_NOT_USED keeps
 * the GIL off. */
#define _GNU_SOURCE /* popen, pclose */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

enum { kThreads = 4 };
static PyObject* g_module;

static void* worker(void* arg) {
  (void)arg;
  PyGILState_STATE st = PyGILState_Ensure();
  for (int i = 0; i < 2000; i++) {
    PyObject* r = PyObject_CallMethod(g_module, "bump", NULL);
    CHECK(r != NULL);
    Py_DECREF(r);
  }
  PyGILState_Release(st);
  return NULL;
}

static int child(const char* path) {
  Py_Initialize();
  g_module = ftrt_ImportExtension("ft_racy", path);
  if (g_module == NULL) ext_test_die_with_error("import ft_racy");
  PyThreadState* ts = PyEval_SaveThread();
  pthread_t t[kThreads];
  for (int i = 0; i < kThreads; i++) CHECK(pthread_create(&t[i], NULL, worker, NULL) == 0);
  for (int i = 0; i < kThreads; i++) CHECK(pthread_join(t[i], NULL) == 0);
  PyEval_RestoreThread(ts);
  Py_DECREF(g_module);
  /* No leak-count assertion here (ftrt_LeakedObjectsAtLastFinalize): with
   * TSAN_OPTIONS=halt_on_error=1 the child stops at the race it exists to
   * show, before it gets this far. */
  return Py_FinalizeEx();
}

int main(int argc, char** argv) {
  CHECK(argc >= 2);
  if (argc >= 3 && strcmp(argv[2], "child") == 0) return child(argv[1]);
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' '%s' child 2>&1", argv[0], argv[1]);
  FILE* p = popen(cmd, "r");
  CHECK(p != NULL);
  size_t cap = 1 << 20, len = 0;
  char* out = malloc(cap);
  CHECK(out != NULL);
  size_t n;
  while ((n = fread(out + len, 1, cap - 1 - len, p)) > 0) {
    len += n;
    if (len + 1 >= cap) break;
  }
  out[len] = '\0';
  int status = pclose(p);
  fprintf(stderr, "child exit status %d; output:\n%s\n", status, out);
  CHECK(strstr(out, "WARNING: ThreadSanitizer: data race") != NULL);
  CHECK(strstr(out, "ft_racy_bump") != NULL);
  CHECK(status != 0);
  free(out);
  printf("ext_racy_tsan_test: TSan reported the race\n");
  return 0;
}
