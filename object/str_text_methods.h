// str's text methods: encode, join, split, rsplit, splitlines, strip,
// lstrip, rstrip, startswith, endswith, find, rfind, index, rindex, count,
// replace, partition, rpartition, removeprefix, removesuffix, zfill,
// ljust, rjust, center, expandtabs (see str_text_methods.cc). They are
// entries of str's method table in str_methods.cc, which lists them with
// the character methods; the C signatures are those of their METH_ flags.
#ifndef FTRT_OBJECT_STR_TEXT_METHODS_H_
#define FTRT_OBJECT_STR_TEXT_METHODS_H_

#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// sep.join(iterable): the items (each a str) with sep between them, as an
// exact str. TypeError "can only join an iterable" or "sequence item 1:
// expected str instance, int found". sep must be a str. (PyUnicode_Join.)
Ref<> StrJoinIterable(PyObject* sep, PyObject* iterable);

namespace internal {

// METH_FASTCALL | METH_KEYWORDS
PyObject* StrEncodeMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                          PyObject* kwnames);
PyObject* StrSplitMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                         PyObject* kwnames);
PyObject* StrRSplitMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                          PyObject* kwnames);
PyObject* StrSplitlinesMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                              PyObject* kwnames);
PyObject* StrReplaceMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                           PyObject* kwnames);
PyObject* StrExpandtabsMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                              PyObject* kwnames);
// METH_FASTCALL
PyObject* StrStripMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrLStripMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrRStripMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrStartswithMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrEndswithMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrFindMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrRFindMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrIndexMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrRIndexMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrCountMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrLJustMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrRJustMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
PyObject* StrCenterMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs);
// METH_O
PyObject* StrJoinMethod(PyObject* self, PyObject* iterable);
PyObject* StrPartitionMethod(PyObject* self, PyObject* sep);
PyObject* StrRPartitionMethod(PyObject* self, PyObject* sep);
PyObject* StrRemoveprefixMethod(PyObject* self, PyObject* prefix);
PyObject* StrRemovesuffixMethod(PyObject* self, PyObject* suffix);
PyObject* StrZfillMethod(PyObject* self, PyObject* width);

}  // namespace internal
}  // namespace ftrt

#endif  // FTRT_OBJECT_STR_TEXT_METHODS_H_
