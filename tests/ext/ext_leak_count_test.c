/* ftrt_LeakedObjectsAtLastFinalize can fail: a deliberate leak is counted.
 *
 * The other test hosts assert that the count is 0 after their
 * Py_FinalizeEx; this one proves that such an assertion has teeth. A
 * list with one reference too many (an extension's missing Py_DECREF, here
 * an extra Py_INCREF) outlives Py_FinalizeEx's collections (it is in no
 * cycle: the collector is right not to free it), so the count is at least
 * 1. LeakSanitizer would not see it: the runtime's allocator frees it
 * silently when the runtime goes. Then a second runtime,
 * finalized cleanly, counts 0 again: the figure is per finalization.
 * (Under the debug-check configurations the leaked objects are also
 * listed on stderr.) */
#include "Python.h"
#include "tests/ext/ext_test_util.h"

int main(void) {
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), -1); /* none yet */

  Py_Initialize();
  PyObject* list = PyList_New(0);
  CHECK(list != NULL);
  Py_INCREF(list); /* the deliberate leak: never given back */
  Py_DECREF(list); /* drops the one reference the test owned */
  CHECK(Py_FinalizeEx() == 0);
  const Py_ssize_t leaked = ftrt_LeakedObjectsAtLastFinalize();
  printf("ext_leak_count_test: %lld leaked after the deliberate leak\n", (long long)leaked);
  CHECK(leaked >= 1);

  /* A clean runtime afterwards: 0 again. */
  Py_Initialize();
  PyObject* ok = PyList_New(3);
  CHECK(ok != NULL);
  Py_DECREF(ok);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_leak_count_test: OK\n");
  return 0;
}
