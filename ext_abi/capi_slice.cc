// libftrt.so: the slice C API (PySlice_New, PySlice_Unpack,
// PySlice_AdjustIndices, PySlice_GetIndices, PySlice_GetIndicesEx, and the
// slice-bound converters _PyEval_SliceIndex / _PyEval_SliceIndexNotNone) over
// object/'s slice (slice.h). PySlice_Type, PyEllipsis_Type and
// _Py_EllipsisObject are object/'s own objects under their C names.
#include "ext_abi/capi_internal.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/slice.h"

using ftrt::ext::internal::BadCall;

namespace {

bool NeedSlice(PyObject* op, const char* func) {
  if (op == nullptr || !ftrt::IsSlice(op)) {
    BadCall(func);
    return false;
  }
  return true;
}

// The old interface's reading of one field: None gives `absent`, an int
// its value (plus length if negative, when `from_end`); anything else
// fails (false, no exception).
bool OldIndex(PyObject* v, Py_ssize_t absent, Py_ssize_t length, bool from_end, Py_ssize_t* out) {
  if (ftrt::IsNone(v)) {
    *out = absent;
    return true;
  }
  if (!ftrt::IsInt(v)) return false;
  *out = static_cast<Py_ssize_t>(ftrt::IntClampedValue(v));
  if (from_end && *out < 0) *out += length;
  return true;
}

}  // namespace

extern "C" {

PyObject* PySlice_New(PyObject* start, PyObject* stop, PyObject* step) {
  return ftrt::SliceNew(start, stop, step).Release();
}

int PySlice_Unpack(PyObject* slice, Py_ssize_t* start, Py_ssize_t* stop, Py_ssize_t* step) {
  if (!NeedSlice(slice, "PySlice_Unpack")) return -1;
  if (start == nullptr || stop == nullptr || step == nullptr) {
    BadCall("PySlice_Unpack");
    return -1;
  }
  return ftrt::SliceUnpack(slice, start, stop, step);
}

Py_ssize_t PySlice_AdjustIndices(Py_ssize_t length, Py_ssize_t* start, Py_ssize_t* stop,
                                 Py_ssize_t step) {
  return ftrt::SliceAdjustIndices(length, start, stop, step);
}

int PySlice_GetIndicesEx(PyObject* slice, Py_ssize_t length, Py_ssize_t* start, Py_ssize_t* stop,
                         Py_ssize_t* step, Py_ssize_t* slicelength) {
  if (PySlice_Unpack(slice, start, stop, step) < 0) {
    *slicelength = 0;
    return -1;
  }
  *slicelength = ftrt::SliceAdjustIndices(length, start, stop, *step);
  return 0;
}

// The pre-3.2 reading (see sliceobject.h): -1 without an exception when
// the slice does not fit the old rules.
int PySlice_GetIndices(PyObject* slice, Py_ssize_t length, Py_ssize_t* start, Py_ssize_t* stop,
                       Py_ssize_t* step) {
  if (!NeedSlice(slice, "PySlice_GetIndices")) return -1;
  const auto* s = reinterpret_cast<const PySliceObject*>(slice);
  if (!OldIndex(s->step, 1, length, /*from_end=*/false, step)) return -1;
  if (*step == 0) return -1;
  const bool backwards = *step < 0;
  if (!OldIndex(s->start, backwards ? length - 1 : 0, length, /*from_end=*/true, start)) return -1;
  if (!OldIndex(s->stop, backwards ? -1 : length, length, /*from_end=*/true, stop)) return -1;
  if (*stop > length || *start >= length) return -1;
  return 0;
}

// The "O&" converters of slice bounds (CPython's cpython/ceval.h): 1 with
// *pi set (None leaves it as it is, for the first), or 0 with TypeError.
int _PyEval_SliceIndex(PyObject* v, Py_ssize_t* pi) {
  if (v == nullptr || pi == nullptr) {
    BadCall("_PyEval_SliceIndex");
    return 0;
  }
  if (ftrt::IsNone(v)) return 1;
  return ftrt::SliceIndex(v, pi) == 0 ? 1 : 0;
}
int _PyEval_SliceIndexNotNone(PyObject* v, Py_ssize_t* pi) {
  if (v == nullptr || pi == nullptr) {
    BadCall("_PyEval_SliceIndexNotNone");
    return 0;
  }
  return ftrt::SliceIndex(v, pi) == 0 ? 1 : 0;
}

}  // extern "C"
