// object/cpython_types.h seen from C++.
//
// object/ gives these structs their behaviour in C++, and some extensions
// are themselves written in C++, so the header must compile as C++20 and
// mean there exactly what it means in C: the same layout (checked at
// compile time and again here, so a failure names the field), the same
// types for the constants, and static definitions that land in the same
// fields. The C side is object/cpython_types_test.c.
//
// Built with -Wno-missing-field-initializers, like the C test: positional
// type initializers that stop at tp_new are the normal case.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "gtest/gtest.h"
#include "object/cpython_structmember.h"
#include "object/cpython_types.h"

namespace {

// ---- Compile-time facts ----------------------------------------------------

static_assert(std::is_same_v<Py_ssize_t, intptr_t>);
static_assert(std::is_same_v<Py_ssize_t, ssize_t>);
static_assert(std::is_same_v<Py_hash_t, Py_ssize_t>);
static_assert(std::is_same_v<Py_uhash_t, size_t>);
static_assert(std::is_same_v<decltype(PyVarObject::ob_size), Py_ssize_t>);
static_assert(std::is_same_v<decltype(PyTypeObject::tp_flags), unsigned long>);
static_assert(std::is_same_v<decltype(PyTypeObject::tp_version_tag),
                             unsigned int>);
static_assert(std::is_same_v<decltype(PyTypeObject::tp_watched),
                             unsigned char>);
static_assert(std::is_same_v<decltype(PyTypeObject::tp_versions_used),
                             uint16_t>);
static_assert(std::is_same_v<decltype(PyTypeObject::ob_base), PyVarObject>);
static_assert(std::is_same_v<decltype(PyType_Spec::flags), unsigned int>);
static_assert(std::is_same_v<decltype(PyType_Spec::basicsize), int>);
static_assert(std::is_same_v<decltype(PyMemberDef::offset), Py_ssize_t>);

// The constants keep CPython's C types: the low type flags are int, the
// rest unsigned long; member types and slot ids are int; the Py_mod_gil
// values are pointers.
static_assert(std::is_same_v<decltype(Py_TPFLAGS_SEQUENCE), int>);
static_assert(std::is_same_v<decltype(Py_TPFLAGS_DEFAULT), int>);
static_assert(std::is_same_v<decltype(Py_TPFLAGS_HAVE_GC), unsigned long>);
static_assert(std::is_same_v<decltype(Py_TPFLAGS_TYPE_SUBCLASS),
                             unsigned long>);
static_assert(std::is_same_v<decltype(Py_T_OBJECT_EX), int>);
static_assert(std::is_same_v<decltype(Py_tp_new), int>);
static_assert(std::is_same_v<decltype(Py_MOD_GIL_NOT_USED), void*>);

static_assert(std::is_standard_layout_v<PyObject>);
static_assert(std::is_trivially_copyable_v<PyTypeObject>);
static_assert(std::is_aggregate_v<PyTypeObject>);
static_assert(std::is_aggregate_v<PyModuleDef>);

// ---- An extension's definitions, written in C++ ---------------------------

struct FooObject {
  PyObject_HEAD
  int count;
  PyObject* name;
  double ratio;
};

struct ResultObject {
  PyObject_HEAD
};
ResultObject g_result_holder = {PyObject_HEAD_INIT(nullptr)};
PyObject* const kResult = &g_result_holder.ob_base;

// The slots the test calls (dealloc, hash, init) take PyObject*, as the
// slot types say: in C++, a call through a pointer to another function
// type is undefined (clang's -fsanitize=function reports it), even though
// the casts in the table below are what extension code writes.
FooObject* AsFoo(PyObject* op) { return reinterpret_cast<FooObject*>(op); }
void Foo_dealloc(PyObject* self) { AsFoo(self)->count = -1; }
PyObject* Foo_repr(FooObject*) { return kResult; }
Py_hash_t Foo_hash(PyObject* self) { return AsFoo(self)->count; }
int Foo_init(PyObject* self, PyObject*, PyObject*) {
  AsFoo(self)->count = 11;
  return 0;
}
PyObject* Foo_new(PyTypeObject*, PyObject*, PyObject*) { return kResult; }
PyObject* Foo_noargs(FooObject*, PyObject* Py_UNUSED(ignored)) {
  return kResult;
}
PyObject* Foo_fast(PyObject*, PyObject* const*, Py_ssize_t nargs) {
  return nargs == 0 ? kResult : nullptr;
}
PyObject* Foo_get(FooObject* self, void*) { return self->name; }
void Foo_finalize(PyObject*) {}
int foo_exec(PyObject*) { return 0; }

PyDoc_STRVAR(Foo_doc, "A C++ Foo.");

PyMethodDef Foo_methods[] = {
    {"noargs", (PyCFunction)Foo_noargs, METH_NOARGS, nullptr},
    {"fast", _PyCFunction_CAST(Foo_fast), METH_FASTCALL, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyMemberDef Foo_members[] = {
    {"count", T_INT, offsetof(FooObject, count), READONLY, nullptr},
    {"name", Py_T_OBJECT_EX, offsetof(FooObject, name), 0, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyGetSetDef Foo_getset[] = {
    {"name2", (getter)Foo_get, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyTypeObject FooType = {
    PyVarObject_HEAD_INIT(nullptr, 0)
    "m.CxxFoo",               // tp_name
    sizeof(FooObject),        // tp_basicsize
    0,                        // tp_itemsize
    (destructor)Foo_dealloc,  // tp_dealloc
    0,                        // tp_vectorcall_offset
    nullptr,                  // tp_getattr
    nullptr,                  // tp_setattr
    nullptr,                  // tp_as_async
    (reprfunc)Foo_repr,       // tp_repr
    nullptr,                  // tp_as_number
    nullptr,                  // tp_as_sequence
    nullptr,                  // tp_as_mapping
    (hashfunc)Foo_hash,       // tp_hash
    nullptr,                  // tp_call
    nullptr,                  // tp_str
    nullptr,                  // tp_getattro
    nullptr,                  // tp_setattro
    nullptr,                  // tp_as_buffer
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    Foo_doc,                  // tp_doc
    nullptr,                  // tp_traverse
    nullptr,                  // tp_clear
    nullptr,                  // tp_richcompare
    0,                        // tp_weaklistoffset
    nullptr,                  // tp_iter
    nullptr,                  // tp_iternext
    Foo_methods,              // tp_methods
    Foo_members,              // tp_members
    Foo_getset,               // tp_getset
    nullptr,                  // tp_base
    nullptr,                  // tp_dict
    nullptr,                  // tp_descr_get
    nullptr,                  // tp_descr_set
    0,                        // tp_dictoffset
    (initproc)Foo_init,       // tp_init
    nullptr,                  // tp_alloc
    Foo_new,                  // tp_new
};

// C++20 designated initializers must follow declaration order; CPython's
// order is the declaration order here, so this compiles.
PyTypeObject BarType = {
    .ob_base = PyVarObject_HEAD_INIT(&FooType, 0)
    .tp_name = "m.CxxBar",
    .tp_basicsize = sizeof(FooObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_methods = Foo_methods,
    .tp_base = &FooType,
    .tp_new = Foo_new,
    .tp_finalize = Foo_finalize,
};

PyModuleDef_Slot foo_slots[] = {
    {Py_mod_exec, (void*)foo_exec},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, nullptr},
};

PyModuleDef foo_module = {
    PyModuleDef_HEAD_INIT,
    "cxxfoo",      // m_name
    nullptr,       // m_doc
    0,             // m_size
    Foo_methods,   // m_methods
    foo_slots,     // m_slots
    nullptr,       // m_traverse
    nullptr,       // m_clear
    nullptr,       // m_free
};

PyType_Slot Baz_slots[] = {
    {Py_tp_new, (void*)Foo_new},
    {Py_tp_methods, Foo_methods},
    {0, nullptr},
};
PyType_Spec Baz_spec = {"m.CxxBaz", sizeof(FooObject), 0,
                        Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, Baz_slots};

void ExpectImmortalStatic(const PyObject& ob, const PyTypeObject* type) {
  EXPECT_EQ(ob.ob_tid, 0u);
  EXPECT_EQ(ob.ob_flags, FTRT_OBJ_FLAG_STATIC);
  EXPECT_EQ(ob.ob_mutex._bits, 0u);
  EXPECT_EQ(ob.ob_gc_bits, 0u);
  EXPECT_EQ(ob.ob_ref_local, UINT32_MAX);
  EXPECT_EQ(ob.ob_ref_shared, 0);
  EXPECT_EQ(ob.ob_type, type);
}

// ---- Tests -------------------------------------------------------------------

TEST(CpythonTypesCxx, PositionalTypeLandsInCPythonsFields) {
  EXPECT_STREQ(FooType.tp_name, "m.CxxFoo");
  EXPECT_EQ(FooType.tp_basicsize, static_cast<Py_ssize_t>(sizeof(FooObject)));
  EXPECT_EQ(FooType.tp_dealloc, (destructor)Foo_dealloc);
  EXPECT_EQ(FooType.tp_repr, (reprfunc)Foo_repr);
  EXPECT_EQ(FooType.tp_hash, (hashfunc)Foo_hash);
  EXPECT_EQ(FooType.tp_flags, Py_TPFLAGS_BASETYPE);
  EXPECT_EQ(FooType.tp_doc, Foo_doc);
  EXPECT_EQ(FooType.tp_methods, Foo_methods);
  EXPECT_EQ(FooType.tp_members, Foo_members);
  EXPECT_EQ(FooType.tp_getset, Foo_getset);
  EXPECT_EQ(FooType.tp_init, (initproc)Foo_init);
  EXPECT_EQ(FooType.tp_new, &Foo_new);
  EXPECT_EQ(FooType.tp_free, nullptr);
  EXPECT_EQ(FooType.tp_finalize, nullptr);
  EXPECT_EQ(FooType.tp_versions_used, 0u);

  FooObject obj{};
  EXPECT_EQ(FooType.tp_init(&obj.ob_base, nullptr, nullptr), 0);
  EXPECT_EQ(obj.count, 11);
  EXPECT_EQ(FooType.tp_hash(&obj.ob_base), 11);
  FooType.tp_dealloc(&obj.ob_base);
  EXPECT_EQ(obj.count, -1);
}

TEST(CpythonTypesCxx, DesignatedTypeLandsInCPythonsFields) {
  EXPECT_STREQ(BarType.tp_name, "m.CxxBar");
  EXPECT_EQ(BarType.tp_flags, Py_TPFLAGS_HAVE_GC);
  EXPECT_EQ(BarType.tp_methods, Foo_methods);
  EXPECT_EQ(BarType.tp_base, &FooType);
  EXPECT_EQ(BarType.tp_new, &Foo_new);
  EXPECT_EQ(BarType.tp_finalize, &Foo_finalize);
  EXPECT_EQ(BarType.tp_init, nullptr);
  EXPECT_EQ(BarType.tp_dealloc, nullptr);
}

TEST(CpythonTypesCxx, StaticObjectsAreImmortal) {
  ExpectImmortalStatic(FooType.ob_base.ob_base, nullptr);
  EXPECT_EQ(FooType.ob_base.ob_size, 0);
  ExpectImmortalStatic(BarType.ob_base.ob_base, &FooType);
  ExpectImmortalStatic(*kResult, nullptr);
  ExpectImmortalStatic(foo_module.m_base.ob_base, nullptr);
  EXPECT_EQ(foo_module.m_base.m_init, nullptr);
  EXPECT_EQ(foo_module.m_base.m_index, 0);
  EXPECT_EQ(foo_module.m_base.m_copy, nullptr);
}

TEST(CpythonTypesCxx, TablesModuleAndSpec) {
  EXPECT_EQ(Foo_methods[0].ml_flags, METH_NOARGS);
  EXPECT_EQ(Foo_methods[1].ml_flags, METH_FASTCALL);
  auto fast = (PyCFunctionFast)(void (*)(void))Foo_methods[1].ml_meth;
  EXPECT_EQ(fast(nullptr, nullptr, 0), kResult);

  EXPECT_EQ(Foo_members[0].type, Py_T_INT);
  EXPECT_EQ(Foo_members[0].flags, Py_READONLY);
  EXPECT_EQ(Foo_members[0].offset,
            static_cast<Py_ssize_t>(offsetof(FooObject, count)));
  EXPECT_EQ(Foo_members[1].type, T_OBJECT_EX);
  EXPECT_EQ(Foo_members[1].offset,
            static_cast<Py_ssize_t>(offsetof(FooObject, name)));

  EXPECT_STREQ(foo_module.m_name, "cxxfoo");
  EXPECT_EQ(foo_module.m_slots, foo_slots);
  EXPECT_EQ(foo_slots[1].slot, Py_mod_gil);
  EXPECT_EQ(foo_slots[1].value, Py_MOD_GIL_NOT_USED);
  EXPECT_EQ(Py_mod_gil, 4);
  EXPECT_EQ(Py_MOD_GIL_NOT_USED, reinterpret_cast<void*>(1));
  EXPECT_EQ(Py_MOD_GIL_USED, nullptr);

  EXPECT_STREQ(Baz_spec.name, "m.CxxBaz");
  EXPECT_EQ(Baz_spec.slots[0].slot, 65);
  EXPECT_EQ(Baz_spec.slots[1].slot, 64);
  EXPECT_EQ(Baz_spec.slots[1].pfunc, Foo_methods);
}

TEST(CpythonTypesCxx, LayoutMatchesCPython313t) {
  EXPECT_EQ(sizeof(PyObject), 32u);
  EXPECT_EQ(sizeof(PyVarObject), 40u);
  EXPECT_EQ(sizeof(PyTypeObject), 432u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_name), 40u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_basicsize), 48u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_dealloc), 64u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_as_async), 96u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_repr), 104u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_hash), 136u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_flags), 184u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_doc), 192u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_traverse), 200u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_weaklistoffset), 224u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_methods), 248u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_base), 272u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_dictoffset), 304u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_init), 312u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_alloc), 320u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_new), 328u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_free), 336u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_mro), 360u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_del), 392u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_version_tag), 400u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_finalize), 408u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_vectorcall), 416u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_watched), 424u);
  EXPECT_EQ(offsetof(PyTypeObject, tp_versions_used), 426u);
  EXPECT_EQ(sizeof(PyNumberMethods), 288u);
  EXPECT_EQ(sizeof(PySequenceMethods), 80u);
  EXPECT_EQ(sizeof(PyMappingMethods), 24u);
  EXPECT_EQ(sizeof(PyAsyncMethods), 32u);
  EXPECT_EQ(sizeof(PyBufferProcs), 16u);
  EXPECT_EQ(sizeof(Py_buffer), 80u);
  EXPECT_EQ(sizeof(PyMethodDef), 32u);
  EXPECT_EQ(sizeof(PyMemberDef), 40u);
  EXPECT_EQ(sizeof(PyGetSetDef), 40u);
  EXPECT_EQ(sizeof(PyType_Slot), 16u);
  EXPECT_EQ(sizeof(PyType_Spec), 32u);
  EXPECT_EQ(sizeof(PyModuleDef_Base), 56u);
  EXPECT_EQ(sizeof(PyModuleDef), 120u);
  EXPECT_EQ(offsetof(PyModuleDef, m_size), 72u);
  EXPECT_EQ(offsetof(PyModuleDef, m_slots), 88u);
  EXPECT_EQ(sizeof(PyModuleDef_Slot), 16u);
}

}  // namespace
