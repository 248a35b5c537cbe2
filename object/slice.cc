// The slice type and reading slices (see slice.h).
#include "object/slice.h"

#include <string>

#include "object/builtin_internal.h"
#include "object/call.h"
#include "object/compare.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/number.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

PySliceObject* AsSlice(PyObject* op) { return reinterpret_cast<PySliceObject*>(op); }

// A slice's field as a new reference: the object, or None for null.
PyObject* FieldRef(PyObject* v) {
  if (v == nullptr) v = None();
  Incref(v);
  return v;
}

void SliceDealloc(PyObject* self) {
  UntrackObject(self);
  PySliceObject* s = AsSlice(self);
  PyObject* fields[] = {std::exchange(s->start, nullptr), std::exchange(s->stop, nullptr),
                        std::exchange(s->step, nullptr)};
  self->ob_type->tp_free(self);
  // Dropping a field may run any code: after the slice is gone.
  for (PyObject* f : fields) {
    if (f != nullptr) Decref(f);
  }
}

int SliceTraverse(PyObject* self, visitproc visit, void* arg) {
  PySliceObject* s = AsSlice(self);
  for (PyObject* f : {s->start, s->stop, s->step}) {
    if (f != nullptr) {
      if (int r = visit(f, arg); r != 0) return r;
    }
  }
  return 0;
}

// (start, stop, step) as a tuple, for comparisons.
Ref<> FieldsTuple(PyObject* self) {
  PySliceObject* s = AsSlice(self);
  return RefOrRaise(TupleFromItems({s->start, s->stop, s->step}));
}

PyObject* SliceRichCompare(PyObject* a, PyObject* b, int op) {
  if (!IsSlice(a) || !IsSlice(b)) return NotImplemented();
  if (a == b && (op == Py_EQ || op == Py_LE || op == Py_GE)) return True();
  if (a == b && (op == Py_NE || op == Py_LT || op == Py_GT)) return False();
  Ref<> ta = FieldsTuple(a);
  if (!ta) return nullptr;
  Ref<> tb = FieldsTuple(b);
  if (!tb) return nullptr;
  return ObjectRichCompare(ta.get(), tb.get(), op).Release();
}

// slice(stop) / slice(start, stop[, step]).
PyObject* SliceTpNew(PyTypeObject*, PyObject* args, PyObject* kwargs) {
  if (kwargs != nullptr && IsDict(kwargs) && DictSize(kwargs) != 0) {
    return SetErrorFormat(PyExc_TypeError, "slice() takes no keyword arguments");
  }
  const Py_ssize_t n = args == nullptr ? 0 : TupleSize(args);
  if (n < 1) {
    return SetErrorFormat(PyExc_TypeError, "slice expected at least 1 argument, got %d",
                          static_cast<int64_t>(n));
  }
  if (n > 3) {
    return SetErrorFormat(PyExc_TypeError, "slice expected at most 3 arguments, got %d",
                          static_cast<int64_t>(n));
  }
  if (n == 1) return SliceNew(nullptr, TupleItem(args, 0), nullptr).Release();
  return SliceNew(TupleItem(args, 0), TupleItem(args, 1), n == 3 ? TupleItem(args, 2) : nullptr)
      .Release();
}

// slice.indices(length): (start, stop, step) clipped to the length.
PyObject* SliceIndicesMethod(PyObject* self, PyObject* length_arg) {
  const Py_ssize_t length = IndexAsSsize(length_arg);
  if (length == -1 && HasError()) return nullptr;
  if (length < 0) {
    return SetErrorFormat(PyExc_ValueError, "length should not be negative");
  }
  Py_ssize_t start, stop, step;
  if (SliceUnpack(self, &start, &stop, &step) < 0) return nullptr;
  SliceAdjustIndices(length, &start, &stop, step);
  Ref<> items[3];
  const Py_ssize_t values[3] = {start, stop, step};
  for (int i = 0; i < 3; ++i) {
    items[i] = RefOrRaise(IntFromInt64(values[i]));
    if (!items[i]) return nullptr;
  }
  return RefOrRaise(TupleFromItems({items[0].get(), items[1].get(), items[2].get()})).Release();
}

