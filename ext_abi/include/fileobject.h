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

#ifdef __cplusplus
}
#endif

#endif /* !Py_FILEOBJECT_H */
