/* The buffer protocol from C (pybuffer.h).
 *
 *   - bytes exports its contents read-only: buf is PyBytes_AS_STRING, the
 *     length and the exporter reference are right, PyBUF_WRITABLE is
 *     BufferError; the empty bytes too;
 *   - an extension type with its own tp_as_buffer (writable, counting
 *     getbuffer / releasebuffer calls) is used through GetBuffer, and
 *     PyBuffer_Release calls its bf_releasebuffer exactly once, drops the
 *     exporter reference and makes a second Release a no-op;
 *   - PyBuffer_FillInfo: format/shape/strides per flag, read-only refusal,
 *     NULL view (BufferError), PyBUF_READ / PyBUF_WRITE (SystemError);
 *   - a non-exporter (int): CheckBuffer 0, GetBuffer TypeError;
 *   - the layout helpers on a 2-d exporter with C, Fortran, strided and
 *     indirect (suboffsets) layouts: IsContiguous, GetPointer, To/From-
 *     Contiguous in both orders, CopyData, FillContiguousStrides and
 *     SizeFromFormat (struct.calcsize's sizes);
 *   - kThreads threads take and release buffers of one shared bytes object
 *     and read its contents (run under TSan too); the reference count is
 *     back where it was after they are done; nothing leaks. */
#include <stdatomic.h>
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

enum { kThreads = 4 };

/* ---- An exporter type: 8 writable bytes of its own ---------------------- */

typedef struct {
  PyObject_HEAD
  char data[8];
  int exports; /* buffers currently out */
} BlockObject;

static int g_getbuffer_calls, g_releasebuffer_calls;

static int Block_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  BlockObject* b = (BlockObject*)self;
  g_getbuffer_calls++;
  if (PyBuffer_FillInfo(view, self, b->data, sizeof b->data, 0, flags) < 0) return -1;
  b->exports++;
  return 0;
}

static void Block_releasebuffer(PyObject* self, Py_buffer* view) {
  (void)view;
  g_releasebuffer_calls++;
  ((BlockObject*)self)->exports--;
}

static PyBufferProcs Block_as_buffer = {Block_getbuffer, Block_releasebuffer};

static PyTypeObject BlockType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_buffer_test.Block",
    .tp_basicsize = sizeof(BlockObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &Block_as_buffer,
};

