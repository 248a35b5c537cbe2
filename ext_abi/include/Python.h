/* Python.h for ftrt: CPython 3.13t's C API names, with free-threaded
 * semantics, for C extensions.
 *
 * An extension written for CPython's free-threaded build (3.13t) compiles
 * against this header unchanged (C11 or C++), loads into a program linked
 * with libftrt.so, and runs from many threads at once. Its undefined
 * symbols resolve against libftrt.so when it is dlopen'ed; it links nothing
 * of ftrt itself, so a process never holds two runtimes.
 *
 * Py_GIL_DISABLED is always defined (pyconfig.h); Py_LIMITED_API is refused,
 * as on CPython's free-threaded build. PY_VERSION_HEX says 3.13.
 *
 * Layout of the headers (each opens with what it is; CPython's split):
 *   pyconfig.h patchlevel.h pyport.h pymacro.h   build facts, versions,
 *                                                export and cast macros
 *   ftrt_abi.h        THE ABI TAG every extension carries (see there),
 *                     and ftrt's own queries (ftrt_LeakedObjectsAtLastFinalize)
 *   pytypedefs.h typeslots.h  PyObject, PyTypeObject, PyType_Spec,
 *                     PyMethodDef, PyModuleDef..., from object/'s
 *                     cpython_types.h over alloc/'s object_layout.h
 *   lock.h            PyMutex (inline fast path)
 *   refcount.h        Py_INCREF / Py_DECREF... (inline biased counting,
 *                     object/refcount_abi.h)
 *   object.h          Py_TYPE, Py_SIZE, type checks, None, types, the
 *                     generic object protocol
 *   objimpl.h pymem.h allocation, PyObject_New, GC tracking, Py_VISIT
 *   bytesobject.h unicodeobject.h longobject.h boolobject.h floatobject.h
 *   complexobject.h tupleobject.h listobject.h dictobject.h setobject.h
 *   bytearrayobject.h                            the values
 *   structseq.h       struct sequences (named tuples from C)
 *   pyerrors.h warnings.h                        exceptions, PyExc_*
 *   methodobject.h moduleobject.h modsupport.h   functions, modules,
 *                                                argument parsing
 *   classobject.h     bound methods (PyMethod_New, PyMethod_GET_SELF)
 *   descrobject.h weakrefobject.h abstract.h     members, weak refs, calls,
 *                                                the number protocol
 *   genericaliasobject.h  types.GenericAlias (MyType[int]: Py_GenericAlias
 *                     as __class_getitem__)
 *   pystate.h ceval.h pythread.h                 thread states, detaching,
 *                                                threads, recursion guard
 *   pyframe.h         PyCodeObject, PyFrame_*: declared; no frame exists
 *   import.h          PyImport_ImportModule over the loaded extensions
 *   sliceobject.h     slice (PySlice_Unpack / AdjustIndices) and Ellipsis
 *   funcobject.h enumobject.h   classmethod, staticmethod, reversed,
 *                               the sequence iterator
 *   pybuffer.h memoryobject.h   the buffer protocol, memoryview
 *   critical_section.h                           Py_BEGIN_CRITICAL_SECTION
 *   pystrtod.h        PyOS_string_to_double / PyOS_double_to_string
 *   sysmodule.h       PySys_WriteStdout / WriteStderr, PySys_GetObject
 *   osmodule.h        PyOS_FSPath
 *   pylifecycle.h     Py_Initialize / Py_FinalizeEx and THE LIST OF
 *                     OPERATIONS FINALIZATION REFUSES (PythonFinalization-
 *                     Error)
 *   structmember.h    old T_* names; not included here (as in CPython)
 *
 * Layout dependencies on object/: the inline accessors of
 * tupleobject.h, listobject.h, dictobject.h, setobject.h, bytesobject.h,
 * floatobject.h and unicodeobject.h (PyTuple_GET_ITEM, PyList_GET_ITEM,
 * PyDict_GET_SIZE, PySet_GET_SIZE, PyBytes_AS_STRING, PyFloat_AS_DOUBLE,
 * PyUnicode_KIND/DATA/...) read CPython 3.13's object layouts
 * (PyTupleObject, PyListObject, PyDictObject's head, PySetObject's head,
 * PyBytesObject, PyFloatObject, PyASCIIObject /
 * PyCompactUnicodeObject / PyUnicodeObject), declared in those headers;
 * object/'s built-in types must be laid out the same way (python_h_test
 * checks these offsets against CPython 3.13t's); so must its slice and its
 * complex, whose fields extensions read (PySliceObject, sliceobject.h;
 * PyComplexObject's cval, complexobject.h), its memoryview
 * (PyMemoryView_GET_BUFFER, memoryobject.h) and its bytearray
 * (PyByteArrayObject, bytearrayobject.h), and a struct sequence is a
 * PyTupleObject (structseq.h).
 *
 * Borrowed references. Without a GIL a borrowed reference can be freed by
 * another thread at any moment. The functions that return one from a
 * container others may mutate (PyList_GetItem, PyDict_GetItem,
 * PyDict_GetItemWithError, PyDict_GetItemString, PyDict_SetDefault,
 * PyDict_Next outside a critical section, PyWeakref_GetObject) are offered
 * because real extensions call them, each marked in its header with the
 * safe replacement (PyList_GetItemRef, PyDict_GetItemRef, ...).
 *
 * The runtime's implementation of these functions must #undef the
 * function-like macros that share a function's name (PyMutex_Lock,
 * PyMutex_Unlock, Py_Is) before defining them, as CPython's own sources
 * do, and should define FTRT_NO_ABI_TAG. */
#ifndef Py_PYTHON_H
#define Py_PYTHON_H

#include "pyconfig.h"
#include "patchlevel.h"

#if defined(Py_LIMITED_API)
#error "The limited API is not supported by the free-threaded build (ftrt)"
#endif

/* The C library headers CPython's Python.h includes; extensions rely on
 * them being there. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <wchar.h>

#include "pyport.h"
#include "pymacro.h"
#include "pymath.h"
#include "pyhash.h"
#include "pyctype.h"
#include "pymem.h"
#include "pytypedefs.h"
#include "ftrt_abi.h"
#include "lock.h"
#include "refcount.h"
#include "object.h"
#include "objimpl.h"
#include "typeslots.h"
#include "bytearrayobject.h"
#include "bytesobject.h"
#include "unicodeobject.h"
#include "pyerrors.h"
#include "longobject.h"
#include "boolobject.h"
#include "floatobject.h"
#include "complexobject.h"
#include "tupleobject.h"
#include "listobject.h"
#include "dictobject.h"
#include "setobject.h"
#include "methodobject.h"
#include "classobject.h"
#include "moduleobject.h"
#include "pystate.h"
#include "pyframe.h"
#include "descrobject.h"
#include "genericaliasobject.h"
#include "funcobject.h"
#include "enumobject.h"
#include "warnings.h"
#include "weakrefobject.h"
#include "structseq.h"
#include "pythread.h"
#include "modsupport.h"
#include "pylifecycle.h"
#include "ceval.h"
#include "abstract.h"
#include "pycapsule.h"
#include "sliceobject.h"
#include "import.h"
#include "pybuffer.h"
#include "memoryobject.h"
#include "critical_section.h"
#include "pystrtod.h"
#include "sysmodule.h"
#include "osmodule.h"
#include "pytime.h"
#include "tracemalloc.h"
#include "pystrcmp.h"
#include "fileobject.h"

#endif /* !Py_PYTHON_H */