PyMethodDef g_slice_methods[] = {
    {"indices", SliceIndicesMethod, METH_O,
     "S.indices(len) -> (start, stop, stride)\n\nThe start, stop and stride of a slice "
     "of a sequence of length len, with out-of-bounds indices clipped."},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

extern "C" {
constinit PyTypeObject PySlice_Type = [] {
  PyTypeObject t = StaticTypeInit("slice", sizeof(PySliceObject),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC);
  t.tp_flags &= ~Py_TPFLAGS_READY;  // readied with the other static types
  t.tp_dealloc = SliceDealloc;
  t.tp_hash = PyObject_HashNotImplemented;
  t.tp_doc = "slice(stop)\nslice(start, stop[, step])\n\nCreate a slice object.";
  t.tp_traverse = SliceTraverse;
  t.tp_richcompare = SliceRichCompare;
  t.tp_methods = g_slice_methods;
  t.tp_new = SliceTpNew;
  return t;
}();
}  // extern "C"

PyTypeObject* SliceType() { return &PySlice_Type; }

Ref<> SliceNew(PyObject* start, PyObject* stop, PyObject* step) {
  Ref<> s = Ref<>::Steal(PyType_GenericAlloc(&PySlice_Type, 0));
  if (!s) return nullptr;
  PySliceObject* so = AsSlice(s.get());
  // Not yet shared: plain stores.
  so->start = FieldRef(start);
  so->stop = FieldRef(stop);
  so->step = FieldRef(step);
  return s;
}

Ref<> SliceFromIndices(Py_ssize_t start, Py_ssize_t stop) {
  Ref<> a = RefOrRaise(IntFromInt64(start));
  if (!a) return nullptr;
  Ref<> b = RefOrRaise(IntFromInt64(stop));
  if (!b) return nullptr;
  return SliceNew(a.get(), b.get(), nullptr);
}

int SliceIndex(PyObject* v, Py_ssize_t* out) {
  if (!HasIndex(v)) {
    SetErrorString(PyExc_TypeError,
                   "slice indices must be integers or None or have an __index__ method");
    return -1;
  }
  const Py_ssize_t x = IndexAsSsize(v);
  if (x == -1 && HasError()) return -1;
  *out = x;
  return 0;
}


namespace {
// An optional slice bound: absent or None leaves *out as it is.
bool OptionalBound(PyObject* v, Py_ssize_t* out) {
  if (v == nullptr || v == None()) return true;
  return SliceIndex(v, out) == 0;
}
}  // namespace

bool SubAndBounds(const char* name, PyObject* const* args, Py_ssize_t nargs, Py_ssize_t* start,
                  Py_ssize_t* end) {
  if (!CheckPositional(name, nargs, 1, 3)) return false;
  *start = 0;
  *end = PY_SSIZE_T_MAX;
  return OptionalBound(nargs > 1 ? args[1] : nullptr, start) &&
         OptionalBound(nargs > 2 ? args[2] : nullptr, end);
}

bool IndexArg(PyObject* v, Py_ssize_t* out) {
  *out = IndexAsSsize(v);
  return !(*out == -1 && HasError());
}

Py_ssize_t IndexAsSsize(PyObject* op) {
  // A value beyond 64 bits clamps (PyNumber_AsSsize_t(op, NULL)): every
  // such index is out of range anyway.
  if (IsInt(op)) return static_cast<Py_ssize_t>(IntClampedValue(op));
  Ref<> r = RefOrRaise(NumberIndex(op));
  return r ? static_cast<Py_ssize_t>(IntClampedValue(r.get())) : -1;
}

int SliceUnpack(PyObject* slice, Py_ssize_t* start, Py_ssize_t* stop, Py_ssize_t* step) {
  PySliceObject* s = AsSlice(slice);
  if (IsNone(s->step)) {
    *step = 1;
  } else {
    if (SliceIndex(s->step, step) < 0) return -1;
    if (*step == 0) {
      SetErrorString(PyExc_ValueError, "slice step cannot be zero");
      return -1;
    }
    // -step must not overflow (SliceAdjustIndices divides by it).
    if (*step < -PY_SSIZE_T_MAX) *step = -PY_SSIZE_T_MAX;
  }
  if (IsNone(s->start)) {
    *start = *step < 0 ? PY_SSIZE_T_MAX : 0;
  } else if (SliceIndex(s->start, start) < 0) {
    return -1;
  }
  if (IsNone(s->stop)) {
    *stop = *step < 0 ? PY_SSIZE_T_MIN : PY_SSIZE_T_MAX;
  } else if (SliceIndex(s->stop, stop) < 0) {
    return -1;
  }
  return 0;
}

namespace internal {

PyObject* SliceReprSlot(PyObject* self) {
  PySliceObject* s = AsSlice(self);
  std::string out = "slice(";
  const PyObject* fields[] = {s->start, s->stop, s->step};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) out += ", ";
    if (!AppendRepr(&out, const_cast<PyObject*>(fields[i]))) return nullptr;
  }
  out += ")";
  return RefOrRaise(StrFromUtf8(out)).Release();
}

}  // namespace internal

}  // namespace ftrt
