// Installing the object protocol into a Runtime.
//
// The object protocol (type objects, attributes, calls, modules,
// exceptions, iteration: typeobject.h, attributes.h, call.h, module.h,
// exceptions.h, iterators.h, dispatch.h) needs, per runtime, a per-thread
// slot for the error indicator (error_indicator.h), and, once per process,
// its static types made ready (object, type, the built-in types, the
// descriptor, function, method, module and iterator types, the exception
// hierarchy). InstallObjectProtocol does both, after object/'s own
// InstallObjects (thread_objects.h), which it calls. Call it right after
// Runtime::Init, before other threads attach, as InstallObjects asks; the
// calling thread, if attached, is registered at once. Idempotent per
// runtime when called by a thread attached to it (as InstallObjects).
// What ext_abi/'s Py_Initialize calls.
//
// Static types are process-wide and outlive any one runtime; the objects
// they own (dicts, descriptors, MRO tuples) are made once, immortal, by a
// builder thread on a process-wide static runtime (protocol_internal.h).
#ifndef FTRT_OBJECT_PROTOCOL_H_
#define FTRT_OBJECT_PROTOCOL_H_

namespace ftrt {

class Runtime;

void InstallObjectProtocol(Runtime& runtime);

// Whether the calling thread is attached to a runtime with the protocol
// installed (so it has an error indicator).
bool ProtocolAvailable();

}  // namespace ftrt

#endif  // FTRT_OBJECT_PROTOCOL_H_
