// Tests for module.h: per-module state (two modules from one definition
// keep separate state; traverse reaches the objects in it), multi-phase
// initialization with Py_mod_exec slots in order, single-phase creation,
// module attributes and the CPython-worded errors.
#include "object/module.h"

#include <atomic>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/list.h"
#include "object/methodobject.h"
#include "object/none_bool.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/thread_objects.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

using testing_util::I;
using testing_util::N;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;

struct State {
  PyObject* held;  // a strong reference the module owns through its state
  long counter;
};

State* StateOf(PyObject* m) { return static_cast<State*>(ModuleGetState(m)); }

std::atomic<int> g_frees{0};
std::atomic<int> g_clears{0};

int StateTraverse(PyObject* m, visitproc visit, void* arg) {
  State* s = StateOf(m);
  if (s != nullptr && s->held != nullptr) return visit(s->held, arg);
  return 0;
}

int StateClear(PyObject* m) {
  g_clears.fetch_add(1);
  State* s = StateOf(m);
  if (s != nullptr) {
    if (PyObject* h = std::exchange(s->held, nullptr)) Decref(h);
  }
  return 0;
}

void StateFree(void* m) {
  g_frees.fetch_add(1);
  StateClear(static_cast<PyObject*>(m));
}

// Exec slots: each appends its number to the module's "order" list.
int AppendOrder(PyObject* m, long n) {
  Ref<> order = GetAttrString(m, "order");
  if (!order) {
    ClearError();
    order = ListNew().value();
    if (ModuleAddObjectRef(m, "order", order.get()) < 0) return -1;
  }
  return OkOrRaise(ListAppend(order.get(), I(n).get()));
}

int Exec1(PyObject* m) {
  State* s = StateOf(m);
  s->held = ListNew()->Release();
  s->counter = 100;
  return AppendOrder(m, 1);
}
int Exec2(PyObject* m) { return AppendOrder(m, 2); }
int Exec3(PyObject* m) { return AppendOrder(m, 3); }

PyObject* Incr(PyObject* m, PyObject*) {
  State* s = StateOf(m);
  return IntFromInt64(++s->counter)->Release();
}

PyMethodDef g_functions[] = {
    {"incr", Incr, METH_NOARGS, "increments this module's counter"},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef_Slot g_slots[] = {
    {Py_mod_exec, reinterpret_cast<void*>(Exec1)},
    {Py_mod_exec, reinterpret_cast<void*>(Exec2)},
    {Py_mod_exec, reinterpret_cast<void*>(Exec3)},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, nullptr},
};

PyModuleDef g_def = {
    PyModuleDef_HEAD_INIT, "statemod", "a module with state", sizeof(State), g_functions,
    g_slots, StateTraverse, StateClear, StateFree,
};

Ref<> MakeModule(PyModuleDef* def, const char* name) {
  Ref<> spec = S(name);
  Ref<> m = ModuleFromDefAndSpec(def, spec.get());
  if (!m) return nullptr;
  if (ModuleExecDef(m.get(), def) < 0) return nullptr;
  return m;
}

std::string Repr(PyObject* o) { return ReprUtf8(o); }

class ModuleTest : public ProtocolTest {};

TEST_F(ModuleTest, TwoModulesFromOneDefinitionKeepSeparateState) {
  Ref<> a = MakeModule(&g_def, "statemod");
  Ref<> b = MakeModule(&g_def, "statemod");
  ASSERT_TRUE(a && b) << TakeError();
  ASSERT_NE(StateOf(a.get()), nullptr);
  ASSERT_NE(StateOf(b.get()), nullptr);
  EXPECT_NE(StateOf(a.get()), StateOf(b.get()));
  EXPECT_NE(StateOf(a.get())->held, StateOf(b.get())->held);
  EXPECT_EQ(ModuleGetDef(a.get()), &g_def);
  EXPECT_EQ(ModuleGil(a.get()), Py_MOD_GIL_NOT_USED);
  // The exec slots ran in order, once each, per module.
  EXPECT_EQ(Repr(GetAttrString(a.get(), "order").get()), "[1, 2, 3]");
  EXPECT_EQ(Repr(GetAttrString(b.get(), "order").get()), "[1, 2, 3]");
  // Functions see their own module's state.
  Ref<> incr_a = GetAttrString(a.get(), "incr");
  Ref<> incr_b = GetAttrString(b.get(), "incr");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(CallNoArgs(incr_a.get()));
  ASSERT_TRUE(CallNoArgs(incr_b.get()));
  EXPECT_EQ(StateOf(a.get())->counter, 105);
  EXPECT_EQ(StateOf(b.get())->counter, 101);
  EXPECT_EQ(Repr(incr_a.get()), "<built-in function incr>");
  EXPECT_EQ(Repr(GetAttrString(a.get(), "__doc__").get()), "'a module with state'");

  // Traverse reaches the object held in state (and the dict), and only
  // this module's.
  std::set<PyObject*> seen;
  PyModule_Type.tp_traverse(
      a.get(),
      [](PyObject* o, void* arg) -> int {
        static_cast<std::set<PyObject*>*>(arg)->insert(o);
        return 0;
      },
      &seen);
  EXPECT_EQ(seen.count(StateOf(a.get())->held), 1u);
  EXPECT_EQ(seen.count(ModuleGetDict(a.get())), 1u);
  EXPECT_EQ(seen.count(StateOf(b.get())->held), 0u);

  // Clear calls m_clear (the state's references go) and empties the dict.
  const int clears = g_clears.load();
  ASSERT_EQ(PyModule_Type.tp_clear(a.get()), 0);
  EXPECT_EQ(g_clears.load(), clears + 1);
  EXPECT_EQ(StateOf(a.get())->held, nullptr);
  EXPECT_EQ(DictSize(ModuleGetDict(a.get())), 0);
  EXPECT_NE(StateOf(b.get())->held, nullptr);
}

