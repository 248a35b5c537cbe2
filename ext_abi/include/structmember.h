/* The pre-3.12 member-type names (T_INT, T_OBJECT_EX, READONLY, ...), for
 * extensions that `#include "structmember.h"` after Python.h. As in
 * CPython, Python.h does not include this file: the short names collide
 * easily with an extension's own. The values are object/'s
 * (object/cpython_structmember.h). */
#ifndef Py_STRUCTMEMBER_H
#define Py_STRUCTMEMBER_H

#include "Python.h"
#include "object/cpython_structmember.h"

#endif /* !Py_STRUCTMEMBER_H */
