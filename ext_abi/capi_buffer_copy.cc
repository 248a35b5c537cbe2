// libftrt.so: the buffer protocol's layout helpers (pybuffer.h): whether a
// buffer is C- or Fortran-contiguous, the address of one element, strides
// for a contiguous layout, the item size of a struct format, and copies
// between a possibly strided (or indirect, PIL-style) buffer and a
// contiguous block. Extensions that take arbitrary exporters (numpy-like
// arrays, memoryview slices with steps) use these to get the bytes out in
// a known order.
//
// Copies go element by element only when a layout is not already
// contiguous in the requested order; otherwise they are one memcpy. The
// element walk is an odometer over the shape (last index fastest for 'C',
// first fastest for 'F'); each element's address comes from
// PyBuffer_GetPointer, so suboffsets are honoured. None of this takes a
// lock: the exporter keeps the memory alive while the buffer is held, and
// whether its contents may change meanwhile is its business (pybuffer.h).
#include <algorithm>
#include <cstring>
#include <vector>

#include "ext_abi/capi_internal.h"
#include "object/buffer.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"

namespace {

bool IsCContiguous(const Py_buffer* v) {
  if (v->len == 0 || v->strides == nullptr) return true;
  Py_ssize_t expect = v->itemsize;
  for (int i = v->ndim - 1; i >= 0; --i) {
    Py_ssize_t dim = v->shape[i];
    if (dim > 1 && v->strides[i] != expect) return false;
    expect *= dim;
  }
  return true;
}

bool IsFortranContiguous(const Py_buffer* v) {
  if (v->len == 0) return true;
  if (v->strides == nullptr) {
    // C layout: Fortran too only if at most one dimension is longer than 1.
    if (v->ndim <= 1 || v->shape == nullptr) return true;
    int long_dims = 0;
    for (int i = 0; i < v->ndim; ++i) long_dims += v->shape[i] > 1 ? 1 : 0;
    return long_dims <= 1;
  }
  Py_ssize_t expect = v->itemsize;
  for (int i = 0; i < v->ndim; ++i) {
    Py_ssize_t dim = v->shape[i];
    if (dim > 1 && v->strides[i] != expect) return false;
    expect *= dim;
  }
  return true;
}

bool ValidOrder(char order) { return order == 'C' || order == 'F' || order == 'A'; }

// The shape of `v` as a vector (a 1-d buffer without one: len / itemsize).
std::vector<Py_ssize_t> ShapeOf(const Py_buffer* v) {
  if (v->ndim == 0) return {};
  if (v->shape == nullptr) return {v->itemsize > 0 ? v->len / v->itemsize : v->len};
  return std::vector<Py_ssize_t>(v->shape, v->shape + v->ndim);
}

// Advances `idx` to the next element in `order` ('F': first index
// fastest; otherwise last). False once past the end.
bool NextIndex(std::vector<Py_ssize_t>& idx, const std::vector<Py_ssize_t>& shape, char order) {
  const int n = static_cast<int>(shape.size());
  for (int k = 0; k < n; ++k) {
    int d = order == 'F' ? k : n - 1 - k;
    if (++idx[d] < shape[d]) return true;
    idx[d] = 0;
  }
  return false;
}

// A view of `v` that PyBuffer_GetPointer can walk even without shape or
// strides (a 1-d or C-contiguous request).
struct Walk {
  Py_buffer view;
  std::vector<Py_ssize_t> shape;
  std::vector<Py_ssize_t> strides;
};

void MakeWalk(const Py_buffer* v, Walk* w);

// Copies up to `len` bytes of v's elements, walked in `order` ('F', else
// C), to the contiguous block (to_contiguous) or from it into v.
void CopyElements(const Py_buffer* v, char* block, Py_ssize_t len, char order,
                  bool to_contiguous);

// Whether every element index of `s` is one of `d` too, with items of the
// same size (what an element-wise copy at equal indices needs).
bool SameLayoutRoom(const Py_buffer* d, const Py_buffer* s) {
  if (d->itemsize != s->itemsize) return false;
  std::vector<Py_ssize_t> ds = ShapeOf(d);
  std::vector<Py_ssize_t> ss = ShapeOf(s);
  if (ds.size() != ss.size()) return false;
  for (size_t i = 0; i < ds.size(); ++i) {
    if (ds[i] < ss[i]) return false;
  }
  return true;
}

PyObject* TypeErrorMsg(const char* msg) {
  ftrt::SetErrorString(PyExc_TypeError, msg);
  return nullptr;
}

}  // namespace

