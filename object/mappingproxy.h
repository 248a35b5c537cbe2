// mappingproxy: a read-only view of a mapping (PyDictProxy_New); see
// mappingproxy.cc.
#ifndef FTRT_OBJECT_MAPPINGPROXY_H_
#define FTRT_OBJECT_MAPPINGPROXY_H_

#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyDictProxy_Type;
}

namespace ftrt {

// A proxy of `mapping` (a dict, or any object with mp_subscript other than
// a list or tuple), or null with TypeError "mappingproxy() argument must
// be a mapping, not list".
Ref<> MappingProxyNew(PyObject* mapping);

}  // namespace ftrt

#endif  // FTRT_OBJECT_MAPPINGPROXY_H_
