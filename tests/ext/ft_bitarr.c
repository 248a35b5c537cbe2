/* ft_bitarr: a sample extension written in the style of bit-array and
 * hashing extensions (a static PyTypeObject with positional initializers,
 * sequence / mapping / number / buffer slots, a GC iterator type, methods
 * parsing Py_buffer arguments, METH_FASTCALL | METH_KEYWORDS functions that
 * walk kwnames themselves), made safe for free threading with critical
 * sections. It exercises the C API that real extensions of that kind need:
 *
 *   Bits             a growable bit vector (little-endian bit order): len,
 *                    b[i], b[i:j:k] (a new Bits), `x in b`, b += iterable,
 *                    ~b, b & c, b |= c, ==, repr "Bits('0110')", iteration,
 *                    the buffer protocol (export count; resizing while a
 *                    buffer is exported is BufferError), methods append(x),
 *                    frombytes(buffer) ("y*"), tobytes(), count(value=1),
 *                    to01(group=0, sep=" ") ("|ns"), unpack(zero=b"\0",
 *                    one=b"\1") ("|cc"), exports (a getter).
 *   parse(data, mask32=0, byte=0, ch=b"x", uch="u", *, out=None)
 *                    PyArg_ParseTupleAndKeywords "s*|IBcC$z*": a tuple of
 *                    (len(data), mask32, byte, ch, uch, len(out) or -1);
 *                    the buffers are released before returning.
 *   fill(target, value)   "w*B": memset over a writable buffer.
 *   fnv64(key, seed=0, signed=False)   METH_FASTCALL | METH_KEYWORDS with
 *                    its own kwnames walk (as mmh3 does): FNV-1a 64 over a
 *                    str's UTF-8 or a buffer, the 8 digest bytes turned into
 *                    an int with _PyLong_FromByteArray (little-endian).
 *   from_bytes(b, little_endian, is_signed)   _PyLong_FromByteArray.
 *   count_spaces(s)  code points with Py_UNICODE_ISSPACE.
 *   native_little()  PY_LITTLE_ENDIAN (and PY_BIG_ENDIAN its negation).
 *   no_frame()       True when PyThreadState_GetFrame gives NULL (no Python
 *                    frame runs in a C host).
 *
 * Bits keeps its bytes and length under its own critical section
 * (Py_BEGIN_CRITICAL_SECTION), so one Bits may be shared by threads; a
 * binary operation on two Bits locks both (Py_BEGIN_CRITICAL_SECTION2).
 * Single-phase initialization with PyUnstable_Module_SetGIL, as mmh3 does. */
#define PY_SSIZE_T_CLEAN
#include "Python.h"
#include "frameobject.h"

typedef struct {
  PyObject_VAR_HEAD /* ob_size: bytes in use */
  unsigned char* data;
  Py_ssize_t nbits;
  Py_ssize_t allocated;
  int exports;
  PyObject* weakreflist;
} BitsObject;

static PyTypeObject Bits_Type;
static PyTypeObject BitsIter_Type;

#define Bits_Check(op) PyObject_TypeCheck((op), &Bits_Type)

static int get_bit(const BitsObject* b, Py_ssize_t i) {
  return (b->data[i >> 3] >> (i & 7)) & 1;
}

static void set_bit(BitsObject* b, Py_ssize_t i, int v) {
  if (v) b->data[i >> 3] |= (unsigned char)(1u << (i & 7));
  else b->data[i >> 3] &= (unsigned char)~(1u << (i & 7));
}

/* Caller holds b's critical section. */
static int bits_resize(BitsObject* b, Py_ssize_t nbits) {
  if (b->exports > 0) {
    PyErr_SetString(PyExc_BufferError, "cannot resize Bits that is exporting buffers");
    return -1;
  }
  Py_ssize_t nbytes = (nbits + 7) / 8;
  if (nbytes > b->allocated) {
    Py_ssize_t want = nbytes + nbytes / 2 + 8;
    unsigned char* p = PyMem_Realloc(b->data, (size_t)want);
    if (p == NULL) {
      PyErr_NoMemory();
      return -1;
    }
    memset(p + b->allocated, 0, (size_t)(want - b->allocated));
    b->data = p;
    b->allocated = want;
  }
  /* Bits past the end stay zero, so equality and bytes need no masking. */
  for (Py_ssize_t i = nbits; i < b->nbits; i++) set_bit(b, i, 0);
  b->nbits = nbits;
  Py_SET_SIZE(b, nbytes);
  return 0;
}

