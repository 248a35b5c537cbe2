/* reversed (CPython's enumobject.h; enumerate is not there yet).
 * PyReversed_Type is the builtin reversed: calling it with a sequence
 * gives an iterator from its last item to its first, or what the type's
 * __reversed__ returns. Threads sharing one iterator may see an item twice
 * or miss one, never a freed object (as CPython 3.13t's iterators). */
#ifndef Py_ENUMOBJECT_H
#define Py_ENUMOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyReversed_Type;

#ifdef __cplusplus
}
#endif

#endif /* !Py_ENUMOBJECT_H */
