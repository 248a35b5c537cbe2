// The memoryview type and its ManagedBuffer (see memoryview.h for the
// design: shared ManagedBuffer, per-view state under the view's critical
// section, temporary shares for operations that touch the bytes).
#include "object/memoryview.h"

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_format.h"
#include "object/buffer.h"
#include "object/builtin_internal.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/number.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "sync/critical_section.h"
#include "sync/mutex.h"

// The exporter's buffer, shared by every view made from it.
//
// Invariant: `shares` counts the live views that use it plus the
// operations in flight on them; the thread that drops it to 0 releases
// `master` (the exporter's bf_releasebuffer and reference) and frees the
// struct. A share is only ever added by a thread that already holds one
// (a live view it checked under the view's section, or a pin), so the
// count never rises from 0.
// Memory ordering: adding is relaxed (the adder's own share keeps the
// struct alive); dropping is acq_rel, so the last dropper sees every other
// holder's accesses to the memory before it releases the buffer (as
// std::shared_ptr).
struct _ftrt_ManagedBuffer {
  std::atomic<Py_ssize_t> shares{0};
  Py_buffer master{};   // master.obj: the exporter's reference, or null
  std::string format;   // the master's format ("B" if it gave none), owned
};

namespace ftrt {
namespace {

using ManagedBuffer = _ftrt_ManagedBuffer;

constexpr const char kReleasedMessage[] = "operation forbidden on released memoryview object";

PyMemoryViewObject* AsMv(PyObject* op) { return reinterpret_cast<PyMemoryViewObject*>(op); }

Mutex& ViewMutex(PyMemoryViewObject* mv) {
  static_assert(sizeof(Mutex) == sizeof(PyMutex), "ob_mutex is a Mutex");
  return *reinterpret_cast<Mutex*>(&mv->ob_base.ob_base.ob_mutex);
}

void AddShare(ManagedBuffer* mb) { mb->shares.fetch_add(1, std::memory_order_relaxed); }

// Must not hold any lock here: releasing the master may run the exporter's
// tp_dealloc.
void DropShare(ManagedBuffer* mb) {
  if (mb->shares.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  ReleaseBuffer(&mb->master);
  delete mb;
}

// A new ManagedBuffer whose master the caller fills; no shares yet.
ManagedBuffer* NewManagedBuffer() { return new (std::nothrow) ManagedBuffer(); }

// A ManagedBuffer that never got a view: gives its master back.
void DiscardManagedBuffer(ManagedBuffer* mb) {
  ReleaseBuffer(&mb->master);
  delete mb;
}

// --- State under the view's section ---------------------------------------

bool ReleasedLocked(PyMemoryViewObject* mv, Mutex& mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  (void)mu;
  return (mv->flags & kMemoryViewReleased) != 0;
}

// Whether the view is released (a snapshot: another thread may release it
// right after).
bool IsReleased(PyMemoryViewObject* mv) {
  Mutex& mu = ViewMutex(mv);
  CriticalSection cs(mu);
  return ReleasedLocked(mv, mu);
}

void RaiseReleased() { SetErrorString(PyExc_ValueError, kReleasedMessage); }

// A temporary share of a live view's buffer, for one operation: while it
// is held, the view's memory, format and exporter stay valid even if
// another thread releases the view.
class Pin {
 public:
  Pin() = default;
  Pin(const Pin&) = delete;
  Pin& operator=(const Pin&) = delete;
  ~Pin() {
    if (mb_ != nullptr) DropShare(mb_);
  }

  // false with ValueError if the view is released.
  [[nodiscard]] bool Acquire(PyMemoryViewObject* mv) {
    {
      Mutex& mu = ViewMutex(mv);
      CriticalSection cs(mu);
      if (!ReleasedLocked(mv, mu)) {
        mb_ = mv->mbuf;
        AddShare(mb_);
      }
    }
    if (mb_ == nullptr) RaiseReleased();
    return mb_ != nullptr;
  }

 private:
  ManagedBuffer* mb_ = nullptr;
};

// --- Layout helpers ---------------------------------------------------------

bool IsCContiguous(const Py_buffer& v) {
  if (v.suboffsets != nullptr) {
    for (int d = 0; d < v.ndim; ++d) {
      if (v.suboffsets[d] >= 0) return false;
    }
  }
  Py_ssize_t expected = v.itemsize;
  for (int d = v.ndim - 1; d >= 0; --d) {
    if (v.shape[d] == 0) return true;
    if (v.shape[d] > 1 && v.strides[d] != expected) return false;
    expected *= v.shape[d];
  }
  return true;
}

bool IsFContiguous(const Py_buffer& v) {
  if (v.suboffsets != nullptr) {
    for (int d = 0; d < v.ndim; ++d) {
      if (v.suboffsets[d] >= 0) return false;
    }
  }
  Py_ssize_t expected = v.itemsize;
  for (int d = 0; d < v.ndim; ++d) {
    if (v.shape[d] == 0) return true;
    if (v.shape[d] > 1 && v.strides[d] != expected) return false;
    expected *= v.shape[d];
  }
  return true;
}

int LayoutFlags(const Py_buffer& v) {
  int f = 0;
  if (v.ndim == 0) f |= kMemoryViewScalar;
  if (IsCContiguous(v)) f |= kMemoryViewC;
  if (IsFContiguous(v)) f |= kMemoryViewFortran;
  return f;
}

// The item at multi-index idx (one per dimension, each in range).
char* ItemAt(const Py_buffer& v, const Py_ssize_t* idx) {
  char* p = static_cast<char*>(v.buf);
  for (int d = 0; d < v.ndim; ++d) {
    p += idx[d] * v.strides[d];
    if (v.suboffsets != nullptr && v.suboffsets[d] >= 0) {
      p = *reinterpret_cast<char**>(p) + v.suboffsets[d];
    }
  }
  return p;
}

// Copies every item of `v`, in C order ('C', 'A') or Fortran order ('F'),
// to `out` (nbytes long).
void CopyItems(const Py_buffer& v, char order, char* out) {
  if (v.ndim == 0) {
    std::memcpy(out, v.buf, static_cast<size_t>(v.itemsize));
    return;
  }
  Py_ssize_t total = 1;
  for (int d = 0; d < v.ndim; ++d) total *= v.shape[d];
  if (total == 0) return;
  std::vector<Py_ssize_t> idx(static_cast<size_t>(v.ndim), 0);
  for (Py_ssize_t k = 0; k < total; ++k) {
    std::memcpy(out, ItemAt(v, idx.data()), static_cast<size_t>(v.itemsize));
    out += v.itemsize;
    // Next multi-index: the last dimension fastest in C order, the first
    // in Fortran order.
    for (int j = 0; j < v.ndim; ++j) {
      const int d = order == 'F' ? j : v.ndim - 1 - j;
      if (++idx[static_cast<size_t>(d)] < v.shape[d]) break;
      idx[static_cast<size_t>(d)] = 0;
    }
  }
}

// The items of `v` as a new bytes object, in `order`.
Ref<> CopyToBytes(const Py_buffer& v, char order) {
  Ref<> b = RefOrRaise(BytesNew(v.len));
  if (!b) return nullptr;
  CopyItems(v, order, BytesData(b.get()));
  return b;
}

// A new view of `mb` copying the layout of `src` (format from mb; shape
// and strides computed C-contiguous where src has none). Adds a share of
// mb on success; the caller holds one already, or mb is new.
Ref<> NewView(ManagedBuffer* mb, const Py_buffer& src) {
  const int ndim = src.ndim;
  Ref<> op = Ref<>::Steal(PyType_GenericAlloc(&PyMemoryView_Type, 3 * Py_ssize_t{ndim}));
  if (!op) return nullptr;
  PyMemoryViewObject* mv = AsMv(op.get());
  // Not yet shared: plain stores.
  Py_buffer& v = mv->view;
  v.obj = mb->master.obj;  // borrowed: the ManagedBuffer holds it
  v.buf = src.buf;
  v.len = src.len;
  v.itemsize = src.itemsize;
  v.readonly = src.readonly;
  v.ndim = ndim;
  v.format = const_cast<char*>(mb->format.c_str());
  v.shape = mv->ob_array;
  v.strides = mv->ob_array + ndim;
  v.suboffsets = src.suboffsets != nullptr ? mv->ob_array + 2 * ndim : nullptr;
  v.internal = nullptr;
  if (ndim == 1 && src.shape == nullptr) {
    v.shape[0] = src.itemsize != 0 ? src.len / src.itemsize : 0;
  } else {
    for (int d = 0; d < ndim; ++d) v.shape[d] = src.shape[d];
  }
  if (src.strides != nullptr) {
    for (int d = 0; d < ndim; ++d) v.strides[d] = src.strides[d];
  } else {
    Py_ssize_t s = src.itemsize;
    for (int d = ndim - 1; d >= 0; --d) {
      v.strides[d] = s;
      s *= v.shape[d];
    }
  }
  if (src.suboffsets != nullptr) {
    for (int d = 0; d < ndim; ++d) v.suboffsets[d] = src.suboffsets[d];
  }
  mv->hash = -1;
  mv->flags = LayoutFlags(v);
  mv->exports = 0;
  mv->weakreflist = nullptr;
  mv->mbuf = mb;
  AddShare(mb);
  return op;
}

// A view of a fresh ManagedBuffer whose master is filled; discards it on
// failure.
Ref<> FirstView(ManagedBuffer* mb, const Py_buffer& src) {
  if (mb->master.format != nullptr) {
    mb->format = mb->master.format;
  } else {
    mb->format = "B";
  }
  if (src.ndim > 1 && src.shape == nullptr) {
    DiscardManagedBuffer(mb);
    SetErrorString(PyExc_BufferError, "memoryview: exporter gave no shape for ndim > 1");
    return nullptr;
  }
  if (src.ndim < 0 || src.ndim > PyBUF_MAX_NDIM) {
    DiscardManagedBuffer(mb);
    SetErrorFormat(PyExc_ValueError, "memoryview: number of dimensions must not exceed %d",
                   PyBUF_MAX_NDIM);
    return nullptr;
  }
  Ref<> view = NewView(mb, src);
  if (!view) DiscardManagedBuffer(mb);
  return view;
}

// --- Items ------------------------------------------------------------------

// The native single-character format of `fmt` ("B", "@B"), or 0.
char NativeFormat(const char* fmt) {
  if (fmt == nullptr) return 'B';
  if (fmt[0] == '@') ++fmt;
  if (fmt[0] == '\0' || fmt[1] != '\0') return 0;
  switch (fmt[0]) {
    case 'B': case 'b': case 'c': case '?': case 'h': case 'H': case 'i': case 'I':
    case 'l': case 'L': case 'q': case 'Q': case 'n': case 'N': case 'f': case 'd':
      return fmt[0];
    default:
      return 0;
  }
}

size_t NativeSize(char code) {
  switch (code) {
    case 'B': case 'b': case 'c': case '?': return 1;
    case 'h': case 'H': return sizeof(short);
    case 'i': case 'I': return sizeof(int);
    case 'l': case 'L': return sizeof(long);
    case 'q': case 'Q': return sizeof(long long);
    case 'n': case 'N': return sizeof(Py_ssize_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
  }
  return 0;
}

// The view's item format code, or 0 with NotImplementedError.
char ItemFormat(const Py_buffer& v) {
  const char code = NativeFormat(v.format);
  if (code == 0 || NativeSize(code) != static_cast<size_t>(v.itemsize)) {
    SetErrorFormat(PyExc_NotImplementedError, "memoryview: format %s not supported", v.format);
    return 0;
  }
  return code;
}

template <typename T>
T Load(const char* p) {
  T x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

Ref<> UnpackItem(char code, const char* p) {
  switch (code) {
    case 'B': return RefOrRaise(IntFromInt64(Load<unsigned char>(p)));
    case 'b': return RefOrRaise(IntFromInt64(Load<signed char>(p)));
    case 'c': return RefOrRaise(BytesFromData(absl::string_view(p, 1)));
    case '?': return Ref<>::NewRef(BoolFrom(Load<unsigned char>(p) != 0));
    case 'h': return RefOrRaise(IntFromInt64(Load<short>(p)));
    case 'H': return RefOrRaise(IntFromInt64(Load<unsigned short>(p)));
    case 'i': return RefOrRaise(IntFromInt64(Load<int>(p)));
    case 'I': return RefOrRaise(IntFromInt64(Load<unsigned int>(p)));
    case 'l': return RefOrRaise(IntFromInt64(Load<long>(p)));
    case 'L': return RefOrRaise(IntFromUint64(Load<unsigned long>(p)));
    case 'q': return RefOrRaise(IntFromInt64(Load<long long>(p)));
    case 'Q': return RefOrRaise(IntFromUint64(Load<unsigned long long>(p)));
    case 'n': return RefOrRaise(IntFromInt64(Load<Py_ssize_t>(p)));
    case 'N': return RefOrRaise(IntFromUint64(Load<size_t>(p)));
    case 'f': return RefOrRaise(FloatFromDouble(Load<float>(p)));
    case 'd': return RefOrRaise(FloatFromDouble(Load<double>(p)));
  }
  return nullptr;
}

// Stores `value` as one item of format `code` at p: 0, or -1 with
// TypeError "memoryview: invalid type for format 'B'" / ValueError
// "memoryview: invalid value for format 'B'" (CPython's wording), or
// NotImplementedError for formats other than B, b and c.
int PackItem(char code, const char* fmt, char* p, PyObject* value) {
  if (code == 'c') {
    if (!IsBytes(value)) {
      SetErrorFormat(PyExc_TypeError, "memoryview: invalid type for format '%s'", fmt);
      return -1;
    }
    if (BytesSize(value) != 1) {
      SetErrorFormat(PyExc_ValueError, "memoryview: invalid value for format '%s'", fmt);
      return -1;
    }
    *p = BytesData(value)[0];
    return 0;
  }
  if (code != 'B' && code != 'b') {
    SetErrorFormat(PyExc_NotImplementedError, "memoryview: format %s not supported", fmt);
    return -1;
  }
  if (!HasIndex(value)) {
    SetErrorFormat(PyExc_TypeError, "memoryview: invalid type for format '%s'", fmt);
    return -1;
  }
  const Py_ssize_t x = IndexAsSsize(value);
  if (x == -1 && HasError()) return -1;
  const bool ok = code == 'B' ? (x >= 0 && x <= 255) : (x >= -128 && x <= 127);
  if (!ok) {
    SetErrorFormat(PyExc_ValueError, "memoryview: invalid value for format '%s'", fmt);
    return -1;
  }
  *p = static_cast<char>(static_cast<unsigned char>(x));
  return 0;
}

// An index on dimension `dim` (0-based) of length n, adjusted; -1 with
// IndexError if out of range.
bool AdjustIndex(Py_ssize_t* i, Py_ssize_t n, int dim) {
  if (*i < 0) *i += n;
  if (*i < 0 || *i >= n) {
    SetErrorFormat(PyExc_IndexError, "index out of bounds on dimension %d", dim + 1);
    return false;
  }
  return true;
}

// The item a key addresses: an index (1-D) or a tuple of indices (one per
// dimension). Null with an exception; *handled is false when the key is of
// neither kind (the caller then tries slices and raises).
char* ItemForKey(const Py_buffer& v, PyObject* key, bool* handled) {
  *handled = true;
  std::vector<Py_ssize_t> idx;
  if (IsTuple(key)) {
    const Py_ssize_t n = TupleSize(key);
    if (n != v.ndim) {
      bool all_slices = n > 0;
      for (Py_ssize_t j = 0; j < n; ++j) all_slices = all_slices && IsSlice(TupleItem(key, j));
      if (all_slices) {
        SetErrorString(PyExc_NotImplementedError, "multi-dimensional slicing is not implemented");
      } else {
        SetErrorFormat(PyExc_TypeError, "cannot index %d-dimension view with %d-element tuple",
                       v.ndim, static_cast<int64_t>(n));
      }
      return nullptr;
    }
    for (Py_ssize_t j = 0; j < n; ++j) {
      PyObject* k = TupleItem(key, j);
      if (!HasIndex(k)) {
        if (IsSlice(k)) {
          SetErrorString(PyExc_NotImplementedError,
                         "multi-dimensional slicing is not implemented");
        } else {
          SetErrorString(PyExc_TypeError, "memoryview: invalid slice key");
        }
        return nullptr;
      }
      Py_ssize_t i = IndexAsSsize(k);
      if (i == -1 && HasError()) return nullptr;
      idx.push_back(i);
    }
  } else if (HasIndex(key) && !IsSlice(key)) {
    if (v.ndim == 0) {
      SetErrorString(PyExc_TypeError, "invalid indexing of 0-dim memory");
      return nullptr;
    }
    if (v.ndim > 1) {
      SetErrorString(PyExc_NotImplementedError, "multi-dimensional sub-views are not implemented");
      return nullptr;
    }
    Py_ssize_t i = IndexAsSsize(key);
    if (i == -1 && HasError()) return nullptr;
    idx.push_back(i);
  } else {
    *handled = false;
    return nullptr;
  }
  for (int d = 0; d < v.ndim; ++d) {
    if (!AdjustIndex(&idx[static_cast<size_t>(d)], v.shape[d], d)) return nullptr;
  }
  return ItemAt(v, idx.data());
}

// --- Slots ------------------------------------------------------------------

void MemoryViewDealloc(PyObject* self) {
  PyMemoryViewObject* mv = AsMv(self);
  ManagedBuffer* drop = nullptr;
  {
    // No other reference exists (an exported buffer holds one), so exports
    // is 0; the section is for the analysis and TSan's view of the flags.
    Mutex& mu = ViewMutex(mv);
    CriticalSection cs(mu);
    if (!ReleasedLocked(mv, mu)) {
      mv->flags |= kMemoryViewReleased;
      drop = mv->mbuf;
    }
  }
  self->ob_type->tp_free(self);
  if (drop != nullptr) DropShare(drop);
}

PyObject* MemoryViewRepr(PyObject* self) {
  const bool released = IsReleased(AsMv(self));
  const std::string text = absl::StrFormat("<%smemory at %p>", released ? "released " : "",
                                           static_cast<void*>(self));
  return RefOrRaise(StrFromUtf8(text)).Release();
}

Py_ssize_t MemoryViewLength(PyObject* self) {
  PyMemoryViewObject* mv = AsMv(self);
  if (IsReleased(mv)) {
    RaiseReleased();
    return -1;
  }
  if (mv->view.ndim == 0) {
    SetErrorString(PyExc_TypeError, "0-dim memory has no length");
    return -1;
  }
  return mv->view.shape[0];
}

PyObject* MemoryViewSubscript(PyObject* self, PyObject* key) {
  PyMemoryViewObject* mv = AsMv(self);
  Pin pin;
  if (!pin.Acquire(mv)) return nullptr;
  const Py_buffer& v = mv->view;
  if (v.ndim == 0 && key == Ellipsis()) return Ref<>::NewRef(self).Release();
  bool handled;
  char* p = ItemForKey(v, key, &handled);
  if (handled) {
    if (p == nullptr) return nullptr;
    const char code = ItemFormat(v);
    if (code == 0) return nullptr;
    return UnpackItem(code, p).Release();
  }
  if (IsSlice(key) && v.ndim >= 1) {
    Py_ssize_t start, stop, step;
    if (SliceUnpack(key, &start, &stop, &step) < 0) return nullptr;
    const Py_ssize_t n = SliceAdjustIndices(v.shape[0], &start, &stop, step);
    Ref<> sliced = NewView(mv->mbuf, v);
    if (!sliced) return nullptr;
    // Not yet shared: plain stores.
    Py_buffer& s = AsMv(sliced.get())->view;
    s.buf = static_cast<char*>(s.buf) + start * v.strides[0];
    s.shape[0] = n;
    s.strides[0] = v.strides[0] * step;
    s.len = s.itemsize;
    for (int d = 0; d < s.ndim; ++d) s.len *= s.shape[d];
    AsMv(sliced.get())->flags = LayoutFlags(s);
    return sliced.Release();
  }
  if (v.ndim == 0) {
    SetErrorString(PyExc_TypeError, "invalid indexing of 0-dim memory");
  } else {
    SetErrorString(PyExc_TypeError, "memoryview: invalid slice key");
  }
  return nullptr;
}

PyObject* MemoryViewItem(PyObject* self, Py_ssize_t i) {
  Ref<> key = RefOrRaise(IntFromInt64(i));
  if (!key) return nullptr;
  return MemoryViewSubscript(self, key.get());
}

// m[slice] = value: value's buffer must have the same structure (format,
// itemsize, one dimension of the slice's length).
int AssignSlice(const Py_buffer& v, PyObject* key, PyObject* value) {
  Py_ssize_t start, stop, step;
  if (SliceUnpack(key, &start, &stop, &step) < 0) return -1;
  const Py_ssize_t n = SliceAdjustIndices(v.shape[0], &start, &stop, step);
  Py_buffer src;
  if (GetBuffer(value, &src, PyBUF_FULL_RO) < 0) return -1;
  const char* src_fmt = src.format != nullptr ? src.format : "B";
  Py_ssize_t src_n = src.ndim == 1 ? (src.shape != nullptr ? src.shape[0] : src.len / src.itemsize)
                                   : -1;
  if (src.ndim != 1 || src.itemsize != v.itemsize || std::strcmp(src_fmt, v.format) != 0 ||
      src_n != n) {
    ReleaseBuffer(&src);
    SetErrorString(PyExc_ValueError,
                   "memoryview assignment: lvalue and rvalue have different structures");
    return -1;
  }
  // Through a copy: the source may overlap the destination.
  Py_buffer s = src;
  Py_ssize_t src_stride = src.itemsize;
  s.shape = &src_n;
  s.strides = src.strides != nullptr ? src.strides : &src_stride;
  std::string tmp(static_cast<size_t>(n * v.itemsize), '\0');
  CopyItems(s, 'C', tmp.data());
  ReleaseBuffer(&src);
  char* base = static_cast<char*>(v.buf) + start * v.strides[0];
  for (Py_ssize_t k = 0; k < n; ++k) {
    std::memcpy(base + k * step * v.strides[0], tmp.data() + k * v.itemsize,
                static_cast<size_t>(v.itemsize));
  }
  return 0;
}

int MemoryViewAssSubscript(PyObject* self, PyObject* key, PyObject* value) {
  PyMemoryViewObject* mv = AsMv(self);
  Pin pin;
  if (!pin.Acquire(mv)) return -1;
  const Py_buffer& v = mv->view;
  if (v.readonly) {
    SetErrorString(PyExc_TypeError, "cannot modify read-only memory");
    return -1;
  }
  if (value == nullptr) {
    SetErrorString(PyExc_TypeError, "cannot delete memory");
    return -1;
  }
  char* p = nullptr;
  bool handled = false;
  if (v.ndim == 0 && key == Ellipsis()) {
    p = static_cast<char*>(v.buf);
    handled = true;
  } else {
    p = ItemForKey(v, key, &handled);
  }
  if (handled) {
    if (p == nullptr) return -1;
    const char code = NativeFormat(v.format);
    if (code == 0) {
      SetErrorFormat(PyExc_NotImplementedError, "memoryview: format %s not supported", v.format);
      return -1;
    }
    return PackItem(code, v.format, p, value);
  }
  if (IsSlice(key) && v.ndim == 1) return AssignSlice(v, key, value);
  if (IsSlice(key) && v.ndim > 1) {
    SetErrorString(PyExc_NotImplementedError,
                   "memoryview slice assignments are currently restricted to ndim = 1");
    return -1;
  }
  SetErrorString(PyExc_TypeError, v.ndim == 0 ? "invalid indexing of 0-dim memory"
                                              : "memoryview: invalid slice key");
  return -1;
}

int MemoryViewSetItem(PyObject* self, Py_ssize_t i, PyObject* value) {
  Ref<> key = RefOrRaise(IntFromInt64(i));
  if (!key) return -1;
  return MemoryViewAssSubscript(self, key.get(), value);
}

Py_hash_t MemoryViewHash(PyObject* self) {
  PyMemoryViewObject* mv = AsMv(self);
  std::atomic_ref<Py_hash_t> cache(mv->hash);
  Py_hash_t h = cache.load(std::memory_order_relaxed);
  if (h != -1) return h;
  Pin pin;
  if (!pin.Acquire(mv)) return -1;
  const Py_buffer& v = mv->view;
  if (!v.readonly) {
    SetErrorString(PyExc_ValueError, "cannot hash writable memoryview object");
    return -1;
  }
  const char code = NativeFormat(v.format);
  if (code != 'B' && code != 'b' && code != 'c') {
    SetErrorString(PyExc_ValueError,
                   "memoryview: hashing is restricted to formats 'B', 'b' or 'c'");
    return -1;
  }
  Ref<> bytes = CopyToBytes(v, 'C');
  if (!bytes) return -1;
  h = HashBytes(BytesData(bytes.get()), static_cast<size_t>(BytesSize(bytes.get())));
  // Every thread computes the same value.
  cache.store(h, std::memory_order_relaxed);
  return h;
}

// The items of a view, unpacked, for ==. Copies in C order into `out`.
bool SameShape(const Py_buffer& a, const Py_buffer& b) {
  if (a.ndim != b.ndim) return false;
  for (int d = 0; d < a.ndim; ++d) {
    if (a.shape[d] != b.shape[d]) return false;
  }
  return true;
}

// Item-by-item equality of two C-order copies of the same shape: 1, 0, or
// -1 with an exception (an unpacking failure).
int ItemsEqual(const std::string& a, char ca, Py_ssize_t sa, const std::string& b, char cb,
               Py_ssize_t sb) {
  const Py_ssize_t n = sa != 0 ? static_cast<Py_ssize_t>(a.size()) / sa : 0;
  if (ca == cb && ca != 'f' && ca != 'd') return a == b ? 1 : 0;
  for (Py_ssize_t k = 0; k < n; ++k) {
    Ref<> x = UnpackItem(ca, a.data() + k * sa);
    if (!x) return -1;
    Ref<> y = UnpackItem(cb, b.data() + k * sb);
    if (!y) return -1;
    const int r = ObjectRichCompareBool(x.get(), y.get(), Py_EQ);
    if (r <= 0) return r;
  }
  return 1;
}

std::string CopyToString(const Py_buffer& v) {
  Py_ssize_t n = v.itemsize;
  for (int d = 0; d < v.ndim; ++d) n *= v.shape[d];
  std::string out(static_cast<size_t>(n), '\0');
  CopyItems(v, 'C', out.data());
  return out;
}

PyObject* MemoryViewRichCompare(PyObject* self, PyObject* other, int op) {
  if (op != Py_EQ && op != Py_NE) return internal::NotImplementedResult();
  PyMemoryViewObject* mv = AsMv(self);
  bool equal;
  if (self == other) {
    equal = true;
  } else if (IsReleased(mv) || (IsMemoryView(other) && IsReleased(AsMv(other)))) {
    equal = false;
  } else {
    Pin pin;
    if (!pin.Acquire(mv)) return nullptr;
    const Py_buffer& a = mv->view;
    Pin other_pin;
    Py_buffer held{};
    const Py_buffer* b;
    if (IsMemoryView(other)) {
      if (!other_pin.Acquire(AsMv(other))) return nullptr;
      b = &AsMv(other)->view;
    } else {
      PyBufferProcs* procs = other->ob_type->tp_as_buffer;
      if (procs == nullptr || procs->bf_getbuffer == nullptr) {
        return internal::NotImplementedResult();
      }
      if (GetBuffer(other, &held, PyBUF_FULL_RO) < 0) {
        // CPython treats an exporter that fails here as "not equal".
        ClearError();
        return internal::NotImplementedResult();
      }
      b = &held;
    }
    Py_buffer bb = *b;
    Py_ssize_t shape0, stride0;
    if (bb.ndim == 1 && bb.shape == nullptr) {
      shape0 = bb.itemsize != 0 ? bb.len / bb.itemsize : 0;
      bb.shape = &shape0;
    }
    if (bb.ndim == 1 && bb.strides == nullptr) {
      stride0 = bb.itemsize;
      bb.strides = &stride0;
    }
    const char ca = NativeFormat(a.format), cb = NativeFormat(bb.format);
    int r;
    if (ca == 0 || cb == 0 || NativeSize(ca) != static_cast<size_t>(a.itemsize) ||
        NativeSize(cb) != static_cast<size_t>(bb.itemsize) || bb.shape == nullptr ||
        bb.strides == nullptr) {
      r = -2;  // formats we cannot unpack
    } else if (!SameShape(a, bb)) {
      r = 0;
    } else {
      r = ItemsEqual(CopyToString(a), ca, a.itemsize, CopyToString(bb), cb, bb.itemsize);
    }
    ReleaseBuffer(&held);
    if (r == -1) return nullptr;
    if (r == -2) return internal::NotImplementedResult();
    equal = r == 1;
  }
  return internal::BoolResult(op == Py_EQ ? equal : !equal);
}

int MemoryViewGetBuffer(PyObject* self, Py_buffer* view, int flags) {
  PyMemoryViewObject* mv = AsMv(self);
  const Py_buffer& base = mv->view;
  const char* error = nullptr;
  {
    Mutex& mu = ViewMutex(mv);
    CriticalSection cs(mu);
    const int f = mv->flags;
    if (ReleasedLocked(mv, mu)) {
      error = kReleasedMessage;
    } else if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && base.readonly) {
      error = "memoryview: underlying buffer is not writable";
    } else if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !(f & kMemoryViewC)) {
      error = "memoryview: underlying buffer is not C-contiguous";
    } else if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !(f & kMemoryViewFortran)) {
      error = "memoryview: underlying buffer is not Fortran contiguous";
    } else if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS &&
               !(f & (kMemoryViewC | kMemoryViewFortran))) {
      error = "memoryview: underlying buffer is not contiguous";
    } else if ((flags & PyBUF_INDIRECT) != PyBUF_INDIRECT && base.suboffsets != nullptr) {
      error = "memoryview: underlying buffer requires suboffsets";
    } else if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !(f & kMemoryViewC)) {
      error = "memoryview: underlying buffer is not C-contiguous";
    } else {
      *view = base;
      if ((flags & PyBUF_FORMAT) != PyBUF_FORMAT) view->format = nullptr;
      if ((flags & PyBUF_ND) != PyBUF_ND) view->shape = nullptr;
      if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES) view->strides = nullptr;
      if ((flags & PyBUF_INDIRECT) != PyBUF_INDIRECT) view->suboffsets = nullptr;
      view->obj = self;
      ++mv->exports;
    }
  }
  if (error != nullptr) {
    SetErrorString(error == kReleasedMessage ? PyExc_ValueError : PyExc_BufferError, error);
    return -1;
  }
  Incref(self);
  return 0;
}