static void test_bytes(void) {
  PyObject* b = PyBytes_FromString("hello");
  CHECK(b != NULL);
  CHECK(PyObject_CheckBuffer(b) == 1);
  Py_ssize_t refs = Py_REFCNT(b);
  Py_buffer view;
  CHECK(PyObject_GetBuffer(b, &view, PyBUF_SIMPLE) == 0);
  CHECK(view.obj == b);
  CHECK_EQ_LL(Py_REFCNT(b), refs + 1);
  CHECK(view.buf == PyBytes_AS_STRING(b));
  CHECK_EQ_LL(view.len, 5);
  CHECK_EQ_LL(view.readonly, 1);
  CHECK_EQ_LL(view.itemsize, 1);
  CHECK(view.format == NULL && view.shape == NULL && view.strides == NULL);
  CHECK(memcmp(view.buf, "hello", 5) == 0);
  PyBuffer_Release(&view);
  CHECK(view.obj == NULL);
  CHECK_EQ_LL(Py_REFCNT(b), refs);
  PyBuffer_Release(&view); /* a second release does nothing */
  CHECK_EQ_LL(Py_REFCNT(b), refs);

  /* Full read-only request: format "B", shape and strides. */
  CHECK(PyObject_GetBuffer(b, &view, PyBUF_FULL_RO) == 0);
  CHECK(view.format != NULL && strcmp(view.format, "B") == 0);
  CHECK(view.shape != NULL && view.shape[0] == 5);
  CHECK(view.strides != NULL && view.strides[0] == 1);
  CHECK_EQ_LL(view.ndim, 1);
  PyBuffer_Release(&view);

  /* Writable: refused, nothing taken. */
  CHECK(PyObject_GetBuffer(b, &view, PyBUF_WRITABLE) == -1);
  ext_test_expect_error(PyExc_BufferError, NULL);
  CHECK(PyObject_GetBuffer(b, &view, PyBUF_CONTIG) == -1); /* includes WRITABLE */
  ext_test_expect_error(PyExc_BufferError, NULL);
  CHECK_EQ_LL(Py_REFCNT(b), refs);

  /* Memoryview flags are not requests. */
  CHECK(PyObject_GetBuffer(b, &view, PyBUF_READ) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyObject_GetBuffer(b, &view, PyBUF_WRITE) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(b);

  /* The empty bytes. */
  PyObject* e = PyBytes_FromStringAndSize(NULL, 0);
  CHECK(e != NULL);
  CHECK(PyObject_GetBuffer(e, &view, PyBUF_SIMPLE) == 0);
  CHECK_EQ_LL(view.len, 0);
  CHECK(view.buf != NULL);
  PyBuffer_Release(&view);
  Py_DECREF(e);
}

static void test_exporter_type(void) {
  CHECK(PyType_Ready(&BlockType) == 0);
  BlockObject* blk = PyObject_New(BlockObject, &BlockType);
  CHECK(blk != NULL);
  memset(blk->data, 0, sizeof blk->data);
  blk->exports = 0;
  PyObject* o = (PyObject*)blk;
  CHECK(PyObject_CheckBuffer(o) == 1);
  Py_ssize_t refs = Py_REFCNT(o);

  Py_buffer view;
  CHECK(PyObject_GetBuffer(o, &view, PyBUF_WRITABLE | PyBUF_ND) == 0);
  CHECK_EQ_LL(g_getbuffer_calls, 1);
  CHECK_EQ_LL(blk->exports, 1);
  CHECK(view.obj == o && view.readonly == 0 && view.len == 8);
  CHECK(view.shape == &view.len);
  ((char*)view.buf)[3] = 'w'; /* writable: writes reach the object */
  CHECK(blk->data[3] == 'w');
  CHECK_EQ_LL(Py_REFCNT(o), refs + 1);
  PyBuffer_Release(&view);
  CHECK_EQ_LL(g_releasebuffer_calls, 1);
  CHECK_EQ_LL(blk->exports, 0);
  CHECK_EQ_LL(Py_REFCNT(o), refs);
  PyBuffer_Release(&view);
  CHECK_EQ_LL(g_releasebuffer_calls, 1); /* not again */

  /* FillInfo directly: read-only refuses a writable request. */
  char raw[4] = {1, 2, 3, 4};
  CHECK(PyBuffer_FillInfo(&view, NULL, raw, 4, 1, PyBUF_WRITABLE) == -1);
  ext_test_expect_error(PyExc_BufferError, NULL);
  CHECK(PyBuffer_FillInfo(NULL, NULL, raw, 4, 1, PyBUF_SIMPLE) == -1);
  ext_test_expect_error(PyExc_BufferError, NULL);
  CHECK(PyBuffer_FillInfo(&view, NULL, raw, 4, 0, PyBUF_READ) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyBuffer_FillInfo(&view, NULL, raw, 4, 0, PyBUF_RECORDS) == 0);
  CHECK(view.obj == NULL && view.buf == raw && view.readonly == 0);
  CHECK(view.strides == &view.itemsize && strcmp(view.format, "B") == 0);
  PyBuffer_Release(&view); /* obj NULL: nothing to do */
  Py_DECREF(o);
}

static void test_non_exporter(void) {
  PyObject* i = PyLong_FromLong(1);
  CHECK(i != NULL);
  CHECK(PyObject_CheckBuffer(i) == 0);
  CHECK(PyObject_CheckBuffer(NULL) == 0);
  Py_buffer view;
  CHECK(PyObject_GetBuffer(i, &view, PyBUF_SIMPLE) == -1);
  ext_test_expect_error(PyExc_TypeError, NULL);
  CHECK(PyObject_GetBuffer(NULL, &view, PyBUF_SIMPLE) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(i);
}

/* ---- Layout helpers: a 2-d exporter with four layouts --------------------- */

/* A 3x4 grid of int32 (cell (r, c) holds 10 * r + c) exported as:
 *   0: the grid, C-contiguous (strides 16, 4);
 *   1: its transpose, 4x3 (strides 4, 16): Fortran-contiguous;
 *   2: every other column, 3x2 (strides 16, 8): neither;
 *   3: the grid through row pointers (PIL-style suboffsets {0, -1}). */
typedef struct {
  PyObject_HEAD
  int mode;
  int32_t cells[12];
  char* rows[3];
  Py_ssize_t shape[2], strides[2], suboffsets[2];
} GridObject;

static int Grid_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  GridObject* g = (GridObject*)self;
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES) {
    PyErr_SetString(PyExc_BufferError, "Grid: strides are needed");
    return -1;
  }
  static const Py_ssize_t kShapes[4][2] = {{3, 4}, {4, 3}, {3, 2}, {3, 4}};
  static const Py_ssize_t kStrides[4][2] = {{16, 4}, {4, 16}, {16, 8}, {sizeof(char*), 4}};
  g->shape[0] = kShapes[g->mode][0];
  g->shape[1] = kShapes[g->mode][1];
  g->strides[0] = kStrides[g->mode][0];
  g->strides[1] = kStrides[g->mode][1];
  g->suboffsets[0] = 0;
  g->suboffsets[1] = -1;
  for (int r = 0; r < 3; r++) g->rows[r] = (char*)&g->cells[4 * r];
  view->buf = g->mode == 3 ? (void*)g->rows : (void*)g->cells;
  view->obj = Py_NewRef(self);
  view->len = g->shape[0] * g->shape[1] * 4;
  view->itemsize = 4;
  view->readonly = 0;
  view->ndim = 2;
  view->format = (flags & PyBUF_FORMAT) ? "i" : NULL;
  view->shape = g->shape;
  view->strides = g->strides;
  view->suboffsets = g->mode == 3 ? g->suboffsets : NULL;
  view->internal = NULL;
  return 0;
}