TEST_F(ModuleTest, DeallocationFreesState) {
  static PyModuleDef_Slot slots[] = {{Py_mod_exec, reinterpret_cast<void*>(Exec1)}, {0, nullptr}};
  static PyModuleDef def = {PyModuleDef_HEAD_INIT, "freed", nullptr, sizeof(State), nullptr,
                            slots, StateTraverse, StateClear, StateFree};
  const int frees = g_frees.load();
  const int64_t before = LiveObjects();
  {
    Ref<> m = MakeModule(&def, "freed");
    ASSERT_TRUE(m) << TakeError();
  }
  // Modules use deferred reference counting: the collection frees them.
  CollectDeferred(runtime());
  EXPECT_EQ(g_frees.load(), frees + 1);
  EXPECT_EQ(LiveObjects(), before);  // the state's list went with it
}

TEST_F(ModuleTest, SinglePhaseCreate) {
  static PyModuleDef def = {PyModuleDef_HEAD_INIT, "single", nullptr, sizeof(State), g_functions,
                            nullptr, StateTraverse, StateClear, StateFree};
  Ref<> m = ModuleCreate(&def);
  ASSERT_TRUE(m) << TakeError();
  ASSERT_NE(StateOf(m.get()), nullptr);
  EXPECT_EQ(StateOf(m.get())->counter, 0);  // zeroed
  Ref<> r = CallMethod(m.get(), "incr", {});
  ASSERT_TRUE(r) << TakeError();
  EXPECT_EQ(IntValue(r.get()), 1);
  EXPECT_EQ(std::string(ModuleGetName(m.get())), "single");
  EXPECT_EQ(Repr(m.get()), "<module 'single'>");
  EXPECT_FALSE(ModuleCreate(&g_def));
  EXPECT_EQ(TakeError(), "SystemError: module statemod: PyModule_Create is incompatible with m_slots");
}

int ExecFailsSilently(PyObject*) { return -1; }
int ExecRaisesButReturnsZero(PyObject*) {
  SetErrorString(PyExc_ValueError, "oops");
  return 0;
}
int ExecRaises(PyObject*) {
  SetErrorString(PyExc_KeyError, "bad");
  return -1;
}

