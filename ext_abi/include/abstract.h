/* Calls and the abstract object protocol (CPython's abstract.h), the part
 * extensions use most.
 *
 * Calls run arbitrary code: the callee may block, detach, call back into
 * the extension from this or another thread, or drop the last reference
 * to objects the caller only borrowed. Hold strong references to what you
 * use after a call, and do not hold a PyMutex across one. */
#ifndef Py_ABSTRACT_H
#define Py_ABSTRACT_H

#include <stddef.h>

#include "object.h"
#include "listobject.h"
#include "tupleobject.h"

#ifdef __cplusplus
extern "C" {
#endif

/* callable(*args, **kwargs); args a tuple (not NULL), kwargs a dict or
 * NULL. */
PyAPI_FUNC(PyObject*) PyObject_Call(PyObject* callable, PyObject* args,
                                    PyObject* kwargs);
/* callable(*args); args a tuple or NULL (no arguments). */
PyAPI_FUNC(PyObject*) PyObject_CallObject(PyObject* callable, PyObject* args);
PyAPI_FUNC(PyObject*) PyObject_CallNoArgs(PyObject* func);
PyAPI_FUNC(PyObject*) PyObject_CallOneArg(PyObject* func, PyObject* arg);
/* Arguments built as by Py_BuildValue(format, ...). */
PyAPI_FUNC(PyObject*) PyObject_CallFunction(PyObject* callable,
                                            const char* format, ...);
PyAPI_FUNC(PyObject*) PyObject_CallMethod(PyObject* obj, const char* name,
                                          const char* format, ...);
/* NULL-terminated lists of PyObject* arguments. */
PyAPI_FUNC(PyObject*) PyObject_CallFunctionObjArgs(PyObject* callable, ...);
PyAPI_FUNC(PyObject*) PyObject_CallMethodObjArgs(PyObject* obj,
                                                 PyObject* name, ...);

/* Vectorcall (PEP 590): nargsf is the number of positional arguments,
 * optionally or'ed with PY_VECTORCALL_ARGUMENTS_OFFSET. */
#define PY_VECTORCALL_ARGUMENTS_OFFSET \
  (_Py_STATIC_CAST(size_t, 1) << (8 * sizeof(size_t) - 1))
static inline Py_ssize_t PyVectorcall_NARGS(size_t n) {
  return _Py_STATIC_CAST(Py_ssize_t, n & ~PY_VECTORCALL_ARGUMENTS_OFFSET);
}
PyAPI_FUNC(PyObject*) PyObject_Vectorcall(PyObject* callable,
                                          PyObject* const* args,
                                          size_t nargsf, PyObject* kwnames);
/* Calls the method `name` of args[0] with the other positional arguments
 * (PyVectorcall_NARGS(nargsf) counts args[0]; it must be >= 1, else
 * SystemError) and the keyword arguments named by kwnames. */
PyAPI_FUNC(PyObject*) PyObject_VectorcallMethod(PyObject* name,
                                                PyObject* const* args,
                                                size_t nargsf,
                                                PyObject* kwnames);
/* PyObject_Vectorcall with the keyword arguments in a dict (or NULL). */
PyAPI_FUNC(PyObject*) PyObject_VectorcallDict(PyObject* callable,
                                              PyObject* const* args,
                                              size_t nargsf, PyObject* kwdict);
/* Calls a callable that supports vectorcall with a tuple and a dict (TypeError
 * "'T' object does not support vectorcall" otherwise). */
PyAPI_FUNC(PyObject*) PyVectorcall_Call(PyObject* callable, PyObject* tuple,
                                        PyObject* dict);
/* The vectorcall function of callable's type at tp_vectorcall_offset, or
 * NULL if its type has none (Py_TPFLAGS_HAVE_VECTORCALL unset). */
PyAPI_FUNC(vectorcallfunc) PyVectorcall_Function(PyObject* callable);
#define _PyVectorcall_Function PyVectorcall_Function
static inline PyObject* PyObject_CallMethodNoArgs(PyObject* self,
                                                  PyObject* name) {
  size_t nargsf = 1 | PY_VECTORCALL_ARGUMENTS_OFFSET;
  return PyObject_VectorcallMethod(name, &self, nargsf, _Py_NULL);
}
static inline PyObject* PyObject_CallMethodOneArg(PyObject* self,
                                                  PyObject* name,
                                                  PyObject* arg) {
  PyObject* args[2] = {self, arg};
  size_t nargsf = 2 | PY_VECTORCALL_ARGUMENTS_OFFSET;
  return PyObject_VectorcallMethod(name, args, nargsf, _Py_NULL);
}

PyAPI_FUNC(Py_ssize_t) PyObject_Size(PyObject* o);
/* len(o) if it has one, else o.__length_hint__() (missing or
 * NotImplemented: default_value); -1 with an error (ValueError
 * "__length_hint__() should return >= 0", TypeError "__length_hint__ must
 * be an integer, not str"). */
PyAPI_FUNC(Py_ssize_t) PyObject_LengthHint(PyObject* o, Py_ssize_t default_value);
PyAPI_FUNC(Py_ssize_t) PyObject_Length(PyObject* o);
PyAPI_FUNC(PyObject*) PyObject_GetItem(PyObject* o, PyObject* key);
PyAPI_FUNC(int) PyObject_SetItem(PyObject* o, PyObject* key, PyObject* v);
PyAPI_FUNC(int) PyObject_DelItem(PyObject* o, PyObject* key);
/* del o[key] with key a UTF-8 C string. */
PyAPI_FUNC(int) PyObject_DelItemString(PyObject* o, const char* key);
/* format(obj, format_spec) through type(obj).__format__ (format_spec
 * NULL: ""); TypeError "__format__ must return a str, not int". */
PyAPI_FUNC(PyObject*) PyObject_Format(PyObject* obj, PyObject* format_spec);
PyAPI_FUNC(PyObject*) PyObject_GetIter(PyObject* o);
/* The next item (new reference), or NULL: exhausted if no exception is
 * set. */
PyAPI_FUNC(PyObject*) PyIter_Next(PyObject* iter);
PyAPI_FUNC(int) PyIter_Check(PyObject* o);
/* One step of a generator-like iterator: PYGEN_NEXT with the yielded value,
 * PYGEN_RETURN with the return value (StopIteration's), or PYGEN_ERROR
 * with an exception set; *presult is a new reference or NULL. */
PyAPI_FUNC(PySendResult) PyIter_Send(PyObject* iter, PyObject* arg, PyObject** presult);

/* The number protocol: Python's operator dispatch over the operands'
 * tp_as_number slots (a type's slot is called with either operand first
 * and answers Py_NotImplemented for a pair it does not handle); + and *
 * fall back to sequence concatenation and repetition. ints have any
 * size, as in CPython. */
PyAPI_FUNC(int) PyNumber_Check(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Add(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Subtract(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Multiply(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_MatrixMultiply(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_FloorDivide(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_TrueDivide(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Remainder(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Divmod(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Power(PyObject* o1, PyObject* o2, PyObject* o3);
PyAPI_FUNC(PyObject*) PyNumber_Negative(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Positive(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Absolute(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Invert(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Lshift(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Rshift(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_And(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Xor(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Or(PyObject* o1, PyObject* o2);
PyAPI_FUNC(int) PyIndex_Check(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Index(PyObject* o);
PyAPI_FUNC(Py_ssize_t) PyNumber_AsSsize_t(PyObject* o, PyObject* exc);
/* bin() / oct() / hex() / str() of an integer (through __index__): base 2,
 * 8, 10 or 16, else SystemError. */
PyAPI_FUNC(PyObject*) PyNumber_ToBase(PyObject* n, int base);
PyAPI_FUNC(PyObject*) PyNumber_Long(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Float(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceAdd(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceSubtract(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceMultiply(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceMatrixMultiply(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceFloorDivide(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceTrueDivide(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceRemainder(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlacePower(PyObject* o1, PyObject* o2, PyObject* o3);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceLshift(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceRshift(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceAnd(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceXor(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceOr(PyObject* o1, PyObject* o2);

PyAPI_FUNC(int) PySequence_Check(PyObject* o);
PyAPI_FUNC(Py_ssize_t) PySequence_Size(PyObject* o);
PyAPI_FUNC(PyObject*) PySequence_GetItem(PyObject* o, Py_ssize_t i);
PyAPI_FUNC(int) PySequence_Contains(PyObject* seq, PyObject* ob);
PyAPI_FUNC(PyObject*) PySequence_Tuple(PyObject* o);
PyAPI_FUNC(PyObject*) PySequence_List(PyObject* o);
/* o[i] = v / del o[i] through sq_ass_item, a negative i having had the
 * length added. 0, or -1 with an exception: TypeError "'int' object does
 * not support item assignment" ("... item deletion"), or "dict is not a
 * sequence" for a mapping; SystemError for a NULL o. On a list another
 * thread modifies, the index is taken against the length at the moment
 * of the call (use a critical section to pair it with a length you read). */
PyAPI_FUNC(int) PySequence_SetItem(PyObject* o, Py_ssize_t i, PyObject* v);
PyAPI_FUNC(int) PySequence_DelItem(PyObject* o, Py_ssize_t i);
/* o[i1:i2] through mp_subscript with a slice: a new object (for a list,
 * one consistent snapshot); TypeError "'int' object is unsliceable". */
PyAPI_FUNC(PyObject*) PySequence_GetSlice(PyObject* o, Py_ssize_t i1,
                                          Py_ssize_t i2);
/* o[i1:i2] = v (any iterable) / del o[i1:i2] through mp_ass_subscript:
 * for a list, one step inside its critical section. TypeError "'tuple'
 * object doesn't support slice assignment" ("... slice deletion"). */
PyAPI_FUNC(int) PySequence_SetSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2,
                                    PyObject* v);
PyAPI_FUNC(int) PySequence_DelSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2);
/* How many items of o equal value / the index of the first one (ValueError
 * "sequence.index(x): x not in sequence"), by iterating o: -1 with an
 * exception on error. The comparisons run code; a list other threads
 * modify meanwhile is walked item by item, never a freed item. */
PyAPI_FUNC(Py_ssize_t) PySequence_Count(PyObject* o, PyObject* value);
PyAPI_FUNC(Py_ssize_t) PySequence_Index(PyObject* o, PyObject* value);
/* o1 + o2 through sq_concat (list + list, tuple + tuple, str + str,
 * bytes + bytes): TypeError "'int' object can't be concatenated" or the
 * type's own ("can only concatenate list (not \"tuple\") to list"). */
PyAPI_FUNC(PyObject*) PySequence_Concat(PyObject* o1, PyObject* o2);
/* o * count through sq_repeat (a count <= 0 gives an empty sequence):
 * TypeError "'int' object can't be repeated". */
PyAPI_FUNC(PyObject*) PySequence_Repeat(PyObject* o, Py_ssize_t count);
/* o1 += o2 through sq_inplace_concat (a list extends itself and is
 * returned), else sq_concat (a new object, as for a tuple); TypeError
 * "'int' object can't be concatenated". */
PyAPI_FUNC(PyObject*) PySequence_InPlaceConcat(PyObject* o1, PyObject* o2);
/* o *= count through sq_inplace_repeat (a list repeats itself in place and
 * is returned), else sq_repeat; TypeError "'int' object can't be
 * repeated". */
PyAPI_FUNC(PyObject*) PySequence_InPlaceRepeat(PyObject* o, Py_ssize_t count);
/* Old names, kept as functions and as macros, as in CPython. */
#undef PySequence_Length
PyAPI_FUNC(Py_ssize_t) PySequence_Length(PyObject* o);
#define PySequence_Length PySequence_Size
#undef PySequence_In
PyAPI_FUNC(int) PySequence_In(PyObject* o, PyObject* value);
#define PySequence_In PySequence_Contains
/* o[i] through sq_item, unchecked: o must have one and 0 <= i < len(o)
 * (the built-in sequences still check the bound). A new reference. */
#define PySequence_ITEM(o, i) (Py_TYPE(o)->tp_as_sequence->sq_item((o), (i)))
PyAPI_FUNC(int) PyMapping_Check(PyObject* o);
/* A new list of o's keys, values or (key, value) tuples: for a dict, a
 * consistent snapshot (taken under its lock); for any other object, what
 * its keys() / values() / items() method returns, made a list. NULL with
 * an exception on failure (SystemError for NULL). */
PyAPI_FUNC(PyObject*) PyMapping_Keys(PyObject* o);
PyAPI_FUNC(PyObject*) PyMapping_Values(PyObject* o);
PyAPI_FUNC(PyObject*) PyMapping_Items(PyObject* o);
/* len(o) through mp_length: TypeError "T is not a mapping" for a sequence,
 * "object of type 'T' has no len()" otherwise. */
PyAPI_FUNC(Py_ssize_t) PyMapping_Size(PyObject* o);
#undef PyMapping_Length
PyAPI_FUNC(Py_ssize_t) PyMapping_Length(PyObject* o);
#define PyMapping_Length PyMapping_Size
/* o[key] / o[key] = v / del o[key] with key a UTF-8 C string. */
PyAPI_FUNC(PyObject*) PyMapping_GetItemString(PyObject* o, const char* key);
PyAPI_FUNC(int) PyMapping_SetItemString(PyObject* o, const char* key,
                                        PyObject* value);
#define PyMapping_DelItemString(O, K) PyObject_DelItemString((O), (K))
#define PyMapping_DelItem(O, K) PyObject_DelItem((O), (K))
/* o[key] into *result (a new reference) and 1; a missing key (KeyError)
 * is 0 with *result NULL and no exception; -1 with an exception (and
 * *result NULL) on any other error. */
PyAPI_FUNC(int) PyMapping_GetOptionalItem(PyObject* o, PyObject* key,
                                          PyObject** result);
PyAPI_FUNC(int) PyMapping_GetOptionalItemString(PyObject* o, const char* key,
                                                PyObject** result);
/* 1 if o[key] exists, 0 if not, -1 with an exception on other errors. */
PyAPI_FUNC(int) PyMapping_HasKeyWithError(PyObject* o, PyObject* key);
PyAPI_FUNC(int) PyMapping_HasKeyStringWithError(PyObject* o, const char* key);
/* The same, but an error other than a missing key is reported as
 * unraisable and answers 0 (CPython 3.13's behaviour). */
PyAPI_FUNC(int) PyMapping_HasKey(PyObject* o, PyObject* key);
PyAPI_FUNC(int) PyMapping_HasKeyString(PyObject* o, const char* key);

/* isinstance(inst, cls) / issubclass(derived, cls): 1, 0, or -1 with an
 * exception. cls is a type or a tuple of such (nested tuples allowed,
 * tried in order: the first match wins, so an invalid entry after a match
 * is not seen); anything else is TypeError, as is a derived that is not a
 * type. ftrt's types all have `type` as their metaclass (no
 * __instancecheck__ / __subclasscheck__ overrides exist), so the answer
 * is always the type's MRO: Py_TYPE(inst) is cls or a subtype of it. NULL
 * arguments give SystemError; tuples nested deeper than the recursion
 * limit give RecursionError. */
PyAPI_FUNC(int) PyObject_IsInstance(PyObject* inst, PyObject* cls);
PyAPI_FUNC(int) PyObject_IsSubclass(PyObject* derived, PyObject* cls);

/* ---- The "fast sequence" API -------------------------------------------
 * PySequence_Fast(o, m): o itself (a new reference) if it is exactly a list
 * or a tuple; otherwise a new list of o's items (any iterable); if o is
 * not iterable, TypeError with the message m (other errors from iterating
 * pass through); SystemError for NULL. The result is read with the macros
 * below, which do no checking and no locking.
 *
 * Thread safety (free-threaded build). When the result is a tuple, or a
 * new list PySequence_Fast made, nothing else can change it: the macros
 * are safe anywhere. When o was a list, the result IS that list, and
 * another thread may append, remove or replace its items meanwhile; then,
 * as for PyList_GET_ITEM (listobject.h): read the size, the items and the
 * PySequence_Fast_ITEMS array only inside Py_BEGIN_CRITICAL_SECTION(seq)
 * ... Py_END_CRITICAL_SECTION(), and take a strong reference
 * (Py_NewRef) to any item used after the section ends or across a call
 * that may run code (the section may be suspended there). The array of
 * PySequence_Fast_ITEMS is replaced when the list grows: never keep the
 * pointer past the section. Without the section, a size read before
 * another thread shrinks the list, or an item read while it is replaced,
 * can dangle (CPython 3.13t gives the same advice). */
PyAPI_FUNC(PyObject*) PySequence_Fast(PyObject* o, const char* m);
#define PySequence_Fast_GET_SIZE(o) \
  (PyList_Check(o) ? PyList_GET_SIZE(o) : PyTuple_GET_SIZE(o))
#define PySequence_Fast_GET_ITEM(o, i) \
  (PyList_Check(o) ? PyList_GET_ITEM((o), (i)) : PyTuple_GET_ITEM((o), (i)))
#define PySequence_Fast_ITEMS(sf)                       \
  (PyList_Check(sf) ? ((PyListObject*)(sf))->ob_item   \
                    : ((PyTupleObject*)(sf))->ob_item)

#ifdef __cplusplus
}
#endif

#endif /* !Py_ABSTRACT_H */
