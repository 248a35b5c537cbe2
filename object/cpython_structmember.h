/* The pre-3.12 member-type names of CPython's structmember.h.
 *
 * Extensions written before 3.12 describe their PyMemberDef tables with
 * T_INT, T_OBJECT_EX, READONLY and friends. CPython 3.12 renamed them
 * (Py_T_INT, Py_READONLY, ... in descrobject.h) and kept the old names as
 * aliases in a header that Python.h does not include, because the short
 * names collide easily with an extension's own. ext_abi/ offers this file
 * as structmember.h for the same reason; the values are the ones of
 * object/cpython_types.h. Compiles as C11 and as C++20.
 */
#ifndef FTRT_OBJECT_CPYTHON_STRUCTMEMBER_H_
#define FTRT_OBJECT_CPYTHON_STRUCTMEMBER_H_

#include <stddef.h> /* offsetof, which member tables always use */

#include "object/cpython_types.h"

/* Member types. */
#define T_SHORT Py_T_SHORT
#define T_INT Py_T_INT
#define T_LONG Py_T_LONG
#define T_FLOAT Py_T_FLOAT
#define T_DOUBLE Py_T_DOUBLE
#define T_STRING Py_T_STRING
#define T_OBJECT _Py_T_OBJECT
#define T_CHAR Py_T_CHAR
#define T_BYTE Py_T_BYTE
#define T_UBYTE Py_T_UBYTE
#define T_USHORT Py_T_USHORT
#define T_UINT Py_T_UINT
#define T_ULONG Py_T_ULONG
#define T_STRING_INPLACE Py_T_STRING_INPLACE
#define T_BOOL Py_T_BOOL
#define T_OBJECT_EX Py_T_OBJECT_EX
#define T_LONGLONG Py_T_LONGLONG
#define T_ULONGLONG Py_T_ULONGLONG
#define T_PYSSIZET Py_T_PYSSIZET
#define T_NONE _Py_T_NONE

/* Member flags. */
#define READONLY Py_READONLY
#define PY_AUDIT_READ Py_AUDIT_READ
#define READ_RESTRICTED Py_AUDIT_READ
#define PY_WRITE_RESTRICTED _Py_WRITE_RESTRICTED
#define RESTRICTED (READ_RESTRICTED | PY_WRITE_RESTRICTED)

#endif /* FTRT_OBJECT_CPYTHON_STRUCTMEMBER_H_ */
