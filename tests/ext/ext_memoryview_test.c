/* memoryview from C (memoryobject.h), used as an extension would, with
 * CPython 3.13's results and errors:
 *
 *   - PyMemoryView_FromObject on bytes: PyMemoryView_Check, the
 *     PyMemoryView_GET_BUFFER fields (buf is PyBytes_AS_STRING, len,
 *     readonly, format "B", ndim 1, shape, strides), GET_BASE, item and
 *     slice access through PyObject_GetItem, tobytes / tolist / hex, ==,
 *     hash; a non-exporter is TypeError;
 *   - an extension exporter (writable, counting its buffers): the buffer is
 *     taken once and released exactly once, when the last view sharing it
 *     goes (release() or deallocation); PyObject_SetItem with CPython's
 *     errors; PyObject_GetBuffer on the view blocks release() with
 *     BufferError "memoryview has 1 exported buffer"; use after release is
 *     ValueError;
 *   - PyMemoryView_FromMemory (PyBUF_READ / PyBUF_WRITE, bad flags),
 *     PyMemoryView_FromBuffer (NULL buf), PyMemoryView_GetContiguous on a
 *     strided view;
 *   - 6 threads (more than the machine's cores), seeded, with random
 *     yields: views and slices of one shared bytes object, read through
 *     GET_BUFFER and tobytes and checked against the source, while each
 *     thread releases its own; the bytes' reference count and the
 *     exporter's buffer count are back at the end;
 *   - a view shared by readers and released by one thread: every read
 *     before gets the source, every read after ValueError; its exporter,
 *     referenced only by the view, is freed after the last read (ASan
 *     would see a read of freed memory);
 *   - no leak at finalization, and every exporter freed. */
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

enum { kThreads = 6, kSrcLen = 1024 };

static const char* kReleased = "operation forbidden on released memoryview object";

/* ---- An exporter type: writable bytes of its own, counting buffers ------- */

typedef struct {
  PyObject_HEAD
  char data[kSrcLen];
  Py_ssize_t size;
  int readonly;
  atomic_int exports;
  atomic_int gets;
  atomic_int releases;
} BlockObject;

static atomic_int g_blocks_freed;

static int Block_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  BlockObject* b = (BlockObject*)self;
  if (PyBuffer_FillInfo(view, self, b->data, b->size, b->readonly, flags) < 0) return -1;
  atomic_fetch_add_explicit(&b->exports, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&b->gets, 1, memory_order_relaxed);
  return 0;
}

static void Block_releasebuffer(PyObject* self, Py_buffer* view) {
  (void)view;
  BlockObject* b = (BlockObject*)self;
  atomic_fetch_sub_explicit(&b->exports, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&b->releases, 1, memory_order_relaxed);
}

static void Block_dealloc(PyObject* self) {
  atomic_fetch_add_explicit(&g_blocks_freed, 1, memory_order_relaxed);
  Py_TYPE(self)->tp_free(self);
}

static PyBufferProcs Block_as_buffer = {Block_getbuffer, Block_releasebuffer};

static PyTypeObject BlockType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_memoryview_test.Block",
    .tp_basicsize = sizeof(BlockObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = Block_dealloc,
    .tp_as_buffer = &Block_as_buffer,
};

static PyObject* new_block(const char* data, Py_ssize_t size, int readonly) {
  BlockObject* b = PyObject_New(BlockObject, &BlockType);
  CHECK(b != NULL);
  memcpy(b->data, data, (size_t)size);
  b->size = size;
  b->readonly = readonly;
  atomic_init(&b->exports, 0);
  atomic_init(&b->gets, 0);
  atomic_init(&b->releases, 0);
  return (PyObject*)b;
}

/* ---- Helpers ---------------------------------------------------------------- */

static PyObject* call0(PyObject* o, const char* method) {
  return PyObject_CallMethod(o, method, NULL);
}