static BitsObject* bits_new_empty(PyTypeObject* type) {
  BitsObject* b = (BitsObject*)type->tp_alloc(type, 0);
  if (b == NULL) return NULL;
  b->data = NULL;
  b->nbits = 0;
  b->allocated = 0;
  b->exports = 0;
  b->weakreflist = NULL;
  return b;
}

static int bit_of(PyObject* value, int* out) {
  Py_ssize_t n = PyNumber_AsSsize_t(value, NULL);
  if (n == -1 && PyErr_Occurred()) return 0;
  if (n < 0 || n > 1) {
    PyErr_Format(PyExc_ValueError, "bit must be 0 or 1, got %zd", n);
    return 0;
  }
  *out = (int)n;
  return 1;
}

/* Appends the bits of iterable (ints, or '0'/'1' characters of a str,
 * whitespace skipped) to self. */
static int bits_extend(BitsObject* self, PyObject* iterable) {
  if (PyUnicode_Check(iterable)) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(iterable);
    int rc = 0;
    Py_BEGIN_CRITICAL_SECTION(self);
    for (Py_ssize_t i = 0; i < n && rc == 0; i++) {
      Py_UCS4 ch = PyUnicode_READ_CHAR(iterable, i);
      if (Py_UNICODE_ISSPACE(ch)) continue;
      if (ch != '0' && ch != '1') {
        PyErr_Format(PyExc_ValueError, "expected '0' or '1', got '%c'", (int)ch);
        rc = -1;
      } else if ((rc = bits_resize(self, self->nbits + 1)) == 0) {
        set_bit(self, self->nbits - 1, ch == '1');
      }
    }
    Py_END_CRITICAL_SECTION();
    return rc;
  }
  PyObject* it = PyObject_GetIter(iterable);
  if (it == NULL) return -1;
  PyObject* item;
  while ((item = PyIter_Next(it)) != NULL) {
    int v, rc = -1;
    if (bit_of(item, &v)) {
      Py_BEGIN_CRITICAL_SECTION(self);
      rc = bits_resize(self, self->nbits + 1);
      if (rc == 0) set_bit(self, self->nbits - 1, v);
      Py_END_CRITICAL_SECTION();
    }
    Py_DECREF(item);
    if (rc < 0) {
      Py_DECREF(it);
      return -1;
    }
  }
  Py_DECREF(it);
  return PyErr_Occurred() ? -1 : 0;
}

static PyObject* Bits_tp_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"", NULL};
  PyObject* init = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Bits", kwlist, &init)) return NULL;
  BitsObject* b = bits_new_empty(type);
  if (b == NULL) return NULL;
  if (init != NULL && bits_extend(b, init) < 0) {
    Py_DECREF(b);
    return NULL;
  }
  return (PyObject*)b;
}

