// Builtin functions and bound methods: the callable objects of the C API.
//
// After CPython 3.13's Objects/methodobject.c (PyCFunction, PyCMethod) and
// Objects/classobject.c (PyMethod), with our own code:
//   builtin_function_or_method  a PyMethodDef with a `self` (the module for
//                  a module-level function, the instance for a method got
//                  from an instance, the class for a METH_CLASS method;
//                  none for METH_STATIC) and a module name; calling it
//                  calls the C function with the convention ml_flags names:
//                  METH_NOARGS, METH_O, METH_VARARGS, METH_VARARGS |
//                  METH_KEYWORDS, METH_FASTCALL, METH_FASTCALL |
//                  METH_KEYWORDS, METH_METHOD | METH_FASTCALL |
//                  METH_KEYWORDS (which also receives the defining class);
//                  wrong argument counts and keywords are TypeErrors worded
//                  as CPython's ("math.sqrt() takes exactly one argument (2
//                  given)", "len() takes no keyword arguments");
//   builtin_method  the METH_METHOD variant (it holds the defining class);
//   method         a callable bound to an object (PyMethod_New): calling it
//                  calls the function with the object prepended.
// Every one has a vectorcall entry (tp_vectorcall_offset), so calls go
// through the vectorcall protocol without building tuples; METH_VARARGS
// functions use tp_call, as in CPython.
//
// Functions made for modules and types use deferred reference counting
// (refcount.h): many threads calling one function never write its count.
#ifndef FTRT_OBJECT_METHODOBJECT_H_
#define FTRT_OBJECT_METHODOBJECT_H_

#include <cstddef>
#include <string>

#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {

// CPython 3.13's PyCFunctionObject, PyCMethodObject and PyMethodObject.
typedef struct {
  PyObject_HEAD
  PyMethodDef* m_ml;
  PyObject* m_self;    // null for METH_STATIC functions
  PyObject* m_module;  // the __module__ value (usually a str), or null
  PyObject* m_weakreflist;
  vectorcallfunc vectorcall;
} PyCFunctionObject;

typedef struct {
  PyCFunctionObject func;
  PyTypeObject* mm_class;  // the class that defined the method
} PyCMethodObject;

typedef struct {
  PyObject_HEAD
  PyObject* im_func;
  PyObject* im_self;
  PyObject* im_weakreflist;
  vectorcallfunc vectorcall;
} PyMethodObject;

// ext_abi/include/methodobject.h gives extensions the same layout.
static_assert(offsetof(PyCFunctionObject, m_ml) == 32 &&
              offsetof(PyCFunctionObject, vectorcall) == 64 &&
              offsetof(PyCMethodObject, mm_class) == 72,
              "PyCFunctionObject / PyCMethodObject as CPython 3.13 (and Python.h) lay them out");

extern PyTypeObject PyCFunction_Type;
extern PyTypeObject PyCMethod_Type;
extern PyTypeObject PyMethod_Type;
extern PyTypeObject PyFunction_Type;

}  // extern "C"

namespace ftrt {

// PyCMethod_New: a builtin function for `ml` bound to `self` (may be
// null), with __module__ `module` (may be null) and, for METH_METHOD,
// the defining class `cls` (SystemError if METH_METHOD and cls disagree,
// or the flags name no valid convention: "%s() method: bad call flags").
Ref<> CFunctionNew(PyMethodDef* ml, PyObject* self, PyObject* module = nullptr,
                   PyTypeObject* cls = nullptr);

inline bool IsCFunction(const PyObject* op) {
  return op->ob_type == &PyCFunction_Type || op->ob_type == &PyCMethod_Type;
}

// PyCFunction_GET_SELF: m_self, except null for METH_STATIC.
inline PyObject* CFunctionSelf(const PyObject* op) {
  const auto* f = reinterpret_cast<const PyCFunctionObject*>(op);
  return (f->m_ml->ml_flags & METH_STATIC) ? nullptr : f->m_self;
}

// PyMethod_New: `func` bound to `self` (neither may be null).
Ref<> MethodNew(PyObject* func, PyObject* self);
inline bool IsMethod(const PyObject* op) { return op->ob_type == &PyMethod_Type; }

namespace internal {
// "math.sqrt()" / "list.append()" / "len()": how CPython names a builtin
// function in messages (_PyObject_FunctionStr).
std::string CFunctionStr(PyObject* func);
// The vectorcall for a PyMethodDef's flags (null for METH_VARARGS, which
// goes through tp_call); false if the flags are invalid.
bool CFunctionVectorcallFor(int ml_flags, vectorcallfunc* out);
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_METHODOBJECT_H_
