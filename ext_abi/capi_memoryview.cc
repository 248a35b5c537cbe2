// libftrt.so: the memoryview C API (memoryobject.h) over object/'s
// memoryview.h. PyMemoryView_Type itself is object/'s; the macros
// PyMemoryView_GET_BUFFER / GET_BASE read the object's layout directly.
#include "ext_abi/capi_internal.h"
#include "object/memoryview.h"

extern "C" {

PyObject* PyMemoryView_FromObject(PyObject* base);
PyObject* PyMemoryView_FromMemory(char* mem, Py_ssize_t size, int flags);
PyObject* PyMemoryView_FromBuffer(const Py_buffer* info);
PyObject* PyMemoryView_GetContiguous(PyObject* base, int buffertype, char order);

PyObject* PyMemoryView_FromObject(PyObject* base) {
  return ftrt::MemoryViewFromObject(base).Release();
}

PyObject* PyMemoryView_FromMemory(char* mem, Py_ssize_t size, int flags) {
  return ftrt::MemoryViewFromMemory(mem, size, flags).Release();
}

PyObject* PyMemoryView_FromBuffer(const Py_buffer* info) {
  return ftrt::MemoryViewFromBuffer(info).Release();
}

PyObject* PyMemoryView_GetContiguous(PyObject* base, int buffertype, char order) {
  return ftrt::MemoryViewGetContiguous(base, buffertype, order).Release();
}

}  // extern "C"