static void Bits_dealloc(BitsObject* self) {
  if (self->weakreflist != NULL) PyObject_ClearWeakRefs((PyObject*)self);
  PyMem_Free(self->data);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

/* A copy of self[start:stop:step] (caller holds self's section). */
static BitsObject* bits_slice_locked(BitsObject* self, Py_ssize_t start, Py_ssize_t step,
                                     Py_ssize_t n) {
  BitsObject* r = bits_new_empty(Py_TYPE(self));
  if (r == NULL) return NULL;
  if (bits_resize(r, n) < 0) {
    Py_DECREF(r);
    return NULL;
  }
  for (Py_ssize_t i = 0, j = start; i < n; i++, j += step) set_bit(r, i, get_bit(self, j));
  return r;
}

static PyObject* Bits_repr(BitsObject* self) {
  PyObject* result = NULL;
  Py_BEGIN_CRITICAL_SECTION(self);
  char* s = PyMem_Malloc((size_t)self->nbits + 9);
  if (s == NULL) {
    PyErr_NoMemory();
  } else {
    memcpy(s, "Bits('", 6);
    for (Py_ssize_t i = 0; i < self->nbits; i++) s[6 + i] = (char)('0' + get_bit(self, i));
    memcpy(s + 6 + self->nbits, "')", 2);
    result = PyUnicode_FromStringAndSize(s, self->nbits + 8);
    PyMem_Free(s);
  }
  Py_END_CRITICAL_SECTION();
  return result;
}

/* ---- sequence slots ---- */

static Py_ssize_t Bits_len(BitsObject* self) {
  Py_ssize_t n;
  Py_BEGIN_CRITICAL_SECTION(self);
  n = self->nbits;
  Py_END_CRITICAL_SECTION();
  return n;
}

static PyObject* Bits_item(BitsObject* self, Py_ssize_t i) {
  int v = -1;
  Py_BEGIN_CRITICAL_SECTION(self);
  if (i >= 0 && i < self->nbits) v = get_bit(self, i);
  Py_END_CRITICAL_SECTION();
  if (v < 0) {
    PyErr_SetString(PyExc_IndexError, "Bits index out of range");
    return NULL;
  }
  return PyLong_FromLong(v);
}

static int Bits_contains(BitsObject* self, PyObject* value) {
  int v, found = 0;
  if (!bit_of(value, &v)) return -1;
  Py_BEGIN_CRITICAL_SECTION(self);
  for (Py_ssize_t i = 0; i < self->nbits && !found; i++) found = get_bit(self, i) == v;
  Py_END_CRITICAL_SECTION();
  return found;
}

static PyObject* Bits_inplace_concat(BitsObject* self, PyObject* other) {
  if (bits_extend(self, other) < 0) return NULL;
  return Py_NewRef(self);
}

static PySequenceMethods Bits_as_sequence = {
    (lenfunc)Bits_len,                 /* sq_length */
    0,                                 /* sq_concat */
    0,                                 /* sq_repeat */
    (ssizeargfunc)Bits_item,           /* sq_item */
    0,                                 /* was_sq_slice */
    0,                                 /* sq_ass_item */
    0,                                 /* was_sq_ass_slice */
    (objobjproc)Bits_contains,         /* sq_contains */
    (binaryfunc)Bits_inplace_concat,   /* sq_inplace_concat */
    0,                                 /* sq_inplace_repeat */
};

/* ---- mapping slots: ints and slices ---- */

static PyObject* Bits_subscript(BitsObject* self, PyObject* key) {
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return NULL;
    if (i < 0) i += Bits_len(self);
    return Bits_item(self, i);
  }
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return NULL;
    BitsObject* r;
    Py_BEGIN_CRITICAL_SECTION(self);
    Py_ssize_t n = PySlice_AdjustIndices(self->nbits, &start, &stop, step);
    r = bits_slice_locked(self, start, step, n);
    Py_END_CRITICAL_SECTION();
    return (PyObject*)r;
  }
  PyErr_Format(PyExc_TypeError, "Bits indices must be integers or slices, not %.200s",
               Py_TYPE(key)->tp_name);
  return NULL;
}

static PyMappingMethods Bits_as_mapping = {
    (lenfunc)Bits_len,
    (binaryfunc)Bits_subscript,
    0,
};

/* ---- number slots ---- */

static PyObject* Bits_invert(BitsObject* self) {
  BitsObject* r;
  Py_BEGIN_CRITICAL_SECTION(self);
  r = bits_slice_locked(self, 0, 1, self->nbits);
  if (r != NULL) {
    for (Py_ssize_t i = 0; i < r->nbits; i++) set_bit(r, i, !get_bit(r, i));
  }
  Py_END_CRITICAL_SECTION();
  return (PyObject*)r;
}

/* self op= other for op '&' or '|', into `into` (self itself, or a copy);
 * both sections held. */
