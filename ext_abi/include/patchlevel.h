/* The CPython version whose C API ftrt's Python.h offers: 3.13.
 *
 * Extensions choose code paths with `#if PY_VERSION_HEX >= 0x030D0000`
 * (PyDict_GetItemRef, PyList_GetItemRef, PyMutex, critical sections are all
 * 3.13 API), so claiming 3.13 makes them take the paths this header
 * supports. The few 3.14 additions offered (PyUnstable_Object_
 * EnableDeferredRefcount) are declared unconditionally. */
#ifndef Py_PATCHLEVEL_H
#define Py_PATCHLEVEL_H

#define PY_RELEASE_LEVEL_ALPHA 0xA
#define PY_RELEASE_LEVEL_BETA 0xB
#define PY_RELEASE_LEVEL_GAMMA 0xC
#define PY_RELEASE_LEVEL_FINAL 0xF

#define PY_MAJOR_VERSION 3
#define PY_MINOR_VERSION 13
#define PY_MICRO_VERSION 0
#define PY_RELEASE_LEVEL PY_RELEASE_LEVEL_FINAL
#define PY_RELEASE_SERIAL 0

#define PY_VERSION "3.13.0+ftrt"

#define PY_VERSION_HEX                                      \
  ((PY_MAJOR_VERSION << 24) | (PY_MINOR_VERSION << 16) |    \
   (PY_MICRO_VERSION << 8) | (PY_RELEASE_LEVEL << 4) |      \
   (PY_RELEASE_SERIAL << 0))

#endif /* !Py_PATCHLEVEL_H */
