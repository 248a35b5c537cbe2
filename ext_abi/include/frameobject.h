/* frameobject.h, as extensions include it (CPython's is a separate header
 * beside Python.h). Everything ftrt has about frames is in pyframe.h,
 * which Python.h includes. */
#ifndef Py_FRAMEOBJECT_H
#define Py_FRAMEOBJECT_H

#include "Python.h"

#endif /* !Py_FRAMEOBJECT_H */
