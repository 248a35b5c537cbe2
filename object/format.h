// format(obj, spec) through __format__: PyObject_Format, and the built-in
// __format__ methods of object, int (and so bool), float and str.
//
// As in CPython 3.13 (Objects/abstract.c's PyObject_Format, the types'
// __format__ methods), with our own code:
//   - PyObject_Format(obj, spec): spec null or empty gives an exact str
//     back as is and str(obj) for an exact int; otherwise __format__ is
//     looked up on the type (its MRO: a C type's tp_methods entry, a heap
//     type's or a method set on a class at run time), bound and called
//     with spec; a result that is not a str is "TypeError: __format__ must
//     return a str, not int". A spec that is not a str is a SystemError.
//   - object.__format__: empty spec gives str(self), any other is
//     "TypeError: unsupported format string passed to T.__format__".
//   - int / float / str.__format__: empty spec gives str(self) (so
//     format(True, "") is 'True', while format(True, "d") is '1'); any
//     other is the mini-language of format_spec.h.
//   - each __format__ takes exactly one str: "__format__() argument must
//     be str, not int".
//
// The methods are entries of the types' dicts, added once when the static
// types are built (InstallFormatMethods), so they are found and overridden
// exactly as any other method.
#ifndef FTRT_OBJECT_FORMAT_H_
#define FTRT_OBJECT_FORMAT_H_

#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// PyObject_Format: a new str, or null with an exception set. spec may be
// null (the same as "").
Ref<> ObjectFormat(PyObject* obj, PyObject* spec);

namespace internal {
// Adds __format__ to object, int, float and str (each unless its dict
// already has one), and str's number table holding nb_remainder (str %
// args, percent_format.h) unless str has one. Called by the static-type
// builder: InstallFormatSlots before the static types are readied,
// InstallFormatMethods after.
void InstallFormatSlots();
void InstallFormatMethods();
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_FORMAT_H_