static PyBufferProcs Grid_as_buffer = {Grid_getbuffer, NULL};

static PyTypeObject GridType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_buffer_test.Grid",
    .tp_basicsize = sizeof(GridObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &Grid_as_buffer,
};

static PyObject* new_grid(int mode) {
  GridObject* g = PyObject_New(GridObject, &GridType);
  CHECK(g != NULL);
  g->mode = mode;
  for (int i = 0; i < 12; i++) g->cells[i] = 10 * (i / 4) + i % 4;
  return (PyObject*)g;
}

static void check_ints(const int32_t* got, const int32_t* want, int n) {
  for (int i = 0; i < n; i++) CHECK_EQ_LL(got[i], want[i]);
}

static void test_layout_helpers(void) {
  CHECK(PyType_Ready(&GridType) == 0);
  /* Contiguity per layout and order. */
  static const int kC[4] = {1, 0, 0, 0}, kF[4] = {0, 1, 0, 0};
  for (int mode = 0; mode < 4; mode++) {
    PyObject* g = new_grid(mode);
    Py_buffer v;
    CHECK(PyObject_GetBuffer(g, &v, PyBUF_FULL_RO) == 0);
    CHECK_EQ_LL(PyBuffer_IsContiguous(&v, 'C'), kC[mode]);
    CHECK_EQ_LL(PyBuffer_IsContiguous(&v, 'F'), kF[mode]);
    CHECK_EQ_LL(PyBuffer_IsContiguous(&v, 'A'), kC[mode] | kF[mode]);
    CHECK_EQ_LL(PyBuffer_IsContiguous(&v, 'x'), 0);
    /* GetPointer finds cell (r, c) of each layout. */
    Py_ssize_t idx[2] = {2, 1};
    int32_t want = mode == 1 ? 10 * 1 + 2 : mode == 2 ? 10 * 2 + 2 : 10 * 2 + 1;
    CHECK_EQ_LL(*(int32_t*)PyBuffer_GetPointer(&v, idx), want);
    PyBuffer_Release(&v);
    Py_DECREF(g);
  }

  /* To a contiguous block in either order. */
  PyObject* cols = new_grid(2);
  Py_buffer v;
  CHECK(PyObject_GetBuffer(cols, &v, PyBUF_FULL) == 0);
  int32_t out[12];
  static const int32_t kColsC[6] = {0, 2, 10, 12, 20, 22};
  static const int32_t kColsF[6] = {0, 10, 20, 2, 12, 22};
  CHECK(PyBuffer_ToContiguous(out, &v, v.len, 'C') == 0);
  check_ints(out, kColsC, 6);
  CHECK(PyBuffer_ToContiguous(out, &v, v.len, 'F') == 0);
  check_ints(out, kColsF, 6);
  CHECK(PyBuffer_ToContiguous(out, &v, v.len, 'A') == 0); /* neither: C order */
  check_ints(out, kColsC, 6);
  /* A shorter len copies a prefix and nothing past it. */
  memset(out, 0x7f, sizeof out);
  CHECK(PyBuffer_ToContiguous(out, &v, 3 * 4, 'C') == 0);
  check_ints(out, kColsC, 3);
  CHECK_EQ_LL(out[3], 0x7f7f7f7f);
  /* From a contiguous block: only the exported cells change. */
  static const int32_t kNew[6] = {100, 101, 102, 103, 104, 105};
  CHECK(PyBuffer_FromContiguous(&v, kNew, sizeof kNew, 'C') == 0);
  GridObject* gc = (GridObject*)cols;
  static const int32_t kAfter[12] = {100, 1, 101, 3, 102, 11, 103, 13, 104, 21, 105, 23};
  check_ints(gc->cells, kAfter, 12);
  CHECK(PyBuffer_FromContiguous(&v, kNew, sizeof kNew, 'F') == 0);
  static const int32_t kAfterF[12] = {100, 1, 103, 3, 101, 11, 104, 13, 102, 21, 105, 23};
  check_ints(gc->cells, kAfterF, 12);
  CHECK(PyBuffer_FromContiguous(&v, kNew, sizeof kNew, 'q') == -1);
  CHECK(PyErr_ExceptionMatches(PyExc_ValueError));
  PyErr_Clear();
  PyBuffer_Release(&v);
  Py_DECREF(cols);

  /* The transpose in C order reads the grid by columns; the indirect one
   * by rows. */
  PyObject* tr = new_grid(1);
  CHECK(PyObject_GetBuffer(tr, &v, PyBUF_FULL_RO) == 0);
  CHECK(PyBuffer_ToContiguous(out, &v, v.len, 'C') == 0);
  static const int32_t kTrC[12] = {0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23};
  check_ints(out, kTrC, 12);
  CHECK(PyBuffer_ToContiguous(out, &v, v.len, 'F') == 0); /* contiguous: memcpy */
  static const int32_t kGrid[12] = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23};
  check_ints(out, kGrid, 12);
  PyBuffer_Release(&v);
  Py_DECREF(tr);
  PyObject* ind = new_grid(3);
  CHECK(PyObject_GetBuffer(ind, &v, PyBUF_FULL_RO) == 0);
  CHECK(PyBuffer_ToContiguous(out, &v, v.len, 'C') == 0);
  check_ints(out, kGrid, 12);
  PyBuffer_Release(&v);

  /* CopyData: element-wise at equal indices into a larger grid; memmove
   * between contiguous ones; the errors. */
  PyObject* src = new_grid(2);
  PyObject* dst = new_grid(0);
  memset(((GridObject*)dst)->cells, 0, sizeof(((GridObject*)dst)->cells));
  CHECK(PyObject_CopyData(dst, src) == 0);
  static const int32_t kCopied[12] = {0, 2, 0, 0, 10, 12, 0, 0, 20, 22, 0, 0};
  check_ints(((GridObject*)dst)->cells, kCopied, 12);
  CHECK(PyObject_CopyData(dst, ind) == 0); /* indirect source, same shape */
  check_ints(((GridObject*)dst)->cells, kGrid, 12);
  CHECK(PyObject_CopyData(src, dst) == -1); /* 3x2 cannot take 3x4 */
  CHECK(PyErr_ExceptionMatches(PyExc_BufferError));
  PyErr_Clear();
  PyObject* bytes = PyBytes_FromStringAndSize("abcdefgh", 8);
  PyObject* ba = PyByteArray_FromStringAndSize("........", 8);
  CHECK(bytes != NULL && ba != NULL);
  CHECK(PyObject_CopyData(ba, bytes) == 0);
  CHECK(memcmp(PyByteArray_AS_STRING(ba), "abcdefgh", 8) == 0);
  CHECK(PyObject_CopyData(bytes, ba) == -1); /* bytes is read-only */
  CHECK(PyErr_ExceptionMatches(PyExc_BufferError));
  PyErr_Clear();
  PyObject* small = PyByteArray_FromStringAndSize("..", 2);
  CHECK(PyObject_CopyData(small, bytes) == -1);
  CHECK(PyErr_ExceptionMatches(PyExc_BufferError));
  PyErr_Clear();
  CHECK(PyObject_CopyData(ba, Py_None) == -1);
  CHECK(PyErr_ExceptionMatches(PyExc_TypeError));
  PyErr_Clear();
  Py_DECREF(small);
  Py_DECREF(ba);
  Py_DECREF(bytes);
  Py_DECREF(dst);
  Py_DECREF(src);
  Py_DECREF(ind);

  /* Strides of a contiguous layout. */
  Py_ssize_t shape[3] = {2, 3, 4}, strides[3];
  PyBuffer_FillContiguousStrides(3, shape, strides, 8, 'C');
  CHECK(strides[0] == 96 && strides[1] == 32 && strides[2] == 8);
  PyBuffer_FillContiguousStrides(3, shape, strides, 8, 'F');
  CHECK(strides[0] == 8 && strides[1] == 16 && strides[2] == 48);

  /* struct.calcsize, as CPython 3.13 gives it on x86-64. */
  static const struct {
    const char* fmt;
    Py_ssize_t size;
  } kSizes[] = {{"i", 4},    {"3h", 6},   {"bi", 8},  {"=bi", 5}, {"<qb", 9}, {"d", 8},
                {"10s", 10}, {"?", 1},    {"P", 8},   {"bq", 16}, {"hbi", 8}, {"@l", 8},
                {"=l", 4},   {"4x2e", 8}, {"", 0},    {"i i", 8}, {"0i", 0},  {"b0i", 4}};
  for (size_t i = 0; i < sizeof kSizes / sizeof kSizes[0]; i++) {
    if (PyBuffer_SizeFromFormat(kSizes[i].fmt) != kSizes[i].size) {
      fprintf(stderr, "calcsize(%s): got %zd, want %zd\n", kSizes[i].fmt,
              PyBuffer_SizeFromFormat(kSizes[i].fmt), kSizes[i].size);
      CHECK(0);
    }
  }
  CHECK(PyBuffer_SizeFromFormat("z") == -1);
  CHECK(PyErr_ExceptionMatches(PyExc_ValueError));
  PyErr_Clear();
  CHECK(PyBuffer_SizeFromFormat("<P") == -1);
  CHECK(PyErr_ExceptionMatches(PyExc_ValueError));
  PyErr_Clear();
}

