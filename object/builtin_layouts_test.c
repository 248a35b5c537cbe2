/* The built-in types' layouts compile as C11 and have CPython 3.13's
 * offsets there too (the C++ side asserts the same in the header). */
#include <stddef.h>
#include <stdio.h>

#include "object/builtin_layouts.h"

int main(void) {
  int failures = 0;
#define CHECK(cond)                                  \
  do {                                               \
    if (!(cond)) {                                   \
      fprintf(stderr, "layout check failed: %s\n", #cond); \
      ++failures;                                    \
    }                                                \
  } while (0)
  CHECK(sizeof(PyASCIIObject) == 56);
  CHECK(sizeof(PyCompactUnicodeObject) == 72);
  CHECK(offsetof(PyASCIIObject, state) == 48);
  CHECK(offsetof(PyTupleObject, ob_item) == 40);
  CHECK(offsetof(PyListObject, ob_item) == 40);
  CHECK(offsetof(PyListObject, allocated) == 48);
  CHECK(offsetof(PyBytesObject, ob_sval) == 48);
  CHECK(offsetof(PyFloatObject, ob_fval) == 32);
  CHECK(offsetof(PyDictObject, ma_used) == 32);
  {
    /* The state bits: kind 4, compact and ascii clear, read back as set. */
    PyASCIIObject s = {0};
    s.state.kind = PyUnicode_4BYTE_KIND;
    s.state.compact = 1;
    CHECK(s.state.kind == 4 && s.state.compact == 1 && s.state.ascii == 0);
  }
  return failures == 0 ? 0 : 1;
}