static int bits_binop_locked(BitsObject* into, BitsObject* other, char op) {
  if (into->nbits != other->nbits) {
    PyErr_SetString(PyExc_ValueError, "Bits of equal length expected");
    return -1;
  }
  for (Py_ssize_t i = 0; i < Py_SIZE(into); i++) {
    if (op == '&') into->data[i] &= other->data[i];
    else into->data[i] |= other->data[i];
  }
  return 0;
}

static PyObject* Bits_and(PyObject* a, PyObject* b) {
  if (!Bits_Check(a) || !Bits_Check(b)) Py_RETURN_NOTIMPLEMENTED;
  BitsObject *x = (BitsObject*)a, *y = (BitsObject*)b, *r = NULL;
  Py_BEGIN_CRITICAL_SECTION2(x, y);
  r = bits_slice_locked(x, 0, 1, x->nbits);
  if (r != NULL && bits_binop_locked(r, y, '&') < 0) Py_CLEAR(r);
  Py_END_CRITICAL_SECTION2();
  return (PyObject*)r;
}

static PyObject* Bits_inplace_or(PyObject* a, PyObject* b) {
  if (!Bits_Check(a) || !Bits_Check(b)) Py_RETURN_NOTIMPLEMENTED;
  int rc;
  Py_BEGIN_CRITICAL_SECTION2(a, b);
  rc = bits_binop_locked((BitsObject*)a, (BitsObject*)b, '|');
  Py_END_CRITICAL_SECTION2();
  if (rc < 0) return NULL;
  return Py_NewRef(a);
}

static PyNumberMethods Bits_as_number = {
    0,                         /* nb_add */
    0,                         /* nb_subtract */
    0,                         /* nb_multiply */
    0,                         /* nb_remainder */
    0,                         /* nb_divmod */
    0,                         /* nb_power */
    0,                         /* nb_negative */
    0,                         /* nb_positive */
    0,                         /* nb_absolute */
    0,                         /* nb_bool */
    (unaryfunc)Bits_invert,    /* nb_invert */
    0,                         /* nb_lshift */
    0,                         /* nb_rshift */
    (binaryfunc)Bits_and,      /* nb_and */
    0,                         /* nb_xor */
    0,                         /* nb_or */
    0,                         /* nb_int */
    0,                         /* nb_reserved */
    0,                         /* nb_float */
    0,                         /* nb_inplace_add */
    0,                         /* nb_inplace_subtract */
    0,                         /* nb_inplace_multiply */
    0,                         /* nb_inplace_remainder */
    0,                         /* nb_inplace_power */
    0,                         /* nb_inplace_lshift */
    0,                         /* nb_inplace_rshift */
    0,                         /* nb_inplace_and */
    0,                         /* nb_inplace_xor */
    (binaryfunc)Bits_inplace_or, /* nb_inplace_or */
};