void MemoryViewReleaseBuffer(PyObject* self, Py_buffer*) {
  PyMemoryViewObject* mv = AsMv(self);
  CriticalSection cs(ViewMutex(mv));
  --mv->exports;
}

PyObject* MemoryViewTpNew(PyTypeObject*, PyObject* args, PyObject* kwargs) {
  static const ArgParser kParser = {"memoryview", {"object"}, 0, 1, 1};
  PyObject* obj = nullptr;
  if (!UnpackKeywordsDict(kParser, args, kwargs, absl::Span<PyObject*>(&obj, 1))) return nullptr;
  return MemoryViewFromObject(obj).Release();
}

// --- Methods ----------------------------------------------------------------

PyObject* ToBytesMethod(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const ArgParser kParser = {"tobytes", {"order"}, 0, 0, 1};
  PyObject* order_arg = nullptr;
  if (!UnpackKeywordsDict(kParser, args, kwargs, absl::Span<PyObject*>(&order_arg, 1))) {
    return nullptr;
  }
  char order = 'C';
  if (order_arg != nullptr && !IsNone(order_arg)) {
    if (!IsStr(order_arg)) {
      return SetErrorFormat(PyExc_TypeError, "tobytes() argument 'order' must be str or None, "
                            "not %s", order_arg->ob_type->tp_name);
    }
    absl::StatusOr<absl::string_view> s = StrAsUtf8(order_arg);
    if (!s.ok()) return SetErrorFromStatus(s.status()), nullptr;
    if (*s != "C" && *s != "F" && *s != "A") {
      return SetErrorFormat(PyExc_ValueError, "order must be 'C', 'F' or 'A'");
    }
    order = (*s)[0];
  }
  Pin pin;
  if (!pin.Acquire(AsMv(self))) return nullptr;
  return CopyToBytes(AsMv(self)->view, order).Release();
}

