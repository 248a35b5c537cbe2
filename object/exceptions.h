// Exceptions as objects: the BaseException hierarchy as real types.
//
// After CPython 3.13's Objects/exceptions.c, with our own code. Every
// built-in exception class is a static type object under CPython's C name
// (PyExc_TypeError is a PyObject* pointing at the static type
// _PyExc_TypeError), with the 3.13 hierarchy (BaseException > Exception >
// LookupError > KeyError, ...; PythonFinalizationError under RuntimeError),
// so ext_abi/'s Python.h declares the same names and gets these objects.
// An instance is laid out as CPython's PyBaseExceptionObject: an instance
// dict, args (a tuple), __notes__, __traceback__ (always None here: there
// are no frames), __context__, __cause__ and __suppress_context__.
// StopIteration adds `value`, SystemExit `code`, ImportError `msg`, `name`
// and `path`, as in CPython. KeyError's str is the repr of its key.
// OSError has CPython's layout and arguments: OSError(errno, strerror[,
// filename[, winerror[, filename2]]]) sets errno, strerror and the file
// names, str() is "[Errno 2] No such file or directory: 'x'", and calling
// OSError itself with an errno makes the matching subclass (ENOENT:
// FileNotFoundError, ...). UnicodeDecodeError / EncodeError /
// TranslateError have CPython's layout (encoding, object, start, end,
// reason) and messages; unlike CPython they also accept a single str
// argument (the message only, attributes None), which is how this
// runtime's own codecs and PyErr_SetString raise them. The other
// specialised classes (SyntaxError...) keep the plain layout and accept
// any arguments: a documented simplification.
//
// Matching is by subclass (GivenExceptionMatches, error_indicator.h), and
// new exception classes can be made at run time (NewExceptionType:
// PyErr_NewException), as heap types deriving from any exception class.
//
// Concurrency: exception objects are ordinary objects; the getters and
// setters of args, __cause__ and __context__ run inside the exception's
// critical section, so two threads setting __cause__ on one shared
// exception cannot lose a reference.
#ifndef FTRT_OBJECT_EXCEPTIONS_H_
#define FTRT_OBJECT_EXCEPTIONS_H_

#include "absl/strings/string_view.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {

// CPython 3.13's PyBaseExceptionObject.
typedef struct {
  PyObject_HEAD
  PyObject* dict;
  PyObject* args;
  PyObject* notes;
  PyObject* traceback;
  PyObject* context;
  PyObject* cause;
  char suppress_context;
} PyBaseExceptionObject;

typedef struct {
  PyBaseExceptionObject base;
  PyObject* value;
} PyStopIterationObject;

typedef struct {
  PyBaseExceptionObject base;
  PyObject* code;
} PySystemExitObject;

typedef struct {
  PyBaseExceptionObject base;
  PyObject* msg;
  PyObject* name;
  PyObject* path;
  PyObject* name_from;
} PyImportErrorObject;

// CPython 3.13's PyOSErrorObject (POSIX: no winerror). `written` is
// BlockingIOError's characters_written, -1 when unset.
typedef struct {
  PyBaseExceptionObject base;
  PyObject* myerrno;
  PyObject* strerror;
  PyObject* filename;
  PyObject* filename2;
  Py_ssize_t written;
} PyOSErrorObject;

// CPython 3.13's PyUnicodeErrorObject (UnicodeDecodeError, EncodeError,
// TranslateError; encoding is null for the last).
typedef struct {
  PyBaseExceptionObject base;
  PyObject* encoding;
  PyObject* object;
  Py_ssize_t start;
  Py_ssize_t end;
  PyObject* reason;
} PyUnicodeErrorObject;