/* o.tobytes() compared with (data, n): 1 equal, 0 not, -1 error. */
static int tobytes_equals(PyObject* mv, const char* data, Py_ssize_t n) {
  PyObject* b = call0(mv, "tobytes");
  if (b == NULL) return -1;
  int eq = PyBytes_GET_SIZE(b) == n && memcmp(PyBytes_AS_STRING(b), data, (size_t)n) == 0;
  Py_DECREF(b);
  return eq;
}

static PyObject* slice_of(PyObject* mv, long start, long stop, long step) {
  PyObject* a = PyLong_FromLong(start);
  PyObject* b = PyLong_FromLong(stop);
  PyObject* c = PyLong_FromLong(step);
  PyObject* s = PySlice_New(a, b, c);
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(c);
  CHECK(s != NULL);
  PyObject* r = PyObject_GetItem(mv, s);
  Py_DECREF(s);
  return r;
}

/* src[start:stop:step] into out; its length. */
static Py_ssize_t expected_slice(const char* src, Py_ssize_t n, long start, long stop, long step,
                                 char* out) {
  Py_ssize_t s = start, e = stop;
  Py_ssize_t len = PySlice_AdjustIndices(n, &s, &e, step);
  for (Py_ssize_t k = 0; k < len; k++) out[k] = src[s + k * step];
  return len;
}

static long item_long(PyObject* mv, Py_ssize_t i) {
  PyObject* v = PySequence_GetItem(mv, i);
  if (v == NULL) return -1;
  long r = PyLong_AsLong(v);
  Py_DECREF(v);
  return r;
}

static const char* str_of(PyObject* o) { return PyUnicode_AsUTF8(o); }

/* ---- Single-threaded --------------------------------------------------------- */