Ref<> ToListDim(const Py_buffer& v, char code, const char* p, int dim) {
  if (dim == v.ndim) return UnpackItem(code, p);
  const Py_ssize_t n = v.shape[dim];
  Ref<> list = RefOrRaise(ListNewWithSize(n));
  if (!list) return nullptr;
  for (Py_ssize_t k = 0; k < n; ++k) {
    const char* q = p + k * v.strides[dim];
    if (v.suboffsets != nullptr && v.suboffsets[dim] >= 0) {
      q = *reinterpret_cast<char* const*>(q) + v.suboffsets[dim];
    }
    Ref<> item = ToListDim(v, code, q, dim + 1);
    if (!item) return nullptr;
    ListInitItem(list.get(), k, std::move(item));
  }
  return list;
}

PyObject* ToListMethod(PyObject* self, PyObject*) {
  Pin pin;
  if (!pin.Acquire(AsMv(self))) return nullptr;
  const Py_buffer& v = AsMv(self)->view;
  const char code = ItemFormat(v);
  if (code == 0) return nullptr;
  return ToListDim(v, code, static_cast<const char*>(v.buf), 0).Release();
}

// hex([sep[, bytes_per_sep]]): bytes.hex's grouping, from the right for a
// positive bytes_per_sep, from the left for a negative one.
PyObject* HexMethod(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const ArgParser kParser = {"hex", {"sep", "bytes_per_sep"}, 0, 0, 2};
  PyObject* argv[2] = {nullptr, nullptr};
  if (!UnpackKeywordsDict(kParser, args, kwargs, absl::Span<PyObject*>(argv, 2))) return nullptr;
  char sep = 0;
  if (argv[0] != nullptr && !IsNone(argv[0])) {
    absl::string_view text;
    if (IsStr(argv[0])) {
      absl::StatusOr<absl::string_view> s = StrAsUtf8(argv[0]);
      if (!s.ok()) return SetErrorFromStatus(s.status()), nullptr;
      if (StrLength(argv[0]) != 1) return SetErrorFormat(PyExc_ValueError, "sep must be length 1.");
      text = *s;
    } else if (IsBytes(argv[0])) {
      text = BytesView(argv[0]);
      if (text.size() != 1) return SetErrorFormat(PyExc_ValueError, "sep must be length 1.");
    } else {
      return SetErrorFormat(PyExc_TypeError, "sep must be str or bytes.");
    }
    if (static_cast<unsigned char>(text[0]) > 127) {
      return SetErrorFormat(PyExc_ValueError, "sep must be ASCII.");
    }
    sep = text[0];
  }
  Py_ssize_t group = 1;
  if (argv[1] != nullptr) {
    group = IndexAsSsize(argv[1]);
    if (group == -1 && HasError()) return nullptr;
  }
  Pin pin;
  if (!pin.Acquire(AsMv(self))) return nullptr;
  const std::string data = CopyToString(AsMv(self)->view);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  const Py_ssize_t n = static_cast<Py_ssize_t>(data.size());
  const Py_ssize_t g = group < 0 ? -group : group;
  for (Py_ssize_t k = 0; k < n; ++k) {
    if (sep != 0 && g != 0 && k > 0) {
      // Separators fall between groups counted from the right (positive)
      // or from the left (negative).
      const bool boundary = group > 0 ? (n - k) % g == 0 : k % g == 0;
      if (boundary) out.push_back(sep);
    }
    const unsigned char c = static_cast<unsigned char>(data[static_cast<size_t>(k)]);
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return RefOrRaise(StrFromUtf8(out)).Release();
}

PyObject* ReleaseMethod(PyObject* self, PyObject*) {
  if (MemoryViewRelease(self) < 0) return nullptr;
  return Ref<>::NewRef(None()).Release();
}

PyObject* ToReadOnlyMethod(PyObject* self, PyObject*) {
  Pin pin;
  if (!pin.Acquire(AsMv(self))) return nullptr;
  PyMemoryViewObject* mv = AsMv(self);
  Ref<> r = NewView(mv->mbuf, mv->view);
  if (!r) return nullptr;
  AsMv(r.get())->view.readonly = 1;  // not yet shared
  return r.Release();
}

PyObject* EnterMethod(PyObject* self, PyObject*) {
  if (IsReleased(AsMv(self))) {
    RaiseReleased();
    return nullptr;
  }
  return Ref<>::NewRef(self).Release();
}

PyObject* ExitMethod(PyObject* self, PyObject*) { return ReleaseMethod(self, nullptr); }

PyMethodDef g_memoryview_methods[] = {
    {"tobytes", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(ToBytesMethod)),
     METH_VARARGS | METH_KEYWORDS, "Return the data in the buffer as a byte string."},
    {"tolist", ToListMethod, METH_NOARGS,
     "Return the data in the buffer as a list of elements."},
    {"hex", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(HexMethod)),
     METH_VARARGS | METH_KEYWORDS, "Return the data in the buffer as a str of hexadecimal numbers."},
    {"release", ReleaseMethod, METH_NOARGS, "Release the underlying buffer exposed by the "
     "memoryview object."},
    {"toreadonly", ToReadOnlyMethod, METH_NOARGS, "Return a readonly version of the memoryview."},
    {"__enter__", EnterMethod, METH_NOARGS, nullptr},
    {"__exit__", ExitMethod, METH_VARARGS, "Release the underlying buffer exposed by the "
     "memoryview object."},
    {nullptr, nullptr, 0, nullptr},
};

