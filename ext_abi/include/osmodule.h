/* osmodule.h: PyOS_FSPath, os.fspath() for C (CPython's name): a str or
 * bytes argument itself, else what its type's __fspath__ returns, which
 * must be str or bytes (TypeError "expected str, bytes or os.PathLike
 * object, not T" / "expected T.__fspath__() to return str or bytes, not
 * U"). A new reference, or NULL with the error set. Included by Python.h;
 * PyUnicode_FSConverter and PyUnicode_FSDecoder go through it. */
#ifndef FTRT_OSMODULE_H
#define FTRT_OSMODULE_H

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(PyObject*) PyOS_FSPath(PyObject* path);

#ifdef __cplusplus
}
#endif

#endif /* !FTRT_OSMODULE_H */
