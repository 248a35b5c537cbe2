/* Exceptions (CPython's pyerrors.h).
 *
 * The error indicator is per thread (it lives in the calling thread's
 * thread state), so raising, testing and clearing need no lock and never
 * see another thread's exception. A thread that is not attached to the
 * runtime has no thread state and so no indicator: call these only from an
 * attached thread (inside a method, an init function, or between
 * PyGILState_Ensure and PyGILState_Release).
 *
 * Conventions, as in CPython: a function that fails sets the indicator and
 * returns NULL (object results) or -1 (int results); PyErr_Format,
 * PyErr_NoMemory and friends return NULL so one can write
 * `return PyErr_Format(...)`. Functions that steal or borrow are marked.
 *
 * The exception objects are types the runtime exports as immortal
 * PyObject* variables. PyExc_PythonFinalizationError (3.13) is a subclass
 * of RuntimeError raised by operations refused once finalization has begun
 * (the list is in pylifecycle.h). */
#ifndef Py_PYERRORS_H
#define Py_PYERRORS_H

#include <stdarg.h>

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Raising ------------------------------------------------------------ */
PyAPI_FUNC(void) PyErr_SetNone(PyObject* type);
PyAPI_FUNC(void) PyErr_SetObject(PyObject* type, PyObject* value);
PyAPI_FUNC(void) PyErr_SetString(PyObject* type, const char* message);
/* Sets type with a message formatted as by PyUnicode_FromFormat; always
 * returns NULL. */
PyAPI_FUNC(PyObject*) PyErr_Format(PyObject* type, const char* format, ...);
PyAPI_FUNC(PyObject*) PyErr_FormatV(PyObject* type, const char* format,
                                    va_list vargs);
/* MemoryError; returns NULL. Never allocates. */
PyAPI_FUNC(PyObject*) PyErr_NoMemory(void);
/* TypeError "bad argument type for built-in operation"; returns 0. */
PyAPI_FUNC(int) PyErr_BadArgument(void);
/* SystemError naming the caller's file and line. */
PyAPI_FUNC(void) _PyErr_BadInternalCall(const char* filename, int lineno);
#define PyErr_BadInternalCall() _PyErr_BadInternalCall(__FILE__, __LINE__)
PyAPI_FUNC(PyObject*) PyErr_SetFromErrno(PyObject* type);
PyAPI_FUNC(PyObject*) PyErr_SetFromErrnoWithFilename(PyObject* type,
                                                     const char* filename);
PyAPI_FUNC(PyObject*) PyErr_SetImportError(PyObject* msg, PyObject* name,
                                           PyObject* path);
PyAPI_FUNC(PyObject*) PyErr_SetImportErrorSubclass(PyObject* exception, PyObject* msg,
                                                   PyObject* name, PyObject* path);
/* errno's OSError with file names as objects (str or bytes, or NULL). */
PyAPI_FUNC(PyObject*) PyErr_SetFromErrnoWithFilenameObject(PyObject* type,
                                                           PyObject* filename);
PyAPI_FUNC(PyObject*) PyErr_SetFromErrnoWithFilenameObjects(PyObject* type,
                                                            PyObject* filename,
                                                            PyObject* filename2);

/* UnicodeDecodeError(encoding, object[:length], start, end, reason), and
 * the fields of the three Unicode errors. Get* return new references, or
 * NULL with TypeError when the field is unset; GetStart / GetEnd clamp to
 * the object's length. 0 / -1 for the int functions. */
PyAPI_FUNC(PyObject*) PyUnicodeDecodeError_Create(const char* encoding, const char* object,
                                                  Py_ssize_t length, Py_ssize_t start,
                                                  Py_ssize_t end, const char* reason);