static PyObject* Bits_richcompare(PyObject* a, PyObject* b, int op) {
  if (!Bits_Check(a) || !Bits_Check(b) || (op != Py_EQ && op != Py_NE)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  int eq;
  Py_BEGIN_CRITICAL_SECTION2(a, b);
  BitsObject *x = (BitsObject*)a, *y = (BitsObject*)b;
  eq = x->nbits == y->nbits && (x->nbits == 0 || memcmp(x->data, y->data, (size_t)Py_SIZE(x)) == 0);
  Py_END_CRITICAL_SECTION2();
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

/* ---- buffer protocol ---- */

static int Bits_getbuffer(BitsObject* self, Py_buffer* view, int flags) {
  int rc;
  Py_BEGIN_CRITICAL_SECTION(self);
  static char empty[1];
  rc = PyBuffer_FillInfo(view, (PyObject*)self, self->data != NULL ? (void*)self->data : empty,
                         Py_SIZE(self), 0, flags);
  if (rc == 0) self->exports++;
  Py_END_CRITICAL_SECTION();
  return rc;
}

static void Bits_releasebuffer(BitsObject* self, Py_buffer* view) {
  (void)view;
  Py_BEGIN_CRITICAL_SECTION(self);
  self->exports--;
  Py_END_CRITICAL_SECTION();
}

static PyBufferProcs Bits_as_buffer = {
    (getbufferproc)Bits_getbuffer,
    (releasebufferproc)Bits_releasebuffer,
};

/* ---- methods ---- */

static PyObject* Bits_append(BitsObject* self, PyObject* value) {
  int v, rc;
  if (!bit_of(value, &v)) return NULL;
  Py_BEGIN_CRITICAL_SECTION(self);
  rc = bits_resize(self, self->nbits + 1);
  if (rc == 0) set_bit(self, self->nbits - 1, v);
  Py_END_CRITICAL_SECTION();
  if (rc < 0) return NULL;
  Py_RETURN_NONE;
}

static PyObject* Bits_frombytes(BitsObject* self, PyObject* args) {
  Py_buffer view;
  int rc;
  if (!PyArg_ParseTuple(args, "y*:frombytes", &view)) return NULL;
  Py_BEGIN_CRITICAL_SECTION(self);
  const Py_ssize_t old = self->nbits;
  rc = bits_resize(self, old + 8 * view.len);
  for (Py_ssize_t i = 0; rc == 0 && i < 8 * view.len; i++) {
    set_bit(self, old + i, (((const unsigned char*)view.buf)[i / 8] >> (i % 8)) & 1);
  }
  Py_END_CRITICAL_SECTION();
  PyBuffer_Release(&view);
  if (rc < 0) return NULL;
  Py_RETURN_NONE;
}

static PyObject* Bits_tobytes(BitsObject* self, PyObject* Py_UNUSED(ignored)) {
  PyObject* r;
  Py_BEGIN_CRITICAL_SECTION(self);
  r = PyBytes_FromStringAndSize((const char*)self->data, Py_SIZE(self));
  Py_END_CRITICAL_SECTION();
  return r;
}

static PyObject* Bits_count(BitsObject* self, PyObject* args) {
  int value = 1;
  if (!PyArg_ParseTuple(args, "|p:count", &value)) return NULL;
  Py_ssize_t n = 0;
  Py_BEGIN_CRITICAL_SECTION(self);
  for (Py_ssize_t i = 0; i < self->nbits; i++) n += get_bit(self, i) == value;
  Py_END_CRITICAL_SECTION();
  return PyLong_FromSsize_t(n);
}

static PyObject* Bits_to01(BitsObject* self, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"group", "sep", NULL};
  Py_ssize_t group = 0;
  const char* sep = " ";
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|ns:to01", kwlist, &group, &sep)) return NULL;
  if (group < 0) return PyErr_Format(PyExc_ValueError, "non-negative group expected, got %zd", group);
  PyObject* out = NULL;
  Py_BEGIN_CRITICAL_SECTION(self);
  const size_t seplen = strlen(sep);
  const Py_ssize_t n = self->nbits;
  const Py_ssize_t groups = group > 0 && n > 0 ? (n - 1) / group : 0;
  char* s = PyMem_Malloc((size_t)n + (size_t)groups * seplen + 1);
  if (s == NULL) {
    PyErr_NoMemory();
  } else {
    size_t j = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
      if (group > 0 && i > 0 && i % group == 0) {
        memcpy(s + j, sep, seplen);
        j += seplen;
      }
      s[j++] = (char)('0' + get_bit(self, i));
    }
    out = PyUnicode_FromStringAndSize(s, (Py_ssize_t)j);
    PyMem_Free(s);
  }
  Py_END_CRITICAL_SECTION();
  return out;
}

static PyObject* Bits_unpack(BitsObject* self, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"zero", "one", NULL};
  char zero = 0, one = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|cc:unpack", kwlist, &zero, &one)) return NULL;
  PyObject* r;
  Py_BEGIN_CRITICAL_SECTION(self);
  r = PyBytes_FromStringAndSize(NULL, self->nbits);
  if (r != NULL) {
    char* p = PyBytes_AS_STRING(r);
    for (Py_ssize_t i = 0; i < self->nbits; i++) p[i] = get_bit(self, i) ? one : zero;
  }
  Py_END_CRITICAL_SECTION();
  return r;
}