extern "C" {

void* PyBuffer_GetPointer(const Py_buffer* view, const Py_ssize_t* indices);
void PyBuffer_FillContiguousStrides(int nd, Py_ssize_t* shape, Py_ssize_t* strides, int itemsize,
                                    char order);

int PyBuffer_IsContiguous(const Py_buffer* view, char order) {
  if (view == nullptr || view->suboffsets != nullptr) return 0;
  switch (order) {
    case 'C':
      return IsCContiguous(view) ? 1 : 0;
    case 'F':
      return IsFortranContiguous(view) ? 1 : 0;
    case 'A':
      return IsCContiguous(view) || IsFortranContiguous(view) ? 1 : 0;
    default:
      return 0;
  }
}

void* PyBuffer_GetPointer(const Py_buffer* view, const Py_ssize_t* indices) {
  char* p = static_cast<char*>(view->buf);
  for (int i = 0; i < view->ndim; ++i) {
    p += view->strides[i] * indices[i];
    if (view->suboffsets != nullptr && view->suboffsets[i] >= 0) {
      p = *reinterpret_cast<char**>(p) + view->suboffsets[i];
    }
  }
  return p;
}

void PyBuffer_FillContiguousStrides(int nd, Py_ssize_t* shape, Py_ssize_t* strides, int itemsize,
                                    char order) {
  Py_ssize_t step = itemsize;
  if (order == 'F') {
    for (int i = 0; i < nd; ++i) {
      strides[i] = step;
      step *= shape[i];
    }
  } else {
    for (int i = nd - 1; i >= 0; --i) {
      strides[i] = step;
      step *= shape[i];
    }
  }
}

int PyBuffer_ToContiguous(void* buf, const Py_buffer* src, Py_ssize_t len, char order) {
  if (buf == nullptr || src == nullptr || !ValidOrder(order) || len < 0) {
    ftrt::SetErrorString(PyExc_ValueError, "PyBuffer_ToContiguous: bad argument");
    return -1;
  }
  if (len > src->len) len = src->len;
  if (PyBuffer_IsContiguous(src, order)) {
    if (len > 0) std::memcpy(buf, src->buf, static_cast<size_t>(len));
    return 0;
  }
  CopyElements(src, static_cast<char*>(buf), len, order, /*to_contiguous=*/true);
  return 0;
}

int PyBuffer_FromContiguous(const Py_buffer* view, const void* buf, Py_ssize_t len, char fort) {
  if (view == nullptr || buf == nullptr || !ValidOrder(fort) || len < 0) {
    ftrt::SetErrorString(PyExc_ValueError, "PyBuffer_FromContiguous: bad argument");
    return -1;
  }
  if (view->readonly) {
    ftrt::SetErrorString(PyExc_BufferError, "PyBuffer_FromContiguous: the buffer is read-only");
    return -1;
  }
  if (len > view->len) len = view->len;
  if (PyBuffer_IsContiguous(view, fort)) {
    if (len > 0) std::memcpy(view->buf, buf, static_cast<size_t>(len));
    return 0;
  }
  CopyElements(view, static_cast<char*>(const_cast<void*>(buf)), len, fort,
               /*to_contiguous=*/false);
  return 0;
}

int PyObject_CopyData(PyObject* dest, PyObject* src) {
  if (dest == nullptr || src == nullptr || dest->ob_type->tp_as_buffer == nullptr ||
      dest->ob_type->tp_as_buffer->bf_getbuffer == nullptr ||
      src->ob_type->tp_as_buffer == nullptr ||
      src->ob_type->tp_as_buffer->bf_getbuffer == nullptr) {
    TypeErrorMsg("both destination and source must be bytes-like objects");
    return -1;
  }
  Py_buffer d;
  if (ftrt::GetBuffer(dest, &d, PyBUF_FULL) != 0) return -1;
  Py_buffer s;
  if (ftrt::GetBuffer(src, &s, PyBUF_FULL_RO) != 0) {
    ftrt::ReleaseBuffer(&d);
    return -1;
  }
  int rc = 0;
  if (d.len < s.len) {
    ftrt::SetErrorString(PyExc_BufferError,
                         "destination is too small to receive data from source");
    rc = -1;
  } else if ((PyBuffer_IsContiguous(&d, 'C') && PyBuffer_IsContiguous(&s, 'C')) ||
             (PyBuffer_IsContiguous(&d, 'F') && PyBuffer_IsContiguous(&s, 'F'))) {
    if (s.len > 0) std::memmove(d.buf, s.buf, static_cast<size_t>(s.len));
  } else if (!SameLayoutRoom(&d, &s)) {
    ftrt::SetErrorString(PyExc_BufferError,
                         "destination and source differ in dimensions or item size");
    rc = -1;
  } else {
    // Element by element, at the same indices, in C order; through a
    // contiguous copy of the source first, so that an overlapping
    // destination (an exporter's view of itself) reads the old values.
    std::vector<char> tmp(static_cast<size_t>(s.len));
    if (PyBuffer_ToContiguous(tmp.data(), &s, s.len, 'C') != 0) {
      rc = -1;
    } else {
      Walk wd;
      MakeWalk(&d, &wd);
      Walk ws;
      MakeWalk(&s, &ws);
      std::vector<Py_ssize_t> idx(ws.shape.size(), 0);
      Py_ssize_t off = 0;
      if (s.len > 0) {
        do {
          std::memcpy(PyBuffer_GetPointer(&wd.view, idx.data()), tmp.data() + off,
                      static_cast<size_t>(s.itemsize));
          off += s.itemsize;
        } while (off < s.len && NextIndex(idx, ws.shape, 'C'));
      }
    }
  }
  ftrt::ReleaseBuffer(&s);
  ftrt::ReleaseBuffer(&d);
  return rc;
}

// The size of one item of a struct module format (native alignment for
// '@' or no prefix, none for = < > !), as struct.calcsize gives it. There
// is no struct module here, so a bad format is a ValueError naming the
// offending character.
Py_ssize_t PyBuffer_SizeFromFormat(const char* format) {
  if (format == nullptr) {
    ftrt::SetErrorString(PyExc_ValueError, "PyBuffer_SizeFromFormat: format is NULL");
    return -1;
  }
  const char* p = format;
  bool native = true;
  if (*p == '@' || *p == '=' || *p == '<' || *p == '>' || *p == '!') {
    native = *p == '@';
    ++p;
  }
  Py_ssize_t size = 0;
  while (*p != '\0') {
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f') {
      ++p;
      continue;
    }
    Py_ssize_t count = 1;
    if (*p >= '0' && *p <= '9') {
      count = 0;
      while (*p >= '0' && *p <= '9') {
        if (count > (PY_SSIZE_T_MAX - 9) / 10) {
          ftrt::SetErrorString(PyExc_OverflowError, "total struct size too long");
          return -1;
        }
        count = count * 10 + (*p - '0');
        ++p;
      }
      if (*p == '\0') {
        ftrt::SetErrorString(PyExc_ValueError, "repeat count given without format specifier");
        return -1;
      }
    }
    Py_ssize_t item;
    Py_ssize_t align;
    switch (*p) {
      case 'x': case 'c': case 'b': case 'B': case '?': case 's': case 'p':
        item = 1; align = 1; break;
      case 'h': case 'H': case 'e':
        item = 2; align = 2; break;
      case 'i': case 'I': case 'f':
        item = 4; align = 4; break;
      case 'l': case 'L':
        item = native ? static_cast<Py_ssize_t>(sizeof(long)) : 4;
        align = item; break;
      case 'q': case 'Q': case 'd':
        item = 8; align = 8; break;
      case 'n': case 'N': case 'P':
        if (!native) {
          ftrt::SetErrorFormat(PyExc_ValueError, "bad char in struct format: '%c'", *p);
          return -1;
        }
        item = static_cast<Py_ssize_t>(sizeof(void*)); align = item; break;
      default:
        ftrt::SetErrorFormat(PyExc_ValueError, "bad char in struct format: '%c'", *p);
        return -1;
    }
    ++p;
    if (native && align > 1) size = (size + align - 1) / align * align;
    // 's' and 'p' take the count as a length; the rest repeat.
    if (count > 0 && item > (PY_SSIZE_T_MAX - size) / count) {
      ftrt::SetErrorString(PyExc_OverflowError, "total struct size too long");
      return -1;
    }
    size += item * count;
  }
  return size;
}

}  // extern "C"

