// repr, str, hash, rich comparison and truth through the type slots, with
// CPython's defaults, as the C API's PyObject_Repr / Str / Hash /
// RichCompare / RichCompareBool / IsTrue / Not / Size do it.
//
// After CPython 3.13's Objects/object.c (PyObject_Repr, PyObject_Str,
// do_richcompare, PyObject_Hash, PyObject_IsTrue) with our own code. These
// report errors through the error indicator (error_indicator.h); the
// built-in types' Status-returning versions (compare.h) remain for their
// own C++ API. The rules:
//   - repr: tp_repr (object's default "<module.Qualname object at 0x...>",
//     "<Name object at 0x...>" for built-in classes); a result that is not
//     a str is "__repr__ returned non-string (type int)". Reprs of
//     containers that reach themselves print "[...]" / "{...}" (ReprEnter).
//   - str: tp_str, defaulting to repr; an exact str is returned as is.
//   - hash: tp_hash; "unhashable type: 'list'"; a type that defines
//     tp_richcompare but not tp_hash inherits neither (TypeReady), so it
//     is unhashable, as in CPython.
//   - rich comparison: the reflected slot of a right operand whose type is
//     a proper subclass goes first, NotImplemented passes the turn, == and
//     != fall back to identity, ordering to "'<' not supported between
//     instances of 'A' and 'B'". RichCompareBool treats identity as
//     equality.
//   - truth: True/False/None, nb_bool, mp_length, sq_length, else true.
// Repr methods for the built-in types (None, bool, int, float, complex,
// str, bytes, tuple, list, dict, set, frozenset, NotImplemented, Ellipsis)
// are installed here when the types have none, with CPython's output
// ("1e+16", "'it\\'s'" -> "\"it's\"", "[1, [...]]", "frozenset({1})",
// "set()", "(1+2j)").
#ifndef FTRT_OBJECT_DISPATCH_H_
#define FTRT_OBJECT_DISPATCH_H_

#include <string>

#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// PyObject_Repr / PyObject_Str: a new str, or null with an exception.
Ref<> ObjectRepr(PyObject* obj);
Ref<> ObjectStr(PyObject* obj);
// The same as UTF-8 std::string, for messages ("<repr failed>" if it
// raised; the error is cleared).
// repr(float) of a value: the shortest text that reads back as v, fixed
// notation for decimal exponents in [-4, 16), else exponent notation
// ("1.0", "0.0001", "1e-05", "1e+16", "inf", "nan").
std::string FloatReprText(double v);
std::string ReprUtf8(PyObject* obj);
std::string StrUtf8(PyObject* obj);

// PyObject_Hash: -1 with an exception set on error.
Py_hash_t ObjectHash(PyObject* obj);
// PyObject_RichCompare (op: Py_LT .. Py_GE).
Ref<> ObjectRichCompare(PyObject* a, PyObject* b, int op);
// PyObject_RichCompareBool: 1, 0 or -1.
int ObjectRichCompareBool(PyObject* a, PyObject* b, int op);
// PyObject_IsTrue / PyObject_Not: 1, 0 or -1.
int ObjectIsTrue(PyObject* obj);
int ObjectNot(PyObject* obj);
// PyObject_Size: -1 with TypeError "object of type 'int' has no len()".
Py_ssize_t ObjectSize(PyObject* obj);

// Py_ReprEnter / Py_ReprLeave: 1 if obj's repr is already in progress on
// this thread (print "..."), 0 if not (then call ReprLeave after), -1 on
// error.
int ReprEnter(PyObject* obj);
void ReprLeave(PyObject* obj);

namespace internal {
// Appends repr(item) (UTF-8) to *out; false with the error set if repr
// failed. For the tp_repr slots that assemble a repr from their fields.
bool AppendRepr(std::string* out, PyObject* item);
// Installs the built-in types' tp_repr where they have none.
void InstallReprSlots();
// A slot failed (returned NULL / -1): make sure an exception is pending,
// taking errors.h's interim indicator's if that holds one, else a
// SystemError naming `what`.
void EnsureErrorAfterSlotFailure(const char* what);
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_DISPATCH_H_
