// Calling objects: PyObject_Call and the vectorcall protocol (PEP 590),
// calling a type (tp_new then tp_init), and the argument checks that C
// functions use, with CPython's TypeError texts.
//
// After CPython 3.13's Objects/call.c and Python/getargs.c
// (_PyArg_CheckPositional, _PyArg_UnpackKeywords), with our own code.
//
// VECTORCALL. A callable whose type has Py_TPFLAGS_HAVE_VECTORCALL keeps a
// vectorcallfunc at tp_vectorcall_offset; Vectorcall calls it with a C
// array of positional arguments followed by keyword values, `nargsf` (the
// positional count, possibly or'ed with kVectorcallArgumentsOffset, which
// lets the callee use args[-1] as scratch) and `kwnames` (a tuple of the
// keyword names, or null). Callables without one go through tp_call with a
// tuple and a dict, built here. A result is checked as CPython's
// _Py_CheckFunctionResult does: null without an exception, or a result
// with one, is a SystemError naming the callable.
//
// CALLING A TYPE (type.__call__): "cannot create 'T' instances" without
// tp_new; otherwise tp_new(type, args, kwargs), then, if the result is an
// instance of the type, type(result).tp_init(result, args, kwargs) (an
// __init__ returning non-None is "__init__() should return None, not
// 'int'" for heap types' Python-level init; C tp_init returns 0 / -1).
//
// RECURSION. Calls of C functions go through EnterRecursiveCall
// (protocol_internal.h): past the limit, RecursionError "maximum recursion
// depth exceeded while calling a Python object".
#ifndef FTRT_OBJECT_CALL_H_
#define FTRT_OBJECT_CALL_H_

#include <cstddef>
#include <initializer_list>

#include "absl/types/span.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
// PyVectorcall_Call under CPython's name: also the tp_call of types whose
// instances are called through their vectorcall (method_descriptor,
// method, ...).
PyObject* PyVectorcall_Call(PyObject* callable, PyObject* tuple, PyObject* dict);
}

namespace ftrt {

// PY_VECTORCALL_ARGUMENTS_OFFSET and PyVectorcall_NARGS.
inline constexpr size_t kVectorcallArgumentsOffset = size_t{1} << (8 * sizeof(size_t) - 1);
inline constexpr Py_ssize_t VectorcallNargs(size_t nargsf) {
  return static_cast<Py_ssize_t>(nargsf & ~kVectorcallArgumentsOffset);
}

// PyVectorcall_Function: the callable's vectorcall entry, or null.
inline vectorcallfunc VectorcallFunction(PyObject* callable) {
  PyTypeObject* tp = callable->ob_type;
  if (!(tp->tp_flags & Py_TPFLAGS_HAVE_VECTORCALL)) return nullptr;
  return *reinterpret_cast<vectorcallfunc*>(reinterpret_cast<char*>(callable) +
                                            tp->tp_vectorcall_offset);
}

// PyObject_Vectorcall.
Ref<> Vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                 PyObject* kwnames = nullptr);
// PyObject_VectorcallDict: keyword arguments in a dict (may be null).
Ref<> VectorcallDict(PyObject* callable, PyObject* const* args, size_t nargsf,
                     PyObject* kwargs);
// PyObject_VectorcallMethod: calls the method `name` of args[0] with
// args[1:] (and the keywords), without making a bound method when the
// attribute is a method descriptor.
Ref<> VectorcallMethod(PyObject* name, PyObject* const* args, size_t nargsf,
                       PyObject* kwnames = nullptr);
// PyVectorcall_Call: a vectorcall callable called with a tuple and a dict.
Ref<> VectorcallCall(PyObject* callable, PyObject* args, PyObject* kwargs);

// PyObject_Call: args a tuple (TypeError otherwise), kwargs a dict or
// null.
Ref<> Call(PyObject* callable, PyObject* args, PyObject* kwargs = nullptr);
// PyObject_CallObject: args a tuple or null.
Ref<> CallObject(PyObject* callable, PyObject* args);
// PyObject_CallNoArgs / PyObject_CallOneArg.
Ref<> CallNoArgs(PyObject* callable);
Ref<> CallOneArg(PyObject* callable, PyObject* arg);
// PyObject_CallFunctionObjArgs: positional arguments (borrowed).
Ref<> CallArgs(PyObject* callable, std::initializer_list<PyObject*> args);
// PyObject_CallMethodObjArgs: obj.name(*args).
Ref<> CallMethod(PyObject* obj, PyObject* name, std::initializer_list<PyObject*> args);
Ref<> CallMethod(PyObject* obj, const char* name, std::initializer_list<PyObject*> args);

// PyCallable_Check.
bool Callable(PyObject* op);

// ---- argument checks for C functions (CPython's texts) -------------------

// _PyArg_CheckPositional: min <= nargs <= max, else TypeError "NAME
// expected at least 1 argument, got 0" / "expected 2 arguments, got 3" /
// "expected at most 1 argument, got 2". 1 or 0.
int CheckPositional(const char* name, Py_ssize_t nargs, Py_ssize_t min, Py_ssize_t max);
// _PyArg_NoKeywords / _PyArg_NoKwnames: "NAME() takes no keyword
// arguments" if any are given. 1 or 0.
int CheckNoKeywords(const char* name, PyObject* kwargs);
int CheckNoKwnames(const char* name, PyObject* kwnames);

// A keyword-capable signature for UnpackKeywords (Argument Clinic's
// _PyArg_Parser, simplified): `keywords` names every parameter in order,
// the first `posonly` of which are positional-only; `min_required`
// parameters are required; at most `max_positional` may be given by
// position; `fname` is the function's name without "()".
struct ArgParser {
  const char* fname;
  std::initializer_list<const char*> keywords;
  int posonly = 0;
  int min_required = 0;
  int max_positional = -1;  // -1: every parameter
};

// _PyArg_UnpackKeywords for vectorcall arguments: fills out[i] with the
// i-th parameter (borrowed; null when not given and optional). On error a
// TypeError worded as CPython's: "f() takes at most 2 arguments (3 given)",
// "f() takes at most 2 positional arguments (3 given)", "f() missing
// required argument 'x' (pos 1)", "argument for f() given by name ('x')
// and position (1)", "f() got an unexpected keyword argument 'y'", "f()
// got some positional-only arguments passed as keyword arguments: 'x'",
// "keywords must be strings". 1 or 0.
int UnpackKeywords(const ArgParser& parser, PyObject* const* args, Py_ssize_t nargs,
                   PyObject* kwnames, absl::Span<PyObject*> out);
// The same for a (tuple, dict) call.
int UnpackKeywordsDict(const ArgParser& parser, PyObject* args, PyObject* kwargs,
                       absl::Span<PyObject*> out);

namespace internal {
// type.__call__.
PyObject* TypeCallSlot(PyObject* type, PyObject* args, PyObject* kwargs);
// _Py_CheckFunctionResult.
PyObject* CheckFunctionResult(PyObject* callable, PyObject* result, const char* where);
// Calls a callable that has no vectorcall through tp_call.
PyObject* MakeTpCall(PyObject* callable, PyObject* const* args, Py_ssize_t nargs,
                     PyObject* kwnames);
// (tuple, dict) <-> (array, kwnames) conversions.
Ref<> StackToTuple(PyObject* const* args, Py_ssize_t nargs);
Ref<> KwnamesToDict(PyObject* const* values, PyObject* kwnames);
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_CALL_H_
