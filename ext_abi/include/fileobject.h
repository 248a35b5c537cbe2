/* Writing to file-like objects (CPython's fileobject.h): through the
 * object's write() method. PyFile_WriteObject writes str(obj) with
 * Py_PRINT_RAW in flags, else repr(obj). 0, or -1 with the exception. */
#ifndef Py_FILEOBJECT_H
#define Py_FILEOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(int) PyFile_WriteObject(PyObject* obj, PyObject* file, int flags);
PyAPI_FUNC(int) PyFile_WriteString(const char* s, PyObject* file);

/* The file system encoding (deprecated in CPython 3.12, still read by
 * older extensions): "utf-8" with "surrogateescape", as CPython on Linux. */
Py_DEPRECATED(3.12) PyAPI_DATA(const char*) Py_FileSystemDefaultEncoding;
Py_DEPRECATED(3.12) PyAPI_DATA(const char*) Py_FileSystemDefaultEncodeErrors;
Py_DEPRECATED(3.12) PyAPI_DATA(int) Py_HasFileSystemDefaultEncoding;
Py_DEPRECATED(3.12) PyAPI_DATA(int) Py_UTF8Mode;

#ifdef __cplusplus
}
#endif

#endif /* !Py_FILEOBJECT_H */