static void test_bytes_views(void) {
  PyObject* b = PyBytes_FromString("hello world");
  Py_ssize_t refs = Py_REFCNT(b);
  PyObject* m = PyMemoryView_FromObject(b);
  CHECK(m != NULL);
  CHECK(PyMemoryView_Check(m));
  CHECK(!PyMemoryView_Check(b));
  CHECK_EQ_LL(Py_REFCNT(b), refs + 1);
  Py_buffer* v = PyMemoryView_GET_BUFFER(m);
  CHECK(v->buf == PyBytes_AS_STRING(b));
  CHECK_EQ_LL(v->len, 11);
  CHECK_EQ_LL(v->readonly, 1);
  CHECK_EQ_LL(v->itemsize, 1);
  CHECK_EQ_LL(v->ndim, 1);
  CHECK(strcmp(v->format, "B") == 0);
  CHECK_EQ_LL(v->shape[0], 11);
  CHECK_EQ_LL(v->strides[0], 1);
  CHECK(v->suboffsets == NULL);
  CHECK(PyMemoryView_GET_BASE(m) == b);
  CHECK_EQ_LL(PyObject_Length(m), 11);
  CHECK_EQ_LL(item_long(m, 0), 104);
  CHECK_EQ_LL(item_long(m, -1), 100);
  CHECK(PySequence_GetItem(m, 11) == NULL);
  ext_test_expect_error(PyExc_IndexError, "index out of bounds on dimension 1");

  PyObject* evens = slice_of(m, 0, 11, 2);
  CHECK(evens != NULL && PyMemoryView_Check(evens));
  CHECK(PyMemoryView_GET_BASE(evens) == b);
  CHECK_EQ_LL(PyMemoryView_GET_BUFFER(evens)->strides[0], 2);
  CHECK_EQ_LL(PyMemoryView_GET_BUFFER(evens)->shape[0], 6);
  CHECK(tobytes_equals(evens, "hlowrd", 6) == 1);
  PyObject* list = call0(evens, "tolist");
  CHECK(list != NULL && PyList_GET_SIZE(list) == 6);
  CHECK_EQ_LL(PyLong_AsLong(PyList_GET_ITEM(list, 1)), 'l');
  Py_DECREF(list);
  PyObject* hex = PyObject_CallMethod(m, "hex", "si", ":", 2);
  CHECK(hex != NULL && strcmp(str_of(hex), "68:656c:6c6f:2077:6f72:6c64") == 0);
  Py_DECREF(hex);
  CHECK(PyObject_RichCompareBool(m, b, Py_EQ) == 1);
  PyObject* other = PyBytes_FromString("hlowrd");
  CHECK(PyObject_RichCompareBool(evens, other, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(m, other, Py_EQ) == 0);
  CHECK(PyObject_Hash(m) == PyObject_Hash(b));
  CHECK(PyObject_Hash(evens) == PyObject_Hash(other));
  Py_DECREF(other);
  CHECK(PyObject_SetItem(m, PyLong_FromLong(0) /* small int: immortal */, Py_None) == -1);
  ext_test_expect_error(PyExc_TypeError, "cannot modify read-only memory");

  /* A memoryview of a memoryview, both ways. */
  PyObject* m2 = PyMemoryView_FromObject(m);
  CHECK(m2 != NULL && PyMemoryView_GET_BASE(m2) == b);
  Py_buffer view;
  CHECK(PyObject_GetBuffer(m, &view, PyBUF_FULL_RO) == 0);
  CHECK(view.obj == m && view.buf == PyBytes_AS_STRING(b) && view.len == 11);
  CHECK(call0(m, "release") == NULL);
  ext_test_expect_error(PyExc_BufferError, "memoryview has 1 exported buffer");
  PyBuffer_Release(&view);
  PyObject* r = call0(m, "release");
  CHECK(r == Py_None);
  Py_DECREF(r);
  CHECK(PySequence_GetItem(m, 0) == NULL);
  ext_test_expect_error(PyExc_ValueError, kReleased);
  CHECK(PyObject_GetBuffer(m, &view, PyBUF_SIMPLE) == -1);
  ext_test_expect_error(PyExc_ValueError, kReleased);
  CHECK(PyMemoryView_FromObject(m) == NULL);
  ext_test_expect_error(PyExc_ValueError, kReleased);
  CHECK_EQ_LL(item_long(m2, 4), 'o'); /* m2 shares the buffer, still live */
  Py_DECREF(m2);
  Py_DECREF(evens);
  Py_DECREF(m);
  CHECK_EQ_LL(Py_REFCNT(b), refs);

  PyObject* n = PyLong_FromLong(5);
  CHECK(PyMemoryView_FromObject(n) == NULL);
  ext_test_expect_error(PyExc_TypeError, "memoryview: a bytes-like object is required, not 'int'");
  /* memoryview as a type. */
  PyObject* called = PyObject_CallOneArg((PyObject*)&PyMemoryView_Type, b);
  CHECK(called != NULL && PyMemoryView_Check(called));
  Py_DECREF(called);
  CHECK(PyObject_CallNoArgs((PyObject*)&PyMemoryView_Type) == NULL);
  ext_test_expect_error(PyExc_TypeError, "memoryview() missing required argument 'object' (pos 1)");
  Py_DECREF(b);
}

static void test_exporter(void) {
  CHECK(PyType_Ready(&BlockType) == 0);
  PyObject* blk = new_block("\x01\x02\x03\x04", 4, 0);
  BlockObject* bb = (BlockObject*)blk;
  PyObject* m = PyMemoryView_FromObject(blk);
  CHECK(m != NULL);
  CHECK_EQ_LL(atomic_load(&bb->gets), 1);
  CHECK_EQ_LL(PyMemoryView_GET_BUFFER(m)->readonly, 0);
  CHECK(PyMemoryView_GET_BUFFER(m)->buf == bb->data);
  CHECK(PyObject_Hash(m) == -1);
  ext_test_expect_error(PyExc_ValueError, "cannot hash writable memoryview object");

  PyObject* zero = PyLong_FromLong(0);
  PyObject* big = PyLong_FromLong(300);
  PyObject* v255 = PyLong_FromLong(255);
  CHECK(PyObject_SetItem(m, zero, v255) == 0);
  CHECK_EQ_LL((unsigned char)bb->data[0], 255);
  CHECK(PyObject_SetItem(m, zero, big) == -1);
  ext_test_expect_error(PyExc_ValueError, "memoryview: invalid value for format 'B'");
  CHECK(PyObject_SetItem(m, zero, Py_None) == -1);
  ext_test_expect_error(PyExc_TypeError, "memoryview: invalid type for format 'B'");
  CHECK(PyObject_DelItem(m, zero) == -1);
  ext_test_expect_error(PyExc_TypeError, "cannot delete memory");
  Py_DECREF(zero);
  Py_DECREF(big);
  Py_DECREF(v255);

  /* Slices share the one buffer: released when the last view goes. */
  PyObject* s = slice_of(m, 1, 4, 1);
  CHECK(s != NULL);
  PyObject* r = call0(m, "release");
  CHECK(r == Py_None);
  Py_DECREF(r);
  CHECK_EQ_LL(atomic_load(&bb->releases), 0);
  CHECK(tobytes_equals(s, "\x02\x03\x04", 3) == 1);
  Py_DECREF(s); /* deallocation releases */
  CHECK_EQ_LL(atomic_load(&bb->releases), 1);
  CHECK_EQ_LL(atomic_load(&bb->gets), 1);
  CHECK_EQ_LL(atomic_load(&bb->exports), 0);
  Py_DECREF(m);
  Py_DECREF(blk);
}

static void test_from_memory_and_buffer(void) {
  char mem[4] = {'a', 'b', 'c', 'd'};
  PyObject* w = PyMemoryView_FromMemory(mem, 4, PyBUF_WRITE);
  CHECK(w != NULL && PyMemoryView_GET_BASE(w) == NULL);
  CHECK_EQ_LL(PyMemoryView_GET_BUFFER(w)->readonly, 0);
  PyObject* i3 = PyLong_FromLong(3);
  PyObject* z = PyLong_FromLong('z');
  CHECK(PyObject_SetItem(w, i3, z) == 0);
  CHECK(mem[3] == 'z');
  PyObject* ro = PyMemoryView_FromMemory(mem, 4, PyBUF_READ);
  CHECK(ro != NULL && PyMemoryView_GET_BUFFER(ro)->readonly == 1);
  CHECK(PyObject_SetItem(ro, i3, z) == -1);
  ext_test_expect_error(PyExc_TypeError, "cannot modify read-only memory");
  Py_DECREF(i3);
  Py_DECREF(z);
  CHECK(PyMemoryView_FromMemory(mem, 4, 0) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* A strided view: a contiguous copy to read, BufferError to write. */
  PyObject* strided = slice_of(w, 0, 4, 2);
  PyObject* c = PyMemoryView_GetContiguous(strided, PyBUF_READ, 'C');
  CHECK(c != NULL && tobytes_equals(c, "ac", 2) == 1);
  CHECK_EQ_LL(PyMemoryView_GET_BUFFER(c)->strides[0], 1);
  CHECK(PyMemoryView_GetContiguous(strided, PyBUF_WRITE, 'C') == NULL);
  ext_test_expect_error(PyExc_BufferError,
                        "writable contiguous buffer requested for a non-contiguous object.");
  PyObject* same = PyMemoryView_GetContiguous(w, PyBUF_WRITE, 'C');
  CHECK(same != NULL && PyMemoryView_GET_BUFFER(same)->buf == mem);
  Py_DECREF(same);
  Py_DECREF(c);
  Py_DECREF(strided);

  /* FromBuffer copies the description; the memory is the caller's. */
  Py_buffer info;
  CHECK(PyBuffer_FillInfo(&info, NULL, mem, 4, 1, PyBUF_FULL_RO) == 0);
  PyObject* fb = PyMemoryView_FromBuffer(&info);
  CHECK(fb != NULL && PyMemoryView_GET_BUFFER(fb)->buf == mem);
  CHECK(tobytes_equals(fb, "abcz", 4) == 1);
  Py_DECREF(fb);
  info.buf = NULL;
  CHECK(PyMemoryView_FromBuffer(&info) == NULL);
  ext_test_expect_error(PyExc_ValueError, "PyMemoryView_FromBuffer(): info->buf must not be NULL");
  Py_DECREF(ro);
  Py_DECREF(w);
}

/* ---- Threads ------------------------------------------------------------------ */

static char g_src[kSrcLen];
static PyObject* g_shared_bytes;
static PyObject* g_shared_block;
static atomic_int g_bad;

static void bad(void) { atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed); }

static void* shared_worker(void* arg) {
  unsigned rng = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject* exporter = rng % 2 == 0 ? g_shared_bytes : g_shared_block;
  enum { kKeep = 6 };
  PyObject* mine[kKeep] = {NULL};
  const long rounds = ext_test_scaled(2000, 100);
  char* expect = malloc(kSrcLen);
  CHECK(expect != NULL);
  for (long r = 0; r < rounds; r++) {
    if (ext_test_next_random(&rng) % 8 == 0) sched_yield();
    PyObject* m = PyMemoryView_FromObject(exporter);
    if (m == NULL) {
      bad();
      PyErr_Clear();
      continue;
    }
    /* Read through the macro, as extensions do. */
    Py_buffer* v = PyMemoryView_GET_BUFFER(m);
    if (v->len != kSrcLen || memcmp(v->buf, g_src, kSrcLen) != 0) bad();
    long start = (long)(ext_test_next_random(&rng) % (kSrcLen + 10)) - 5;
    long stop = (long)(ext_test_next_random(&rng) % (kSrcLen + 10)) - 5;
    long step = (long)(ext_test_next_random(&rng) % 7) - 3;
    if (step == 0) step = 1;
    PyObject* s = slice_of(m, start, stop, step);
    Py_ssize_t n = expected_slice(g_src, kSrcLen, start, stop, step, expect);
    if (s == NULL || tobytes_equals(s, expect, n) != 1) {
      bad();
      PyErr_Clear();
    }
    /* Keep the slice, release or drop the base; release or drop an older
     * view of this thread. */
    const unsigned k = ext_test_next_random(&rng) % kKeep;
    if (mine[k] != NULL) {
      if (ext_test_next_random(&rng) % 2 == 0) {
        PyObject* res = call0(mine[k], "release");
        if (res == NULL) bad();
        Py_XDECREF(res);
      }
      Py_DECREF(mine[k]);
    }
    mine[k] = s;
    if (ext_test_next_random(&rng) % 2 == 0) {
      PyObject* res = call0(m, "release");
      if (res == NULL) bad();
      Py_XDECREF(res);
    }
    Py_DECREF(m);
  }
  for (int k = 0; k < kKeep; k++) Py_XDECREF(mine[k]);
  free(expect);
  PyGILState_Release(g);
  return NULL;
}

static void test_threads_share_exporter(unsigned seed) {
  for (int i = 0; i < kSrcLen; i++) g_src[i] = (char)((i * 13 + 7) & 0xff);
  g_shared_bytes = PyBytes_FromStringAndSize(g_src, kSrcLen);
  g_shared_block = new_block(g_src, kSrcLen, 1);
  CHECK(g_shared_bytes != NULL);
  Py_ssize_t bytes_refs = Py_REFCNT(g_shared_bytes);
  Py_ssize_t block_refs = Py_REFCNT(g_shared_block);
  atomic_store_explicit(&g_bad, 0, memory_order_relaxed);
  ext_test_run_threads(kThreads, shared_worker, seed);
  /* Joined: relaxed suffices. */
  CHECK_EQ_LL(atomic_load_explicit(&g_bad, memory_order_relaxed), 0);
  BlockObject* bb = (BlockObject*)g_shared_block;
  CHECK_EQ_LL(atomic_load_explicit(&bb->exports, memory_order_relaxed), 0);
  CHECK(atomic_load_explicit(&bb->gets, memory_order_relaxed) > 0);
  CHECK_EQ_LL(atomic_load_explicit(&bb->gets, memory_order_relaxed),
              atomic_load_explicit(&bb->releases, memory_order_relaxed));
  CHECK_EQ_LL(Py_REFCNT(g_shared_bytes), bytes_refs);
  CHECK_EQ_LL(Py_REFCNT(g_shared_block), block_refs);
  CHECK(memcmp(PyBytes_AS_STRING(g_shared_bytes), g_src, kSrcLen) == 0);
  Py_CLEAR(g_shared_bytes);
  Py_CLEAR(g_shared_block);
}

/* One view, readers, and a releasing thread. */
static PyObject* g_view;
static atomic_int g_released, g_saw_error;

static void* release_worker(void* arg) {
  unsigned rng = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  if (rng % kThreads == 0) {
    for (unsigned k = ext_test_next_random(&rng) % 20; k > 0; k--) sched_yield();
    PyObject* res = call0(g_view, "release");
    if (res == NULL) bad();
    Py_XDECREF(res);
    atomic_store_explicit(&g_released, 1, memory_order_release);
  } else {
    for (;;) {
      const int after = atomic_load_explicit(&g_released, memory_order_acquire);
      if (ext_test_next_random(&rng) % 4 == 0) sched_yield();
      int ok;
      if (ext_test_next_random(&rng) % 2 == 0) {
        ok = tobytes_equals(g_view, g_src, kSrcLen);
      } else {
        Py_ssize_t i = (Py_ssize_t)(ext_test_next_random(&rng) % kSrcLen);
        long x = item_long(g_view, i);
        ok = x < 0 ? -1 : x == (unsigned char)g_src[i];
      }
      if (ok == 0) bad();
      if (ok == 1) {
        if (after) bad(); /* a read after the release finished */
        continue;
      }
      PyObject* exc = PyErr_GetRaisedException();
      PyObject* msg = exc != NULL ? PyObject_Str(exc) : NULL;
      if (msg == NULL || !PyErr_GivenExceptionMatches(exc, PyExc_ValueError) ||
          strcmp(str_of(msg), kReleased) != 0) {
        bad();
      }
      Py_XDECREF(msg);
      Py_XDECREF(exc);
      atomic_fetch_add_explicit(&g_saw_error, 1, memory_order_relaxed);
      break;
    }
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_release_from_another_thread(unsigned seed) {
  const long rounds = ext_test_scaled(30, 6);
  for (long round = 0; round < rounds; round++) {
    PyObject* blk = new_block(g_src, kSrcLen, 1);
    g_view = PyMemoryView_FromObject(blk);
    CHECK(g_view != NULL);
    Py_DECREF(blk); /* only the view holds it now */
    atomic_store_explicit(&g_released, 0, memory_order_relaxed);
    atomic_store_explicit(&g_saw_error, 0, memory_order_relaxed);
    atomic_store_explicit(&g_bad, 0, memory_order_relaxed);
    /* Seeds congruent to 0 mod kThreads: exactly one releaser. */
    ext_test_run_threads(kThreads, release_worker,
                         (seed - seed % kThreads) + (unsigned)round * kThreads);
    CHECK_EQ_LL(atomic_load_explicit(&g_bad, memory_order_relaxed), 0);
    CHECK_EQ_LL(atomic_load_explicit(&g_saw_error, memory_order_relaxed), kThreads - 1);
    Py_CLEAR(g_view);
  }
}

int main(void) {
  Py_Initialize();
  const unsigned seed = ext_test_seed();
  test_bytes_views();
  test_exporter();
  test_from_memory_and_buffer();
  for (int i = 0; i < kSrcLen; i++) g_src[i] = (char)((i * 13 + 7) & 0xff);
  test_threads_share_exporter(seed);
  test_release_from_another_thread(seed);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  /* Every Block went: test_exporter's, the shared one, one a round. */
  CHECK_EQ_LL(atomic_load_explicit(&g_blocks_freed, memory_order_relaxed),
              2 + ext_test_scaled(30, 6));
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_memoryview_test: OK\n");
  return 0;
}