#define FTRT_EXCEPTION_TYPES(X)                          \
  X(BaseException)                                       \
  X(Exception)                                           \
  X(GeneratorExit)                                       \
  X(KeyboardInterrupt)                                   \
  X(SystemExit)                                          \
  X(ArithmeticError)                                     \
  X(FloatingPointError)                                  \
  X(OverflowError)                                       \
  X(ZeroDivisionError)                                   \
  X(AssertionError)                                      \
  X(AttributeError)                                      \
  X(BufferError)                                         \
  X(EOFError)                                            \
  X(ImportError)                                         \
  X(ModuleNotFoundError)                                 \
  X(LookupError)                                         \
  X(IndexError)                                          \
  X(KeyError)                                            \
  X(MemoryError)                                         \
  X(NameError)                                           \
  X(UnboundLocalError)                                   \
  X(OSError)                                             \
  X(BlockingIOError)                                     \
  X(ChildProcessError)                                   \
  X(ConnectionError)                                     \
  X(BrokenPipeError)                                     \
  X(ConnectionAbortedError)                              \
  X(ConnectionRefusedError)                              \
  X(ConnectionResetError)                                \
  X(FileExistsError)                                     \
  X(FileNotFoundError)                                   \
  X(InterruptedError)                                    \
  X(IsADirectoryError)                                   \
  X(NotADirectoryError)                                  \
  X(PermissionError)                                     \
  X(ProcessLookupError)                                  \
  X(TimeoutError)                                        \
  X(ReferenceError)                                      \
  X(RuntimeError)                                        \
  X(NotImplementedError)                                 \
  X(PythonFinalizationError)                             \
  X(RecursionError)                                      \
  X(StopAsyncIteration)                                  \
  X(StopIteration)                                       \
  X(SyntaxError)                                         \
  X(IndentationError)                                    \
  X(TabError)                                            \
  X(SystemError)                                         \
  X(TypeError)                                           \
  X(ValueError)                                          \
  X(UnicodeError)                                        \
  X(UnicodeDecodeError)                                  \
  X(UnicodeEncodeError)                                  \
  X(UnicodeTranslateError)                               \
  X(Warning)                                             \
  X(BytesWarning)                                        \
  X(DeprecationWarning)                                  \
  X(EncodingWarning)                                     \
  X(FutureWarning)                                       \
  X(ImportWarning)                                       \
  X(PendingDeprecationWarning)                           \
  X(ResourceWarning)                                     \
  X(RuntimeWarning)                                      \
  X(SyntaxWarning)                                       \
  X(UnicodeWarning)                                      \
  X(UserWarning)

#define FTRT_DECLARE_EXCEPTION(name) \
  extern PyTypeObject _PyExc_##name; \
  extern PyObject* PyExc_##name;
FTRT_EXCEPTION_TYPES(FTRT_DECLARE_EXCEPTION)
#undef FTRT_DECLARE_EXCEPTION

/* CPython's aliases of OSError. */
extern PyObject* PyExc_EnvironmentError;
extern PyObject* PyExc_IOError;

}  // extern "C"

namespace ftrt {

using BaseExceptionObject = PyBaseExceptionObject;

// PyExceptionClass_Check: a class deriving from BaseException.
bool IsExceptionClass(const PyObject* op);
// PyExceptionInstance_Check.
inline bool IsExceptionInstance(const PyObject* op) {
  return (op->ob_type->tp_flags & Py_TPFLAGS_BASE_EXC_SUBCLASS) != 0;
}

// An instance of the exception class `type` with the given arguments
// (calls the class, as raising it does). Null with an exception set on
// failure.
Ref<> NewException(PyObject* type, PyObject* args_tuple);
// An instance with the single argument `message` (a str).
Ref<> NewExceptionWithMessage(PyObject* type, absl::string_view message);

// PyException_GetArgs / SetArgs (args must be a tuple or an iterable: any
// sequence is converted to a tuple), GetCause / SetCause (steals; sets
// __suppress_context__), GetContext / SetContext (steals),
// GetTraceback. New references or null.
Ref<> ExceptionGetArgs(PyObject* exc);
void ExceptionSetArgs(PyObject* exc, PyObject* args);
Ref<> ExceptionGetCause(PyObject* exc);
void ExceptionSetCause(PyObject* exc, Ref<> cause);
Ref<> ExceptionGetContext(PyObject* exc);
void ExceptionSetContext(PyObject* exc, Ref<> context);
Ref<> ExceptionGetTraceback(PyObject* exc);

// PyErr_NewException: a new exception class named `name` ("module.Class":
// the part before the last dot becomes __module__), deriving from `base`
// (a class or a tuple of classes; null: Exception), with the entries of
// `dict` (may be null) in its namespace. SystemError if name has no dot.
Ref<> NewExceptionType(const char* name, PyObject* base, PyObject* dict);
// PyErr_NewExceptionWithDoc.
Ref<> NewExceptionTypeWithDoc(const char* name, const char* doc, PyObject* base,
                              PyObject* dict);

// The exception's class name for messages: type.__name__ ("KeyError").
const char* ExceptionClassName(const PyObject* exc_or_class);

namespace internal {
// protocol.cc: the preallocated MemoryError for NoMemory when even that
// allocation fails (immortal).
PyObject* PreallocatedMemoryError();
// typeobject.cc: readies the exception classes (on the static builder).
void ReadyExceptionTypes();
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_EXCEPTIONS_H_