// --- Attributes -------------------------------------------------------------

Ref<> SsizeTuple(const Py_ssize_t* values, int n) {
  if (values == nullptr) return Ref<>::NewRef(EmptyTuple());
  Ref<> t = RefOrRaise(TupleNew(n));
  if (!t) return nullptr;
  for (int d = 0; d < n; ++d) {
    Ref<> x = RefOrRaise(IntFromInt64(values[d]));
    if (!x) return nullptr;
    TupleInitItem(t.get(), d, std::move(x));
  }
  return t;
}

enum class Attr { kObj, kNbytes, kReadonly, kItemsize, kFormat, kNdim, kShape, kStrides,
                  kSuboffsets, kC, kF, kContiguous };

PyObject* GetAttrSlot(PyObject* self, void* closure) {
  PyMemoryViewObject* mv = AsMv(self);
  Pin pin;
  if (!pin.Acquire(mv)) return nullptr;
  const Py_buffer& v = mv->view;
  // From the layout, which never changes (the flags word does: release).
  const int flags = LayoutFlags(v) & (kMemoryViewC | kMemoryViewFortran);
  switch (static_cast<Attr>(reinterpret_cast<uintptr_t>(closure))) {
    case Attr::kObj:
      return Ref<>::NewRef(v.obj != nullptr ? v.obj : None()).Release();
    case Attr::kNbytes:
      return RefOrRaise(IntFromInt64(v.len)).Release();
    case Attr::kReadonly:
      return BoolFrom(v.readonly != 0);
    case Attr::kItemsize:
      return RefOrRaise(IntFromInt64(v.itemsize)).Release();
    case Attr::kFormat:
      return RefOrRaise(StrFromUtf8(v.format)).Release();
    case Attr::kNdim:
      return RefOrRaise(IntFromInt64(v.ndim)).Release();
    case Attr::kShape:
      return SsizeTuple(v.shape, v.ndim).Release();
    case Attr::kStrides:
      return SsizeTuple(v.strides, v.ndim).Release();
    case Attr::kSuboffsets:
      return SsizeTuple(v.suboffsets, v.ndim).Release();
    case Attr::kC:
      return BoolFrom((flags & kMemoryViewC) != 0);
    case Attr::kF:
      return BoolFrom((flags & kMemoryViewFortran) != 0);
    case Attr::kContiguous:
      return BoolFrom(flags != 0);
  }
  return nullptr;
}

