// libftrt.so: the buffer protocol's C API (pybuffer.h): PyObject_GetBuffer
// and PyBuffer_Release over the exporter type's tp_as_buffer, and
// PyBuffer_FillInfo, the helper exporters build their bf_getbuffer on
// (object/buffer.h's FillBufferInfo). Every exporter, bytes included, is
// asked the same way: through its type's tp_as_buffer.
#include "absl/strings/str_format.h"
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

// PyBUF_READ / PyBUF_WRITE are memoryview flags, not buffer requests.
bool BadRequestFlags(int flags, const char* func) {
  if (flags == PyBUF_READ || flags == PyBUF_WRITE) {
    ftrt::ext::internal::BadCall(func);
    return true;
  }
  return false;
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
  if (o == nullptr) {
    ftrt::ext::internal::BadCall("PyObject_GetBuffer");
    return -1;
  }
  if (BadRequestFlags(flags, "PyObject_GetBuffer")) return -1;
  if (getbufferproc get = GetBufferSlot(o); get != nullptr) return get(o, view, flags);
  ftrt::SetErrorString(PyExc_TypeError,
                       absl::StrFormat("a bytes-like object is required, not '%.100s'",
                                       o->ob_type->tp_name));
  return -1;
}

void PyBuffer_Release(Py_buffer* view) {
  if (view == nullptr) return;
  PyObject* obj = view->obj;
  if (obj == nullptr) return;
  PyBufferProcs* procs = obj->ob_type->tp_as_buffer;
  if (procs != nullptr && procs->bf_releasebuffer != nullptr) procs->bf_releasebuffer(obj, view);
  view->obj = nullptr;
  // Must not hold any lock of the exporter here: this may be its last
  // reference, and its tp_dealloc runs now.
  ftrt::Decref(obj);
}

}  // extern "C"
