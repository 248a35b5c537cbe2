// libftrt.so: the buffer protocol's C API (pybuffer.h): PyObject_GetBuffer
// and PyBuffer_Release over the exporter type's tp_as_buffer (object/
// buffer.h's GetBuffer / ReleaseBuffer, which memoryview uses too), and
// PyBuffer_FillInfo, the helper exporters build their bf_getbuffer on
// (object/buffer.h's FillBufferInfo). Every exporter, bytes included, is
// asked the same way: through its type's tp_as_buffer.
#include "ext_abi/capi_internal.h"
#include "object/buffer.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/refcount.h"

namespace {

getbufferproc GetBufferSlot(PyObject* o) {
  PyBufferProcs* procs = o->ob_type->tp_as_buffer;
  return procs == nullptr ? nullptr : procs->bf_getbuffer;
}

}  // namespace

extern "C" {

int PyBuffer_FillInfo(Py_buffer* view, PyObject* obj, void* buf, Py_ssize_t len, int readonly,
                      int flags) {
  return ftrt::FillBufferInfo(view, obj, buf, len, readonly, flags);
}

int PyObject_CheckBuffer(PyObject* o) {
  if (o == nullptr) return 0;
  return GetBufferSlot(o) != nullptr ? 1 : 0;
}

int PyObject_GetBuffer(PyObject* o, Py_buffer* view, int flags) {
  return ftrt::GetBuffer(o, view, flags);
}

void PyBuffer_Release(Py_buffer* view) { ftrt::ReleaseBuffer(view); }

}  // extern "C"