#define FTRT_MV_ATTR(name, attr, doc) \
  {name, GetAttrSlot, nullptr, doc, reinterpret_cast<void*>(static_cast<uintptr_t>(attr))}

PyGetSetDef g_memoryview_getset[] = {
    FTRT_MV_ATTR("obj", Attr::kObj, "The underlying object of the memoryview."),
    FTRT_MV_ATTR("nbytes", Attr::kNbytes, "The amount of space in bytes that the array would "
                 "use in a contiguous representation."),
    FTRT_MV_ATTR("readonly", Attr::kReadonly, "A bool indicating whether the memory is read "
                 "only."),
    FTRT_MV_ATTR("itemsize", Attr::kItemsize, "The size in bytes of each element of the "
                 "memoryview."),
    FTRT_MV_ATTR("format", Attr::kFormat, "A string containing the format (in struct module "
                 "style) for each element in the view."),
    FTRT_MV_ATTR("ndim", Attr::kNdim, "An integer indicating how many dimensions of a "
                 "multi-dimensional array the memory represents."),
    FTRT_MV_ATTR("shape", Attr::kShape, "A tuple of ndim integers giving the shape of the "
                 "memory as an N-dimensional array."),
    FTRT_MV_ATTR("strides", Attr::kStrides, "A tuple of ndim integers giving the size in bytes "
                 "to access each element for each dimension of the array."),
    FTRT_MV_ATTR("suboffsets", Attr::kSuboffsets, "A tuple of integers used internally for "
                 "PIL-style arrays."),
    FTRT_MV_ATTR("c_contiguous", Attr::kC, "A bool indicating whether the memory is C "
                 "contiguous."),
    FTRT_MV_ATTR("f_contiguous", Attr::kF, "A bool indicating whether the memory is Fortran "
                 "contiguous."),
    FTRT_MV_ATTR("contiguous", Attr::kContiguous, "A bool indicating whether the memory is "
                 "contiguous."),
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

#undef FTRT_MV_ATTR

constinit PySequenceMethods g_memoryview_as_sequence = [] {
  PySequenceMethods m{};
  m.sq_length = MemoryViewLength;
  m.sq_item = MemoryViewItem;
  m.sq_ass_item = MemoryViewSetItem;
  return m;
}();

constinit PyMappingMethods g_memoryview_as_mapping = [] {
  PyMappingMethods m{};
  m.mp_length = MemoryViewLength;
  m.mp_subscript = MemoryViewSubscript;
  m.mp_ass_subscript = MemoryViewAssSubscript;
  return m;
}();

constinit PyBufferProcs g_memoryview_as_buffer = [] {
  PyBufferProcs b{};
  b.bf_getbuffer = MemoryViewGetBuffer;
  b.bf_releasebuffer = MemoryViewReleaseBuffer;
  return b;
}();

}  // namespace

