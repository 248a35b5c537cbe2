/* Per-object critical sections (CPython 3.13t's critical_section.h).
 *
 *   Py_BEGIN_CRITICAL_SECTION(op);
 *   ... op's mutable state may be read and written here ...
 *   Py_END_CRITICAL_SECTION();
 *
 * locks the object's own mutex (ob_mutex in its header). The _2 variant
 * locks two objects' mutexes without deadlock whatever the order of its
 * arguments. The sections of a thread form a stack of frames on the C
 * stack (the PyCriticalSection structs below, laid out as sync/'s
 * CriticalSectionFrame / CriticalSectionFrame2, which the exported
 * functions hand over unchanged).
 *
 * THE CONTRACT (as in CPython): only the innermost section is guaranteed
 * held. Whenever the thread may block inside a section (it takes another
 * lock, begins a nested section on a contended object, calls
 * Py_BEGIN_ALLOW_THREADS, or calls code that may do any of these, such as
 * Py_DECREF of an object whose finalizer runs), outer sections may be
 * suspended (their mutexes released) and re-taken later. Re-validate what
 * you read from an outer section's object after such a call. In exchange,
 * no nesting of sections can deadlock.
 *
 * The macros open and close a C block: BEGIN and END must pair up in the
 * same function and block, and no `return`, `goto` or `break` may leave the
 * block between them (the frame would stay on the thread's stack). A
 * section is held by the thread, not by a function: do not end it on
 * another thread. */
#ifndef Py_CRITICAL_SECTION_H
#define Py_CRITICAL_SECTION_H

#include <stdint.h>

#include "pyport.h"
#include "pytypedefs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct PyCriticalSection {
  /* Tagged pointer to the enclosing active section (or 0); private. */
  uintptr_t _cs_prev;
  /* The mutex this section holds; private. */
  PyMutex* _cs_mutex;
} PyCriticalSection;

typedef struct PyCriticalSection2 {
  PyCriticalSection _cs_base;
  /* The second mutex (the higher-addressed one), or NULL; private. */
  PyMutex* _cs_mutex2;
} PyCriticalSection2;

PyAPI_FUNC(void) PyCriticalSection_Begin(PyCriticalSection* c, PyObject* op);
PyAPI_FUNC(void) PyCriticalSection_End(PyCriticalSection* c);
PyAPI_FUNC(void) PyCriticalSection2_Begin(PyCriticalSection2* c, PyObject* a,
                                          PyObject* b);
PyAPI_FUNC(void) PyCriticalSection2_End(PyCriticalSection2* c);

#define Py_BEGIN_CRITICAL_SECTION(op) \
  {                                   \
    PyCriticalSection _py_cs;         \
    PyCriticalSection_Begin(&_py_cs, _PyObject_CAST(op))

#define Py_END_CRITICAL_SECTION()  \
    PyCriticalSection_End(&_py_cs); \
  }

#define Py_BEGIN_CRITICAL_SECTION2(a, b) \
  {                                      \
    PyCriticalSection2 _py_cs2;          \
    PyCriticalSection2_Begin(&_py_cs2, _PyObject_CAST(a), _PyObject_CAST(b))

#define Py_END_CRITICAL_SECTION2()     \
    PyCriticalSection2_End(&_py_cs2); \
  }

#ifdef __cplusplus
}
#endif

#endif /* !Py_CRITICAL_SECTION_H */
