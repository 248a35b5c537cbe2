/* Capsules (CPython's pycapsule.h): an opaque C pointer wrapped in an
 * object, the way one extension hands a table of C functions to another
 * (module "m" stores a capsule named "m._C_API" as its attribute
 * _C_API; the user calls PyCapsule_Import("m._C_API", 0)).
 *
 * The name is not copied: it must outlive the capsule (a string literal,
 * or memory the destructor frees). Names compare with strcmp; NULL matches
 * only NULL. The destructor runs exactly once, when the capsule is freed,
 * and may call the getters on the capsule it is given.
 *
 * Thread safety. Every function may be called from any attached thread on
 * a capsule other threads use. The fields are each read and written
 * atomically (a setter's store is a release, a getter's load an acquire),
 * so a pointer stored by PyCapsule_SetPointer is seen with the memory it
 * points to initialised; but a getter and a concurrent setter are not
 * ordered with each other, and a pointer read before another thread's
 * SetPointer stays the caller's to keep valid. Extensions normally set a
 * capsule up before publishing it and never change it after. */
#ifndef Py_CAPSULE_H
#define Py_CAPSULE_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyCapsule_Type;

typedef void (*PyCapsule_Destructor)(PyObject*);

#define PyCapsule_CheckExact(op) Py_IS_TYPE((op), &PyCapsule_Type)

/* A new capsule; ValueError and NULL if pointer is NULL. */
PyAPI_FUNC(PyObject*) PyCapsule_New(void* pointer, const char* name,
                                    PyCapsule_Destructor destructor);

/* The getters: ValueError and NULL if capsule is not a valid capsule (or,
 * for GetPointer, if name does not match). GetName, GetContext and
 * GetDestructor may return NULL legitimately: check PyErr_Occurred. */
PyAPI_FUNC(void*) PyCapsule_GetPointer(PyObject* capsule, const char* name);
PyAPI_FUNC(PyCapsule_Destructor) PyCapsule_GetDestructor(PyObject* capsule);
PyAPI_FUNC(const char*) PyCapsule_GetName(PyObject* capsule);
PyAPI_FUNC(void*) PyCapsule_GetContext(PyObject* capsule);

/* 1 if capsule is a capsule with a non-NULL pointer and a matching name,
 * else 0; never raises. */
PyAPI_FUNC(int) PyCapsule_IsValid(PyObject* capsule, const char* name);

/* The setters: 0, or -1 with ValueError (not a capsule; SetPointer also
 * for a NULL pointer). */
PyAPI_FUNC(int) PyCapsule_SetPointer(PyObject* capsule, void* pointer);
PyAPI_FUNC(int) PyCapsule_SetDestructor(PyObject* capsule,
                                        PyCapsule_Destructor destructor);
PyAPI_FUNC(int) PyCapsule_SetName(PyObject* capsule, const char* name);
PyAPI_FUNC(int) PyCapsule_SetContext(PyObject* capsule, void* context);

/* name is "module.attr[.attr...]": the module must already be loaded
 * (ftrt has no import system: a module loaded through the extension
 * loader, by the name it was loaded as), else ModuleNotFoundError; the
 * attribute path is followed with getattr (AttributeError); the object
 * found must be a capsule whose name is exactly `name`, else
 * AttributeError. Returns its pointer, or NULL with the exception set.
 * no_block is ignored (as in CPython 3.13). */
PyAPI_FUNC(void*) PyCapsule_Import(const char* name, int no_block);

#ifdef __cplusplus
}
#endif

#endif /* !Py_CAPSULE_H */
