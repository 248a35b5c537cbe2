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
  test_threads();
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_buffer_test: OK\n");
  return 0;
}
