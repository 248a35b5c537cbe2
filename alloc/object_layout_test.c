/* The layout header compiles as C11 and has CPython 3.13t's offsets there
 * too (the C++ side is checked by static_asserts in the header). */
#include "alloc/object_layout.h"

#include <stdio.h>

int main(void) {
  int failures = 0;
#define CHECK_OFFSET(field, want)                                              \
  if (offsetof(struct _object, field) != (want)) {                            \
    printf("offset of %s is %zu, want %d\n", #field,                           \
           offsetof(struct _object, field), (want));                          \
    ++failures;                                                                \
  }
  CHECK_OFFSET(ob_tid, 0);
  CHECK_OFFSET(ob_flags, 8);
  CHECK_OFFSET(ob_mutex, 10);
  CHECK_OFFSET(ob_gc_bits, 11);
  CHECK_OFFSET(ob_ref_local, 12);
  CHECK_OFFSET(ob_ref_shared, 16);
  CHECK_OFFSET(ob_type, 24);
  if (sizeof(PyMutex) != 1) { printf("PyMutex is not one byte\n"); ++failures; }
  if (sizeof(struct _varobject) != 40) { printf("varobject size\n"); ++failures; }
  printf("%d passed, %d failed\n", 9 - failures, failures);
  return failures == 0 ? 0 : 1;
}