static PyObject* Bits_get_exports(BitsObject* self, void* Py_UNUSED(closure)) {
  int n;
  Py_BEGIN_CRITICAL_SECTION(self);
  n = self->exports;
  Py_END_CRITICAL_SECTION();
  return PyLong_FromLong(n);
}

static PyMethodDef Bits_methods[] = {
    {"append", (PyCFunction)Bits_append, METH_O, NULL},
    {"frombytes", (PyCFunction)Bits_frombytes, METH_VARARGS, NULL},
    {"tobytes", (PyCFunction)Bits_tobytes, METH_NOARGS, NULL},
    {"count", (PyCFunction)Bits_count, METH_VARARGS, NULL},
    {"to01", (PyCFunction)(void (*)(void))Bits_to01, METH_VARARGS | METH_KEYWORDS, NULL},
    {"unpack", (PyCFunction)(void (*)(void))Bits_unpack, METH_VARARGS | METH_KEYWORDS, NULL},
    {NULL, NULL},
};

static PyGetSetDef Bits_getsets[] = {
    {"exports", (getter)Bits_get_exports, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

/* ---- iterator (GC-tracked, as bitarray's are) ---- */

typedef struct {
  PyObject_HEAD
  BitsObject* bits;
  Py_ssize_t index; /* under the iterator's and the Bits' sections */
} BitsIterObject;

static PyObject* Bits_iter(BitsObject* self) {
  BitsIterObject* it = PyObject_GC_New(BitsIterObject, &BitsIter_Type);
  if (it == NULL) return NULL;
  it->bits = (BitsObject*)Py_NewRef(self);
  it->index = 0;
  PyObject_GC_Track(it);
  return (PyObject*)it;
}

/* Both sections at once: a nested section could suspend the outer one
 * between reading and advancing the index. */
static PyObject* BitsIter_next(BitsIterObject* it) {
  int v = -1;
  Py_BEGIN_CRITICAL_SECTION2(it, it->bits);
  if (it->index < it->bits->nbits) v = get_bit(it->bits, it->index++);
  Py_END_CRITICAL_SECTION2();
  return v < 0 ? NULL : PyLong_FromLong(v);
}

static void BitsIter_dealloc(BitsIterObject* it) {
  PyObject_GC_UnTrack(it);
  Py_XDECREF(it->bits);
  PyObject_GC_Del(it);
}

static int BitsIter_traverse(BitsIterObject* it, visitproc visit, void* arg) {
  Py_VISIT(it->bits);
  return 0;
}

static PyTypeObject BitsIter_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "ft_bitarr.BitsIterator",                /* tp_name */
    sizeof(BitsIterObject),                  /* tp_basicsize */
    0,                                       /* tp_itemsize */
    (destructor)BitsIter_dealloc,            /* tp_dealloc */
    0,                                       /* tp_vectorcall_offset */
    0,                                       /* tp_getattr */
    0,                                       /* tp_setattr */
    0,                                       /* tp_as_async */
    0,                                       /* tp_repr */
    0,                                       /* tp_as_number */
    0,                                       /* tp_as_sequence */
    0,                                       /* tp_as_mapping */
    0,                                       /* tp_hash */
    0,                                       /* tp_call */
    0,                                       /* tp_str */
    PyObject_GenericGetAttr,                 /* tp_getattro */
    0,                                       /* tp_setattro */
    0,                                       /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, /* tp_flags */
    0,                                       /* tp_doc */
    (traverseproc)BitsIter_traverse,         /* tp_traverse */
    0,                                       /* tp_clear */
    0,                                       /* tp_richcompare */
    0,                                       /* tp_weaklistoffset */
    PyObject_SelfIter,                       /* tp_iter */
    (iternextfunc)BitsIter_next,             /* tp_iternext */
};

static PyTypeObject Bits_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "ft_bitarr.Bits",                         /* tp_name */
    sizeof(BitsObject),                       /* tp_basicsize */
    0,                                        /* tp_itemsize */
    (destructor)Bits_dealloc,                 /* tp_dealloc */
    0,                                        /* tp_vectorcall_offset */
    0,                                        /* tp_getattr */
    0,                                        /* tp_setattr */
    0,                                        /* tp_as_async */
    (reprfunc)Bits_repr,                      /* tp_repr */
    &Bits_as_number,                          /* tp_as_number */
    &Bits_as_sequence,                        /* tp_as_sequence */
    &Bits_as_mapping,                         /* tp_as_mapping */
    PyObject_HashNotImplemented,              /* tp_hash */
    0,                                        /* tp_call */
    0,                                        /* tp_str */
    PyObject_GenericGetAttr,                  /* tp_getattro */
    0,                                        /* tp_setattro */
    &Bits_as_buffer,                          /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, /* tp_flags */
    0,                                        /* tp_doc */
    0,                                        /* tp_traverse */
    0,                                        /* tp_clear */
    Bits_richcompare,                         /* tp_richcompare */
    offsetof(BitsObject, weakreflist),        /* tp_weaklistoffset */
    (getiterfunc)Bits_iter,                   /* tp_iter */
    0,                                        /* tp_iternext */
    Bits_methods,                             /* tp_methods */
    0,                                        /* tp_members */
    Bits_getsets,                             /* tp_getset */
    0,                                        /* tp_base */
    0,                                        /* tp_dict */
    0,                                        /* tp_descr_get */
    0,                                        /* tp_descr_set */
    0,                                        /* tp_dictoffset */
    0,                                        /* tp_init */
    PyType_GenericAlloc,                      /* tp_alloc */
    Bits_tp_new,                              /* tp_new */
    PyObject_Del,                             /* tp_free */
};