namespace {

void MakeWalk(const Py_buffer* v, Walk* w) {
  w->view = *v;
  w->shape = ShapeOf(v);
  if (v->strides != nullptr) {
    w->strides.assign(v->strides, v->strides + w->shape.size());
  } else {
    w->strides.resize(w->shape.size());
    PyBuffer_FillContiguousStrides(static_cast<int>(w->shape.size()), w->shape.data(),
                                   w->strides.data(), static_cast<int>(v->itemsize), 'C');
  }
  w->view.ndim = static_cast<int>(w->shape.size());
  w->view.shape = w->shape.data();
  w->view.strides = w->strides.data();
}

void CopyElements(const Py_buffer* v, char* block, Py_ssize_t len, char order,
                  bool to_contiguous) {
  if (v->len == 0) return;
  Walk w;
  MakeWalk(v, &w);
  const char walk_order = order == 'F' ? 'F' : 'C';
  std::vector<Py_ssize_t> idx(w.shape.size(), 0);
  Py_ssize_t done = 0;
  do {
    const Py_ssize_t n = std::min<Py_ssize_t>(v->itemsize, len - done);
    if (n <= 0) break;
    char* item = static_cast<char*>(PyBuffer_GetPointer(&w.view, idx.data()));
    if (to_contiguous) {
      std::memcpy(block + done, item, static_cast<size_t>(n));
    } else {
      std::memcpy(item, block + done, static_cast<size_t>(n));
    }
    done += n;
  } while (NextIndex(idx, w.shape, walk_order));
}

}  // namespace