extern "C" {
constinit PyTypeObject PyMemoryView_Type = [] {
  PyTypeObject t = StaticTypeInit("memoryview", offsetof(PyMemoryViewObject, ob_array),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_SEQUENCE);
  t.tp_flags &= ~Py_TPFLAGS_READY;  // readied with the other static types
  t.tp_itemsize = sizeof(Py_ssize_t);
  t.tp_dealloc = MemoryViewDealloc;
  t.tp_repr = MemoryViewRepr;
  t.tp_hash = MemoryViewHash;
  t.tp_richcompare = MemoryViewRichCompare;
  t.tp_as_sequence = &g_memoryview_as_sequence;
  t.tp_as_mapping = &g_memoryview_as_mapping;
  t.tp_as_buffer = &g_memoryview_as_buffer;
  t.tp_methods = g_memoryview_methods;
  t.tp_getset = g_memoryview_getset;
  t.tp_new = MemoryViewTpNew;
  t.tp_doc = "memoryview(object)\n--\n\nCreate a new memoryview object which references the "
             "given object.";
  return t;
}();
}  // extern "C"

PyTypeObject* MemoryViewType() { return &PyMemoryView_Type; }

Ref<> MemoryViewFromObject(PyObject* o) {
  if (o == nullptr) {
    BadInternalCall();
    return nullptr;
  }
  if (IsMemoryView(o)) {
    PyMemoryViewObject* mv = AsMv(o);
    Pin pin;
    if (!pin.Acquire(mv)) return nullptr;
    return NewView(mv->mbuf, mv->view);
  }
  ManagedBuffer* mb = NewManagedBuffer();
  if (mb == nullptr) return NoMemory();
  if (GetBuffer(o, &mb->master, PyBUF_FULL_RO, "memoryview: ") < 0) {
    delete mb;
    return nullptr;
  }
  return FirstView(mb, mb->master);
}