/* ---- Threads ------------------------------------------------------------ */

static PyObject* g_shared;
static long g_iters;
static atomic_long g_errors;

static void* reader(void* arg) {
  (void)arg;
  PyGILState_STATE st = PyGILState_Ensure();
  for (long k = 0; k < g_iters; k++) {
    Py_buffer view;
    if (PyObject_GetBuffer(g_shared, &view, PyBUF_FULL_RO) != 0) {
      atomic_fetch_add_explicit(&g_errors, 1, memory_order_relaxed);
      PyErr_Clear();
      continue;
    }
    if (view.len != 64 || ((const char*)view.buf)[k % 64] != (char)('a' + (k % 64) % 26)) {
      atomic_fetch_add_explicit(&g_errors, 1, memory_order_relaxed);
    }
    PyBuffer_Release(&view);
    if (PyObject_GetBuffer(g_shared, &view, PyBUF_WRITABLE) != -1) {
      atomic_fetch_add_explicit(&g_errors, 1, memory_order_relaxed);
    }
    PyErr_Clear();
  }
  PyGILState_Release(st);
  return NULL;
}

static void test_threads(void) {
  char data[64];
  for (int i = 0; i < 64; i++) data[i] = (char)('a' + i % 26);
  g_shared = PyBytes_FromStringAndSize(data, 64);
  CHECK(g_shared != NULL);
  Py_ssize_t refs = Py_REFCNT(g_shared);
  g_iters = ext_test_scaled(20000, 200);
  ext_test_run_threads(kThreads, reader, 0);
  CHECK_EQ_LL(atomic_load_explicit(&g_errors, memory_order_relaxed), 0);
  CHECK_EQ_LL(Py_REFCNT(g_shared), refs);
  Py_DECREF(g_shared);
}

int main(void) {
  Py_Initialize();
  test_bytes();
  test_exporter_type();
  test_non_exporter();
  test_layout_helpers();
  test_threads();
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_buffer_test: OK\n");
  return 0;
}
