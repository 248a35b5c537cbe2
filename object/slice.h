// slice: Python's slice object, and reading one as (start, stop, step).
//
// The object is CPython 3.13's PySliceObject (builtin_layouts.h): the header and three object
// pointers, start, stop and step, never null (None where a value was left
// out), set at creation and never changed, so any thread may read a slice
// it holds a reference to without a lock. As in CPython the type is a GC
// container (a slice cannot make a cycle by itself, but its fields may be
// any objects, which can refer back to it), is unhashable (3.13: hash()
// gives TypeError "unhashable type: 'slice'"), compares ==/!= (and orders)
// as the tuple (start, stop, step), and its repr is "slice(1, 2, None)".
// Its one method is indices(len).
//
// Reading a slice follows CPython 3.13's PySlice_Unpack with our own code:
// step first (None is 1; 0 is ValueError "slice step cannot be zero"; a
// step below -PY_SSIZE_T_MAX becomes -PY_SSIZE_T_MAX, so that it can be
// negated), then start and stop (None is the far end in the step's
// direction). A value must be an int or have __index__ (nb_index), else
// TypeError "slice indices must be integers or None or have an __index__
// method"; a value outside Py_ssize_t (a big int, int.h) clamps to
// PY_SSIZE_T_MIN / MAX, as in CPython.
// SliceAdjustIndices (slice_indices.h) then clips the values to a length.
//
// Errors go through the error indicator (error_indicator.h): functions
// returning Ref<> give null, those returning int give -1, with the
// exception set. Reading a slice may run __index__, i.e. any code: call it
// without internal locks held.
#ifndef FTRT_OBJECT_SLICE_H_
#define FTRT_OBJECT_SLICE_H_

#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"
#include "object/slice_indices.h"

extern "C" {
extern PyTypeObject PySlice_Type;
}

namespace ftrt {

PyTypeObject* SliceType();

// Exactly a slice (slice cannot be subclassed).
inline bool IsSlice(const PyObject* op) { return op->ob_type == &PySlice_Type; }

// PySlice_New: slice(start, stop, step); a null argument stands for None.
Ref<> SliceNew(PyObject* start, PyObject* stop, PyObject* step);
// slice(start, stop) from two indices (step None).
Ref<> SliceFromIndices(Py_ssize_t start, Py_ssize_t stop);

// PySlice_Unpack (see the top of the file): 0, or -1 with TypeError /
// ValueError (or what __index__ raised) set. `slice` must be a slice.
int SliceUnpack(PyObject* slice, Py_ssize_t* start, Py_ssize_t* stop, Py_ssize_t* step);

// op as a Py_ssize_t through __index__ (PyNumber_AsSsize_t(op, NULL): an
// int beyond 64 bits clamps to INT64_MIN / INT64_MAX): the value, or -1 with an exception set (TypeError "'str' object
// cannot be interpreted as an integer", or "__index__ returned non-int
// (type str)"); check HasError() when -1 comes back.
// (Whether op has __index__ at all: number.h's HasIndex.)
Py_ssize_t IndexAsSsize(PyObject* op);

// The same for an argument: true with *out set, or false with the error
// set (str's and bytes' methods' integer arguments).
bool IndexArg(PyObject* v, Py_ssize_t* out);

// A slice bound read as an index (CPython's _PyEval_SliceIndex, without
// its None case): 0 with *out set, or -1 with TypeError "slice indices
// must be integers or None or have an __index__ method" (or what
// __index__ raised). An int beyond 64 bits clamps, as IndexAsSsize.
int SliceIndex(PyObject* v, Py_ssize_t* out);

// The (sub[, start[, end]]) arguments of str's and bytes' find, count,
// startswith, ... (METH_FASTCALL): 1 to 3 positional arguments (CPython's
// TypeError otherwise), the bounds read as SliceIndex reads them, absent
// or None leaving *start = 0 and *end = PY_SSIZE_T_MAX. False with the
// error set.
bool SubAndBounds(const char* name, PyObject* const* args, Py_ssize_t nargs, Py_ssize_t* start,
                  Py_ssize_t* end);

namespace internal {
// The repr slot (installed by dispatch.h's InstallReprSlots; it needs
// ObjectRepr of the fields).
PyObject* SliceReprSlot(PyObject* self);
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_SLICE_H_