Ref<> MemoryViewFromMemory(char* mem, Py_ssize_t size, int flags) {
  if (mem == nullptr || size < 0 || (flags != PyBUF_READ && flags != PyBUF_WRITE)) {
    BadInternalCall();
    return nullptr;
  }
  ManagedBuffer* mb = NewManagedBuffer();
  if (mb == nullptr) return NoMemory();
  const int readonly = flags == PyBUF_WRITE ? 0 : 1;
  if (FillBufferInfo(&mb->master, nullptr, mem, size, readonly, PyBUF_FULL_RO) < 0) {
    delete mb;
    return nullptr;
  }
  return FirstView(mb, mb->master);
}

Ref<> MemoryViewFromBuffer(const Py_buffer* info) {
  if (info == nullptr) {
    BadInternalCall();
    return nullptr;
  }
  if (info->buf == nullptr) {
    SetErrorString(PyExc_ValueError, "PyMemoryView_FromBuffer(): info->buf must not be NULL");
    return nullptr;
  }
  ManagedBuffer* mb = NewManagedBuffer();
  if (mb == nullptr) return NoMemory();
  mb->master = *info;
  mb->master.obj = nullptr;  // not ours to release
  // The view copies shape and strides now; the format is copied into mb.
  return FirstView(mb, *info);
}