/* ---- module functions ---- */

static PyObject* parse(PyObject* Py_UNUSED(module), PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"data", "mask32", "byte", "ch", "uch", "out", NULL};
  Py_buffer data, out = {0};
  unsigned int mask32 = 0;
  unsigned char byte = 0;
  char ch = 'x';
  int uch = 'u';
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "s*|IBcC$z*:parse", kwlist, &data, &mask32,
                                   &byte, &ch, &uch, &out)) {
    return NULL;
  }
  PyObject* r = Py_BuildValue("(nkicin)", data.len, (unsigned long)mask32, (int)byte, ch, uch,
                              out.obj != NULL || out.buf != NULL ? out.len : (Py_ssize_t)-1);
  PyBuffer_Release(&data);
  if (out.obj != NULL) PyBuffer_Release(&out);
  return r;
}

static PyObject* fill(PyObject* Py_UNUSED(module), PyObject* args) {
  Py_buffer target;
  unsigned char value;
  if (!PyArg_ParseTuple(args, "w*B:fill", &target, &value)) return NULL;
  memset(target.buf, value, (size_t)target.len);
  PyBuffer_Release(&target);
  Py_RETURN_NONE;
}

/* FNV-1a 64 over key (str: its UTF-8; else a C-contiguous buffer). */
static PyObject* fnv64(PyObject* Py_UNUSED(module), PyObject* const* args, Py_ssize_t nargs,
                       PyObject* kwnames) {
  PyObject* key = nargs >= 1 ? args[0] : NULL;
  unsigned long long seed = 0;
  int is_signed = 0;
  if (nargs > 3) {
    return PyErr_Format(PyExc_TypeError, "fnv64() takes at most 3 arguments (%d given)",
                        (int)nargs);
  }
  if (nargs >= 2) {
    seed = PyLong_AsUnsignedLongLong(args[1]);
    if (PyErr_Occurred()) return NULL;
  }
  if (nargs >= 3 && (is_signed = PyObject_IsTrue(args[2])) < 0) return NULL;
  Py_ssize_t nkw = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t i = 0; i < nkw; i++) {
    const char* name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, i));
    if (name == NULL) return NULL;
    PyObject* v = args[nargs + i];
    if (strcmp(name, "key") == 0 && nargs < 1) {
      key = v;
    } else if (strcmp(name, "seed") == 0 && nargs < 2) {
      seed = PyLong_AsUnsignedLongLong(v);
      if (PyErr_Occurred()) return NULL;
    } else if (strcmp(name, "signed") == 0 && nargs < 3) {
      if ((is_signed = PyObject_IsTrue(v)) < 0) return NULL;
    } else {
      return PyErr_Format(PyExc_TypeError,
                          "'%s' is an invalid keyword argument for fnv64()", name);
    }
  }
  if (key == NULL) {
    PyErr_SetString(PyExc_TypeError, "fnv64() missing required argument 'key' (pos 1)");
    return NULL;
  }
  Py_buffer view;
  if (PyUnicode_Check(key)) {
    Py_ssize_t n;
    const char* s = PyUnicode_AsUTF8AndSize(key, &n);
    if (s == NULL || PyBuffer_FillInfo(&view, key, (void*)s, n, 1, PyBUF_SIMPLE) < 0) return NULL;
  } else if (PyObject_GetBuffer(key, &view, PyBUF_SIMPLE) < 0) {
    return NULL;
  }
  unsigned long long h = 0xcbf29ce484222325ULL ^ seed;
  for (Py_ssize_t i = 0; i < view.len; i++) {
    h ^= ((const unsigned char*)view.buf)[i];
    h *= 0x100000001b3ULL;
  }
  PyBuffer_Release(&view);
  unsigned char out[8];
  for (int i = 0; i < 8; i++) out[i] = (unsigned char)(h >> (8 * i));
  return _PyLong_FromByteArray(out, sizeof(out), 1, is_signed);
}