PyAPI_FUNC(PyObject*) PyUnicodeEncodeError_GetEncoding(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeDecodeError_GetEncoding(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeEncodeError_GetObject(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeDecodeError_GetObject(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeTranslateError_GetObject(PyObject* exc);
PyAPI_FUNC(int) PyUnicodeEncodeError_GetStart(PyObject* exc, Py_ssize_t* start);
PyAPI_FUNC(int) PyUnicodeDecodeError_GetStart(PyObject* exc, Py_ssize_t* start);
PyAPI_FUNC(int) PyUnicodeTranslateError_GetStart(PyObject* exc, Py_ssize_t* start);
PyAPI_FUNC(int) PyUnicodeEncodeError_SetStart(PyObject* exc, Py_ssize_t start);
PyAPI_FUNC(int) PyUnicodeDecodeError_SetStart(PyObject* exc, Py_ssize_t start);
PyAPI_FUNC(int) PyUnicodeTranslateError_SetStart(PyObject* exc, Py_ssize_t start);
PyAPI_FUNC(int) PyUnicodeEncodeError_GetEnd(PyObject* exc, Py_ssize_t* end);
PyAPI_FUNC(int) PyUnicodeDecodeError_GetEnd(PyObject* exc, Py_ssize_t* end);
PyAPI_FUNC(int) PyUnicodeTranslateError_GetEnd(PyObject* exc, Py_ssize_t* end);
PyAPI_FUNC(int) PyUnicodeEncodeError_SetEnd(PyObject* exc, Py_ssize_t end);
PyAPI_FUNC(int) PyUnicodeDecodeError_SetEnd(PyObject* exc, Py_ssize_t end);
PyAPI_FUNC(int) PyUnicodeTranslateError_SetEnd(PyObject* exc, Py_ssize_t end);
PyAPI_FUNC(PyObject*) PyUnicodeEncodeError_GetReason(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeDecodeError_GetReason(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeTranslateError_GetReason(PyObject* exc);
PyAPI_FUNC(int) PyUnicodeEncodeError_SetReason(PyObject* exc, const char* reason);
PyAPI_FUNC(int) PyUnicodeDecodeError_SetReason(PyObject* exc, const char* reason);
PyAPI_FUNC(int) PyUnicodeTranslateError_SetReason(PyObject* exc, const char* reason);

/* ---- Testing and clearing ----------------------------------------------- */
/* BORROWED: the current exception's type, or NULL. (Borrowed from the
 * calling thread's own state, which no other thread touches: safe.) */
PyAPI_FUNC(PyObject*) PyErr_Occurred(void);
PyAPI_FUNC(void) PyErr_Clear(void);
/* Whether the current exception is an instance of exc (a class or a tuple
 * of classes). 0 if none is set. */
PyAPI_FUNC(int) PyErr_ExceptionMatches(PyObject* exc);
PyAPI_FUNC(int) PyErr_GivenExceptionMatches(PyObject* given, PyObject* exc);

/* The current exception (a new reference) and clears it; NULL if none. */
PyAPI_FUNC(PyObject*) PyErr_GetRaisedException(void);
/* Sets exc (stolen; NULL clears) as the current exception. */
PyAPI_FUNC(void) PyErr_SetRaisedException(PyObject* exc);
/* The exception being handled (sys.exception()): new reference or NULL;
 * Set takes a borrowed exception (NULL or None clears). The ExcInfo triple
 * is the older spelling of the same thing (type, value, None; or three
 * Nones); SetExcInfo steals its three and keeps the value. */
PyAPI_FUNC(PyObject*) PyErr_GetHandledException(void);
PyAPI_FUNC(void) PyErr_SetHandledException(PyObject* exc);
PyAPI_FUNC(void) PyErr_GetExcInfo(PyObject** ptype, PyObject** pvalue,
                                  PyObject** ptraceback);
PyAPI_FUNC(void) PyErr_SetExcInfo(PyObject* type, PyObject* value, PyObject* traceback);
/* The pre-3.12 triple API, kept for old extensions. */
PyAPI_FUNC(void) PyErr_Fetch(PyObject** ptype, PyObject** pvalue,
                             PyObject** ptraceback);
PyAPI_FUNC(void) PyErr_Restore(PyObject* type, PyObject* value,
                               PyObject* traceback);
PyAPI_FUNC(void) PyErr_NormalizeException(PyObject** ptype, PyObject** pvalue,
                                          PyObject** ptraceback);

/* Reports obj's current exception as unraisable (prints it to stderr with
 * obj's repr, or calls sys.unraisablehook) and clears it. For errors in
 * finalizers and deallocators, which cannot propagate. */
PyAPI_FUNC(void) PyErr_WriteUnraisable(PyObject* obj);
/* 3.13: as PyErr_WriteUnraisable, with a first line formatted as
 * PyUnicode_FromFormat does (PyErr_WriteUnraisable(obj) is
 * PyErr_FormatUnraisable("Exception ignored in: %R", obj)); with a NULL
 * format, only the exception. */
PyAPI_FUNC(void) PyErr_FormatUnraisable(const char* format, ...);
/* Reports and clears the pending exception as an uncaught one
 * ("TypeError: message" on stderr; there are no frames for a traceback,
 * and nothing to put in sys.last_exc). No-op if none is pending. A
 * SystemExit is printed, not obeyed: ftrt has no interpreter to exit.
 * (CPython declares these in pythonrun.h.) */
PyAPI_FUNC(void) PyErr_Print(void);
PyAPI_FUNC(void) PyErr_PrintEx(int set_sys_last_vars);
/* Signals. ftrt installs no Python-level handlers (there is no Python
 * code to run); what it keeps is CPython's simulated Ctrl-C:
 * PyErr_SetInterrupt (or PyErr_SetInterruptEx(SIGINT)) marks an interrupt
 * pending, and the next PyErr_CheckSignals on any attached thread takes
 * it and raises KeyboardInterrupt (-1); otherwise it returns 0.
 * PyOS_InterruptOccurred takes a pending interrupt without raising (1).
 * PyErr_SetInterruptEx: 0, or -1 for a signal number out of range; signals
 * other than SIGINT are ignored (CPython's for SIG_IGN / SIG_DFL). */
PyAPI_FUNC(int) PyErr_CheckSignals(void);
PyAPI_FUNC(void) PyErr_SetInterrupt(void);
PyAPI_FUNC(int) PyErr_SetInterruptEx(int signum);
PyAPI_FUNC(int) PyOS_InterruptOccurred(void);

/* Prints a message and aborts the process. Never returns. */
PyAPI_FUNC(void) _Py_NO_RETURN Py_FatalError(const char* message);

/* ---- Exception objects -------------------------------------------------- */
/* A new exception class "module.Name" deriving from base (a class, a tuple
 * of classes, or NULL for Exception), with dict (or NULL) as its
 * namespace. New reference. */
PyAPI_FUNC(PyObject*) PyErr_NewException(const char* name, PyObject* base,
                                         PyObject* dict);
/* An exception class's tp_name ("ValueError", "module.Name"). */
PyAPI_FUNC(const char*) PyExceptionClass_Name(PyObject* exc);
PyAPI_FUNC(PyObject*) PyErr_NewExceptionWithDoc(const char* name,
                                                const char* doc,
                                                PyObject* base,
                                                PyObject* dict);
PyAPI_FUNC(PyObject*) PyException_GetCause(PyObject* exc);
PyAPI_FUNC(void) PyException_SetCause(PyObject* exc, PyObject* cause);
PyAPI_FUNC(PyObject*) PyException_GetContext(PyObject* exc);
PyAPI_FUNC(void) PyException_SetContext(PyObject* exc, PyObject* context);
PyAPI_FUNC(PyObject*) PyException_GetTraceback(PyObject* exc);
PyAPI_FUNC(int) PyException_SetTraceback(PyObject* exc, PyObject* tb);
PyAPI_FUNC(PyObject*) PyException_GetArgs(PyObject* exc);
PyAPI_FUNC(void) PyException_SetArgs(PyObject* exc, PyObject* args);

#define PyExceptionClass_Check(x)                         \
  (PyType_Check((x)) &&                                   \
   PyType_FastSubclass(_Py_CAST(PyTypeObject*, (x)),      \
                       Py_TPFLAGS_BASE_EXC_SUBCLASS))
#define PyExceptionInstance_Check(x) \
  PyType_FastSubclass(Py_TYPE(x), Py_TPFLAGS_BASE_EXC_SUBCLASS)
#define PyExceptionInstance_Class(x) _PyObject_CAST(Py_TYPE(x))

PyAPI_DATA(PyObject*) PyExc_BaseException;
PyAPI_DATA(PyObject*) PyExc_Exception;
PyAPI_DATA(PyObject*) PyExc_BaseExceptionGroup;
PyAPI_DATA(PyObject*) PyExc_StopAsyncIteration;
PyAPI_DATA(PyObject*) PyExc_StopIteration;
PyAPI_DATA(PyObject*) PyExc_GeneratorExit;
PyAPI_DATA(PyObject*) PyExc_ArithmeticError;
PyAPI_DATA(PyObject*) PyExc_LookupError;
PyAPI_DATA(PyObject*) PyExc_AssertionError;
PyAPI_DATA(PyObject*) PyExc_AttributeError;
PyAPI_DATA(PyObject*) PyExc_BufferError;
PyAPI_DATA(PyObject*) PyExc_EOFError;
PyAPI_DATA(PyObject*) PyExc_FloatingPointError;
PyAPI_DATA(PyObject*) PyExc_OSError;
PyAPI_DATA(PyObject*) PyExc_ImportError;
PyAPI_DATA(PyObject*) PyExc_ModuleNotFoundError;
PyAPI_DATA(PyObject*) PyExc_IndexError;
PyAPI_DATA(PyObject*) PyExc_KeyError;
PyAPI_DATA(PyObject*) PyExc_KeyboardInterrupt;
PyAPI_DATA(PyObject*) PyExc_MemoryError;
PyAPI_DATA(PyObject*) PyExc_NameError;
PyAPI_DATA(PyObject*) PyExc_OverflowError;
PyAPI_DATA(PyObject*) PyExc_RuntimeError;
/* RuntimeError subclass: the operation was refused because the runtime is
 * finalizing (see pylifecycle.h). */
PyAPI_DATA(PyObject*) PyExc_PythonFinalizationError;
PyAPI_DATA(PyObject*) PyExc_RecursionError;
PyAPI_DATA(PyObject*) PyExc_NotImplementedError;
PyAPI_DATA(PyObject*) PyExc_SyntaxError;
PyAPI_DATA(PyObject*) PyExc_ReferenceError;
PyAPI_DATA(PyObject*) PyExc_SystemError;
PyAPI_DATA(PyObject*) PyExc_SystemExit;
PyAPI_DATA(PyObject*) PyExc_TypeError;
PyAPI_DATA(PyObject*) PyExc_UnicodeError;
PyAPI_DATA(PyObject*) PyExc_UnicodeEncodeError;
PyAPI_DATA(PyObject*) PyExc_UnicodeDecodeError;
PyAPI_DATA(PyObject*) PyExc_ValueError;
PyAPI_DATA(PyObject*) PyExc_ZeroDivisionError;
PyAPI_DATA(PyObject*) PyExc_TimeoutError;
PyAPI_DATA(PyObject*) PyExc_FileNotFoundError;
/* The other OSError subclasses (OSError(errno, ...) picks one by errno). */
PyAPI_DATA(PyObject*) PyExc_BlockingIOError;
PyAPI_DATA(PyObject*) PyExc_BrokenPipeError;
PyAPI_DATA(PyObject*) PyExc_ChildProcessError;
PyAPI_DATA(PyObject*) PyExc_ConnectionAbortedError;
PyAPI_DATA(PyObject*) PyExc_ConnectionError;
PyAPI_DATA(PyObject*) PyExc_ConnectionRefusedError;
PyAPI_DATA(PyObject*) PyExc_ConnectionResetError;
PyAPI_DATA(PyObject*) PyExc_FileExistsError;
PyAPI_DATA(PyObject*) PyExc_InterruptedError;
PyAPI_DATA(PyObject*) PyExc_IsADirectoryError;
PyAPI_DATA(PyObject*) PyExc_NotADirectoryError;
PyAPI_DATA(PyObject*) PyExc_PermissionError;
PyAPI_DATA(PyObject*) PyExc_ProcessLookupError;
PyAPI_DATA(PyObject*) PyExc_UnicodeTranslateError;
PyAPI_DATA(PyObject*) PyExc_UnboundLocalError;
PyAPI_DATA(PyObject*) PyExc_IndentationError;
PyAPI_DATA(PyObject*) PyExc_TabError;

/* Old names of OSError. */
#define PyExc_EnvironmentError PyExc_OSError
#define PyExc_IOError PyExc_OSError

/* Warning categories (for PyErr_WarnEx, warnings.h). */
PyAPI_DATA(PyObject*) PyExc_Warning;
PyAPI_DATA(PyObject*) PyExc_UserWarning;
PyAPI_DATA(PyObject*) PyExc_DeprecationWarning;
PyAPI_DATA(PyObject*) PyExc_EncodingWarning;
PyAPI_DATA(PyObject*) PyExc_PendingDeprecationWarning;
PyAPI_DATA(PyObject*) PyExc_SyntaxWarning;
PyAPI_DATA(PyObject*) PyExc_RuntimeWarning;
PyAPI_DATA(PyObject*) PyExc_FutureWarning;
PyAPI_DATA(PyObject*) PyExc_ImportWarning;
PyAPI_DATA(PyObject*) PyExc_UnicodeWarning;
PyAPI_DATA(PyObject*) PyExc_BytesWarning;
PyAPI_DATA(PyObject*) PyExc_ResourceWarning;

/* snprintf / vsnprintf with CPython's guarantees: when size > 0 the
 * output is always NUL-terminated (str[size-1] at the latest), even where
 * the C library would not; the result is what vsnprintf returns (the full
 * length, so truncation shows as a result >= size; negative on an
 * encoding error), or a negative value if size does not fit an int. */
PyAPI_FUNC(int) PyOS_snprintf(char* str, size_t size, const char* format,
                              ...) Py_GCC_ATTRIBUTE((format(printf, 3, 4)));
PyAPI_FUNC(int) PyOS_vsnprintf(char* str, size_t size, const char* format,
                               va_list va)
    Py_GCC_ATTRIBUTE((format(printf, 3, 0)));

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYERRORS_H */
