// super: super(type, obj) lookups past `type` in obj's MRO (PySuper_Type);
// see super.cc.
#ifndef FTRT_OBJECT_SUPER_H_
#define FTRT_OBJECT_SUPER_H_

#include "object/cpython_types.h"

extern "C" {
extern PyTypeObject PySuper_Type;
}

#endif  // FTRT_OBJECT_SUPER_H_