TEST_F(ModuleTest, ExecAndCreateErrors) {
  static PyModuleDef_Slot silent[] = {{Py_mod_exec, reinterpret_cast<void*>(ExecFailsSilently)},
                                      {0, nullptr}};
  static PyModuleDef silent_def = {PyModuleDef_HEAD_INIT, "m", nullptr, 0, nullptr, silent,
                                   nullptr, nullptr, nullptr};
  EXPECT_FALSE(MakeModule(&silent_def, "m"));
  EXPECT_EQ(TakeError(), "SystemError: execution of module m failed without setting an exception");

  static PyModuleDef_Slot unreported[] = {
      {Py_mod_exec, reinterpret_cast<void*>(ExecRaisesButReturnsZero)}, {0, nullptr}};
  static PyModuleDef unreported_def = {PyModuleDef_HEAD_INIT, "m", nullptr, 0, nullptr,
                                       unreported, nullptr, nullptr, nullptr};
  EXPECT_FALSE(MakeModule(&unreported_def, "m"));
  Ref<> exc = GetRaisedException();
  ASSERT_TRUE(exc);
  EXPECT_EQ(StrUtf8(exc.get()), "execution of module m raised unreported exception");
  Ref<> cause = ExceptionGetCause(exc.get());
  ASSERT_TRUE(cause);
  EXPECT_EQ(Repr(cause.get()), "ValueError('oops')");

  static PyModuleDef_Slot raises[] = {{Py_mod_exec, reinterpret_cast<void*>(ExecRaises)},
                                      {0, nullptr}};
  static PyModuleDef raises_def = {PyModuleDef_HEAD_INIT, "m", nullptr, 0, nullptr, raises,
                                   nullptr, nullptr, nullptr};
  EXPECT_FALSE(MakeModule(&raises_def, "m"));
  EXPECT_EQ(TakeError(), "KeyError: 'bad'");

  static PyModuleDef_Slot unknown[] = {{99, nullptr}, {0, nullptr}};
  static PyModuleDef unknown_def = {PyModuleDef_HEAD_INIT, "m", nullptr, 0, nullptr, unknown,
                                    nullptr, nullptr, nullptr};
  EXPECT_FALSE(MakeModule(&unknown_def, "weird"));
  EXPECT_EQ(TakeError(), "SystemError: module weird uses unknown slot ID 99");

  // Py_mod_create: the slot makes the module; state still comes from def.
  static auto create = +[](PyObject* spec, PyModuleDef*) -> PyObject* {
    Ref<> m = ModuleNewObject(spec);
    if (m) (void)ModuleAddIntConstant(m.get(), "made_by_create", 1);
    return m.Release();
  };
  static PyModuleDef_Slot with_create[] = {{Py_mod_create, reinterpret_cast<void*>(create)},
                                           {Py_mod_exec, reinterpret_cast<void*>(Exec1)},
                                           {0, nullptr}};
  static PyModuleDef create_def = {PyModuleDef_HEAD_INIT, "c", nullptr, sizeof(State), nullptr,
                                   with_create, StateTraverse, StateClear, StateFree};
  Ref<> m = MakeModule(&create_def, "created");
  ASSERT_TRUE(m) << TakeError();
  EXPECT_EQ(Repr(GetAttrString(m.get(), "made_by_create").get()), "1");
  EXPECT_EQ(StateOf(m.get())->counter, 100);
  EXPECT_EQ(ModuleGil(m.get()), Py_MOD_GIL_USED);  // no Py_mod_gil slot
}

PyObject* ModuleDunderGetattr(PyObject*, PyObject* name) {
  if (StrEqualsUtf8(name, "lazy")) return StrFromUtf8("computed")->Release();
  SetErrorString(PyExc_AttributeError, "no such lazy thing");
  return nullptr;
}

TEST_F(ModuleTest, AttributesConstantsAndTypes) {
  Ref<> m = ModuleNew("mm");
  ASSERT_TRUE(m);
  EXPECT_EQ(Repr(GetAttrString(m.get(), "__name__").get()), "'mm'");
  EXPECT_EQ(GetAttrString(m.get(), "__doc__").get(), None());
  EXPECT_FALSE(GetAttrString(m.get(), "nope"));
  EXPECT_EQ(TakeError(), "AttributeError: module 'mm' has no attribute 'nope'");
  ASSERT_EQ(ModuleAddIntConstant(m.get(), "ANSWER", 42), 0);
  ASSERT_EQ(ModuleAddStringConstant(m.get(), "NAME", "ftrt"), 0);
  EXPECT_EQ(Repr(GetAttrString(m.get(), "ANSWER").get()), "42");
  EXPECT_EQ(Repr(GetAttrString(m.get(), "NAME").get()), "'ftrt'");
  static PyType_Slot slots[] = {{0, nullptr}};
  static PyType_Spec spec = {"mm.Thing", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, slots};
  Ref<> t = TypeFromSpec(&spec, nullptr, m.get());
  ASSERT_TRUE(t);
  ASSERT_EQ(ModuleAddType(m.get(), reinterpret_cast<PyTypeObject*>(t.get())), 0);
  EXPECT_EQ(GetAttrString(m.get(), "Thing").get(), t.get());
  EXPECT_EQ(TypeGetModule(reinterpret_cast<PyTypeObject*>(t.get())), m.get());
  ASSERT_EQ(SetAttrString(m.get(), "x", I(1).get()), 0);
  EXPECT_EQ(Repr(GetAttrString(m.get(), "x").get()), "1");
  // A module-level __getattr__ is consulted for misses.
  static PyMethodDef getattr_def = {"__getattr__", ModuleDunderGetattr, METH_O, nullptr};
  static PyMethodDef defs[] = {getattr_def, {nullptr, nullptr, 0, nullptr}};
  ASSERT_EQ(ModuleAddFunctions(m.get(), defs), 0);
  EXPECT_EQ(Repr(GetAttrString(m.get(), "lazy").get()), "'computed'");
  EXPECT_FALSE(GetAttrString(m.get(), "other"));
  EXPECT_EQ(TakeError(), "AttributeError: no such lazy thing");
  EXPECT_EQ(ModuleGetState(I(1).get()), nullptr);
  EXPECT_EQ(TakeError(), "TypeError: bad argument type for built-in operation");
}

}  // namespace
}  // namespace ftrt