Ref<> MemoryViewGetContiguous(PyObject* o, int buffertype, char order) {
  if ((buffertype != PyBUF_READ && buffertype != PyBUF_WRITE) ||
      (order != 'C' && order != 'F' && order != 'A')) {
    BadInternalCall();
    return nullptr;
  }
  Ref<> mv = MemoryViewFromObject(o);
  if (!mv) return nullptr;
  const Py_buffer& v = AsMv(mv.get())->view;  // mv is ours: not released
  if (buffertype == PyBUF_WRITE && v.readonly) {
    SetErrorString(PyExc_BufferError, "underlying buffer is not writable");
    return nullptr;
  }
  const int f = AsMv(mv.get())->flags;
  const bool contiguous = order == 'C'   ? (f & kMemoryViewC) != 0
                          : order == 'F' ? (f & kMemoryViewFortran) != 0
                                         : (f & (kMemoryViewC | kMemoryViewFortran)) != 0;
  if (contiguous) return mv;
  if (buffertype == PyBUF_WRITE) {
    SetErrorString(PyExc_BufferError,
                   "writable contiguous buffer requested for a non-contiguous object.");
    return nullptr;
  }
  Ref<> bytes = CopyToBytes(v, order);
  if (!bytes) return nullptr;
  ManagedBuffer* mb = NewManagedBuffer();
  if (mb == nullptr) return NoMemory();
  if (GetBuffer(bytes.get(), &mb->master, PyBUF_FULL_RO) < 0) {
    delete mb;
    return nullptr;
  }
  // The copy keeps the view's format, item size and shape, laid out
  // contiguously in `order`.
  Py_buffer layout = v;
  layout.buf = mb->master.buf;
  layout.readonly = 1;
  layout.suboffsets = nullptr;
  std::vector<Py_ssize_t> strides(static_cast<size_t>(v.ndim));
  Py_ssize_t s = v.itemsize;
  for (int j = 0; j < v.ndim; ++j) {
    const int d = order == 'F' ? j : v.ndim - 1 - j;
    strides[static_cast<size_t>(d)] = s;
    s *= v.shape[d];
  }
  layout.strides = strides.data();
  mb->format = v.format;
  Ref<> r = NewView(mb, layout);
  if (!r) DiscardManagedBuffer(mb);
  return r;
}

Ref<> MemoryViewToBytes(PyObject* op) {
  Pin pin;
  if (!pin.Acquire(AsMv(op))) return nullptr;
  return CopyToBytes(AsMv(op)->view, 'C');
}

int MemoryViewRelease(PyObject* op) {
  PyMemoryViewObject* mv = AsMv(op);
  ManagedBuffer* drop = nullptr;
  Py_ssize_t exports = 0;
  {
    Mutex& mu = ViewMutex(mv);
    CriticalSection cs(mu);
    if (!ReleasedLocked(mv, mu)) {
      exports = mv->exports;
      if (exports == 0) {
        mv->flags |= kMemoryViewReleased;
        drop = mv->mbuf;
      }
    }
  }
  if (exports > 0) {
    SetErrorFormat(PyExc_BufferError, "memoryview has %d exported buffer%s",
                   static_cast<int64_t>(exports), exports > 1 ? "s" : "");
    return -1;
  }
  // Outside the section: this may release the exporter's buffer.
  if (drop != nullptr) DropShare(drop);
  return 0;
}

Py_ssize_t MemoryViewSharesForTesting(PyObject* op) {
  PyMemoryViewObject* mv = AsMv(op);
  Mutex& mu = ViewMutex(mv);
  CriticalSection cs(mu);
  if (ReleasedLocked(mv, mu)) return 0;
  return mv->mbuf->shares.load(std::memory_order_relaxed);
}

}  // namespace ftrt