static PyObject* from_bytes(PyObject* Py_UNUSED(module), PyObject* args) {
  Py_buffer b;
  int little, is_signed;
  if (!PyArg_ParseTuple(args, "y*pp:from_bytes", &b, &little, &is_signed)) return NULL;
  PyObject* r = _PyLong_FromByteArray(b.buf, (size_t)b.len, little, is_signed);
  PyBuffer_Release(&b);
  return r;
}

static PyObject* count_spaces(PyObject* Py_UNUSED(module), PyObject* s) {
  if (!PyUnicode_Check(s)) return PyErr_Format(PyExc_TypeError, "str expected");
  Py_ssize_t n = 0, len = PyUnicode_GET_LENGTH(s);
  for (Py_ssize_t i = 0; i < len; i++) n += Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(s, i)) != 0;
  return PyLong_FromSsize_t(n);
}

static PyObject* native_little(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
#if PY_LITTLE_ENDIAN && !PY_BIG_ENDIAN
  Py_RETURN_TRUE;
#else
  Py_RETURN_FALSE;
#endif
}

static PyObject* no_frame(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  PyFrameObject* frame = PyThreadState_GetFrame(PyThreadState_Get());
  Py_XDECREF(frame);
  return PyBool_FromLong(frame == NULL);
}

static PyMethodDef module_functions[] = {
    {"parse", (PyCFunction)(void (*)(void))parse, METH_VARARGS | METH_KEYWORDS, NULL},
    {"fill", fill, METH_VARARGS, NULL},
    {"fnv64", (PyCFunction)(void (*)(void))fnv64, METH_FASTCALL | METH_KEYWORDS, NULL},
    {"from_bytes", from_bytes, METH_VARARGS, NULL},
    {"count_spaces", count_spaces, METH_O, NULL},
    {"native_little", native_little, METH_NOARGS, NULL},
    {"no_frame", no_frame, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef ft_bitarr_module = {
    PyModuleDef_HEAD_INIT, "ft_bitarr", NULL, -1, module_functions,
};

PyMODINIT_FUNC PyInit_ft_bitarr(void) {
  if (PyType_Ready(&Bits_Type) < 0 || PyType_Ready(&BitsIter_Type) < 0) return NULL;
  PyObject* m = PyModule_Create(&ft_bitarr_module);
  if (m == NULL) return NULL;
  PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED);
  Py_INCREF(&Bits_Type);
  if (PyModule_AddObject(m, "Bits", (PyObject*)&Bits_Type) < 0) {
    Py_DECREF(&Bits_Type);
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
