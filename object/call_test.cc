// Tests for call.h: every calling convention (module functions, method
// descriptors, bound builtin methods, METH_CLASS, METH_STATIC,
// METH_METHOD), with right and wrong argument counts and keyword names.
// The TypeError texts are CPython 3.13's for the same calls (checked
// against _testcapi's meth_* functions and str.replace's signature).
#include "object/call.h"

#include <atomic>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/methodobject.h"
#include "object/module.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

using testing_util::I;
using testing_util::N;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;

PyObject* AsObj(PyTypeObject* t) { return reinterpret_cast<PyObject*>(t); }
PyTypeObject* AsType(PyObject* o) { return reinterpret_cast<PyTypeObject*>(o); }

PyObject* OrNone(PyObject* o) { return Ref<>::NewRef(o != nullptr ? o : None()).Release(); }

// Each returns (self, <what it received>) so the tests see both.
PyObject* Pair(PyObject* self, PyObject* what) {
  return TupleFromItems({self != nullptr ? self : None(), what != nullptr ? what : None()})
      ->Release();
}

PyObject* NoArgs(PyObject* self, PyObject*) { return Pair(self, nullptr); }
PyObject* One(PyObject* self, PyObject* arg) { return Pair(self, arg); }
PyObject* Varargs(PyObject* self, PyObject* args) { return Pair(self, args); }
PyObject* VarargsKw(PyObject* self, PyObject* args, PyObject* kwargs) {
  Ref<> inner = TupleFromItems({args, kwargs != nullptr ? kwargs : None()}).value();
  return Pair(self, inner.get());
}
PyObject* Fast(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  Ref<> t = internal::StackToTuple(args, nargs);
  return t ? Pair(self, t.get()) : nullptr;
}
// str.replace's signature in 3.13: replace(old, new, /, count=-1).
PyObject* FastKw(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  static const ArgParser kParser = {"replace", {"old", "new", "count"}, 2, 2, 3};
  PyObject* out[3];
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(out))) return nullptr;
  Ref<> t = TupleFromItems({out[0], out[1], out[2] != nullptr ? out[2] : I(-1).get()}).value();
  return Pair(self, t.get());
}
PyObject* Method(PyObject* self, PyTypeObject* cls, PyObject* const* args, size_t nargsf,
                 PyObject* kwnames) {
  (void)self;
  if (!CheckNoKwnames("meth", kwnames)) return nullptr;
  if (!CheckPositional("meth", VectorcallNargs(nargsf), 0, 1)) return nullptr;
  (void)args;
  return OrNone(AsObj(cls));
}

#define FN(f) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f))
PyMethodDef g_functions[] = {
    {"noargs", NoArgs, METH_NOARGS, nullptr},
    {"o", One, METH_O, nullptr},
    {"varargs", Varargs, METH_VARARGS, nullptr},
    {"varargs_kw", FN(VarargsKw), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"fast", FN(Fast), METH_FASTCALL, nullptr},
    {"fast_kw", FN(FastKw), METH_FASTCALL | METH_KEYWORDS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
PyMethodDef g_methods[] = {
    {"noargs", NoArgs, METH_NOARGS, nullptr},
    {"o", One, METH_O, nullptr},
    {"varargs", Varargs, METH_VARARGS, nullptr},
    {"varargs_kw", FN(VarargsKw), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"fast", FN(Fast), METH_FASTCALL, nullptr},
    {"fast_kw", FN(FastKw), METH_FASTCALL | METH_KEYWORDS, nullptr},
    {"cls", One, METH_O | METH_CLASS, nullptr},
    {"st", One, METH_O | METH_STATIC, nullptr},
    {"meth", FN(Method), METH_METHOD | METH_FASTCALL | METH_KEYWORDS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
#undef FN

PyModuleDef g_module_def = {
    PyModuleDef_HEAD_INIT, "tm", nullptr, 0, g_functions, nullptr, nullptr, nullptr, nullptr,
};

PyType_Slot g_t_slots[] = {{Py_tp_methods, g_methods},
                           {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                           {0, nullptr}};
PyType_Spec g_t_spec = {"tm.T", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
                        g_t_slots};

// A call with positional args and keyword (name, value) pairs; returns
// repr(result) or "Type: message".
std::string CallRepr(PyObject* callable, std::vector<PyObject*> args,
                     std::vector<std::pair<const char*, PyObject*>> kwargs = {}) {
  Ref<> kwnames;
  std::vector<PyObject*> stack = args;
  if (!kwargs.empty()) {
    std::vector<PyObject*> names;
    for (auto& [k, v] : kwargs) {
      names.push_back(N(k));
      stack.push_back(v);
    }
    kwnames = TupleFromItems(names).value();
  }
  Ref<> r = Vectorcall(callable, stack.data(), args.size(), kwnames.get());
  if (!r) return TakeError();
  return ReprUtf8(r.get());
}

class CallTest : public ProtocolTest {
 protected:
  void SetUp() override {
    ProtocolTest::SetUp();
    module_ = ModuleCreate(&g_module_def);
    ASSERT_TRUE(module_) << TakeError();
    type_ = TypeFromSpec(&g_t_spec);
    ASSERT_TRUE(type_) << TakeError();
    inst_ = CallNoArgs(type_.get());
    ASSERT_TRUE(inst_) << TakeError();
  }
  void TearDown() override {
    inst_.Reset();
    type_.Reset();
    module_.Reset();
    ProtocolTest::TearDown();
  }
  Ref<> F(const char* name) { return GetAttrString(module_.get(), name); }
  Ref<> M(const char* name) { return GetAttrString(inst_.get(), name); }  // bound
  Ref<> D(const char* name) {  // the descriptor itself, from the type's dict
    Ref<> d = DictGetItemRef(AsType(type_.get())->tp_dict, N(name)).value();
    return d;
  }
  std::string Inst() { return ReprUtf8(inst_.get()); }
  std::string Mod() { return ReprUtf8(module_.get()); }

  Ref<> module_, type_, inst_;
};

TEST_F(CallTest, ModuleFunctionsEveryConvention) {
  PyObject* one = I(1).get();
  PyObject* two = I(2).get();
  const std::string m = Mod();
  EXPECT_EQ(CallRepr(F("noargs").get(), {}), "(" + m + ", None)");
  EXPECT_EQ(CallRepr(F("noargs").get(), {one}), "TypeError: tm.noargs() takes no arguments (1 given)");
  EXPECT_EQ(CallRepr(F("noargs").get(), {}, {{"k", one}}),
            "TypeError: tm.noargs() takes no keyword arguments");
  EXPECT_EQ(CallRepr(F("o").get(), {one}), "(" + m + ", 1)");
  EXPECT_EQ(CallRepr(F("o").get(), {}), "TypeError: tm.o() takes exactly one argument (0 given)");
  EXPECT_EQ(CallRepr(F("o").get(), {one, two}),
            "TypeError: tm.o() takes exactly one argument (2 given)");
  EXPECT_EQ(CallRepr(F("o").get(), {}, {{"k", one}}), "TypeError: tm.o() takes no keyword arguments");
  EXPECT_EQ(CallRepr(F("varargs").get(), {one, two}), "(" + m + ", (1, 2))");
  EXPECT_EQ(CallRepr(F("varargs").get(), {}), "(" + m + ", ())");
  EXPECT_EQ(CallRepr(F("varargs").get(), {one}, {{"k", two}}),
            "TypeError: varargs() takes no keyword arguments");
  EXPECT_EQ(CallRepr(F("varargs_kw").get(), {one}), "(" + m + ", ((1,), None))");
  EXPECT_EQ(CallRepr(F("varargs_kw").get(), {one}, {{"k", two}}),
            "(" + m + ", ((1,), {'k': 2}))");
  EXPECT_EQ(CallRepr(F("fast").get(), {one, two}), "(" + m + ", (1, 2))");
  EXPECT_EQ(CallRepr(F("fast").get(), {}, {{"k", one}}),
            "TypeError: tm.fast() takes no keyword arguments");
  // METH_FASTCALL | METH_KEYWORDS with replace(old, new, /, count=-1).
  Ref<> a_ref = S("a");
  Ref<> b_ref = S("b");
  PyObject* a = a_ref.get();
  PyObject* b = b_ref.get();
  EXPECT_EQ(CallRepr(F("fast_kw").get(), {a, b}), "(" + m + ", ('a', 'b', -1))");
  EXPECT_EQ(CallRepr(F("fast_kw").get(), {a, b}, {{"count", one}}), "(" + m + ", ('a', 'b', 1))");
  EXPECT_EQ(CallRepr(F("fast_kw").get(), {}),
            "TypeError: replace() takes at least 2 positional arguments (0 given)");
  EXPECT_EQ(CallRepr(F("fast_kw").get(), {a}),
            "TypeError: replace() takes at least 2 positional arguments (1 given)");
  EXPECT_EQ(CallRepr(F("fast_kw").get(), {a, b, one, two}),
            "TypeError: replace() takes at most 3 arguments (4 given)");
  EXPECT_EQ(CallRepr(F("fast_kw").get(), {a, b}, {{"count", one}, {"foo", one}}),
            "TypeError: replace() takes at most 3 arguments (4 given)");
  EXPECT_EQ(CallRepr(F("fast_kw").get(), {a, b}, {{"foo", one}}),
            "TypeError: replace() got an unexpected keyword argument 'foo'");
  EXPECT_EQ(CallRepr(F("fast_kw").get(), {}, {{"old", a}, {"new", b}}),
            "TypeError: replace() takes at least 2 positional arguments (0 given)");
  EXPECT_EQ(CallRepr(F("fast_kw").get(), {a, b, one}, {{"count", one}}),
            "TypeError: replace() takes at most 3 arguments (4 given)");
  // The same through PyObject_Call with a tuple and a dict.
  Ref<> args = TupleFromItems({a, b}).value();
  Ref<> kw = DictNew().value();
  ASSERT_TRUE(DictSetItemString(kw.get(), "count", two).ok());
  Ref<> r = Call(F("fast_kw").get(), args.get(), kw.get());
  ASSERT_TRUE(r) << TakeError();
  EXPECT_EQ(ReprUtf8(r.get()), "(" + m + ", ('a', 'b', 2))");
  r = Call(F("varargs_kw").get(), args.get(), kw.get());
  EXPECT_EQ(ReprUtf8(r.get()), "(" + m + ", (('a', 'b'), {'count': 2}))");
  EXPECT_FALSE(Call(F("fast").get(), I(1).get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: argument list must be a tuple");
}

TEST_F(CallTest, MethodDescriptorsAndBoundMethods) {
  PyObject* one = I(1).get();
  PyObject* two = I(2).get();
  PyObject* inst = inst_.get();
  const std::string i = Inst();
  // Bound builtin methods (what obj.name gives).
  EXPECT_EQ(CallRepr(M("noargs").get(), {}), "(" + i + ", None)");
  EXPECT_EQ(CallRepr(M("noargs").get(), {one}), "TypeError: T.noargs() takes no arguments (1 given)");
  EXPECT_EQ(CallRepr(M("o").get(), {}), "TypeError: T.o() takes exactly one argument (0 given)");
  EXPECT_EQ(CallRepr(M("o").get(), {one, two}),
            "TypeError: T.o() takes exactly one argument (2 given)");
  EXPECT_EQ(CallRepr(M("o").get(), {}, {{"k", two}}), "TypeError: T.o() takes no keyword arguments");
  EXPECT_EQ(CallRepr(M("varargs").get(), {one}, {{"k", two}}),
            "TypeError: varargs() takes no keyword arguments");
  EXPECT_EQ(CallRepr(M("varargs_kw").get(), {}, {{"k", two}}), "(" + i + ", ((), {'k': 2}))");
  EXPECT_EQ(CallRepr(M("fast").get(), {one, two}), "(" + i + ", (1, 2))");
  EXPECT_EQ(CallRepr(M("fast").get(), {}, {{"k", two}}),
            "TypeError: T.fast() takes no keyword arguments");
  // The unbound descriptors (what T.name gives).
  EXPECT_EQ(CallRepr(D("noargs").get(), {inst}), "(" + i + ", None)");
  EXPECT_EQ(CallRepr(D("noargs").get(), {}), "TypeError: unbound method T.noargs() needs an argument");
  EXPECT_EQ(CallRepr(D("noargs").get(), {inst, one, two}),
            "TypeError: T.noargs() takes no arguments (2 given)");
  EXPECT_EQ(CallRepr(D("noargs").get(), {inst}, {{"k", one}}),
            "TypeError: T.noargs() takes no keyword arguments");
  EXPECT_EQ(CallRepr(D("o").get(), {one, two}),
            "TypeError: descriptor 'o' for 'tm.T' objects doesn't apply to a 'int' object");
  EXPECT_EQ(CallRepr(D("o").get(), {inst}), "TypeError: T.o() takes exactly one argument (0 given)");
  EXPECT_EQ(CallRepr(D("o").get(), {inst, one}), "(" + i + ", 1)");
  EXPECT_EQ(CallRepr(D("varargs").get(), {inst}, {{"k", one}}),
            "TypeError: T.varargs() takes no keyword arguments");
  EXPECT_EQ(CallRepr(D("varargs").get(), {inst, one, two}), "(" + i + ", (1, 2))");
  EXPECT_EQ(CallRepr(D("varargs_kw").get(), {inst}, {{"k", one}}), "(" + i + ", ((), {'k': 1}))");
  EXPECT_EQ(CallRepr(D("fast").get(), {}), "TypeError: unbound method T.fast() needs an argument");
  EXPECT_EQ(CallRepr(D("fast_kw").get(), {inst, S("x").get(), S("y").get()}, {{"count", two}}),
            "(" + i + ", ('x', 'y', 2))");
  EXPECT_EQ(CallRepr(D("fast_kw").get(), {one}),
            "TypeError: descriptor 'fast_kw' for 'tm.T' objects doesn't apply to a 'int' object");
}

TEST_F(CallTest, ClassStaticAndMethodMethods) {
  PyObject* one = I(1).get();
  PyObject* type = type_.get();
  const std::string t = ReprUtf8(type);
  // METH_CLASS: bound to the class, from the instance or the class.
  EXPECT_EQ(CallRepr(M("cls").get(), {one}), "(" + t + ", 1)");
  EXPECT_EQ(CallRepr(GetAttrString(type, "cls").get(), {one}), "(" + t + ", 1)");
  EXPECT_EQ(CallRepr(M("cls").get(), {}), "TypeError: T.cls() takes exactly one argument (0 given)");
  EXPECT_EQ(CallRepr(D("cls").get(), {type, one}), "(" + t + ", 1)");
  EXPECT_EQ(CallRepr(D("cls").get(), {}),
            "TypeError: descriptor 'cls' of 'tm.T' object needs an argument");
  EXPECT_EQ(CallRepr(D("cls").get(), {one, one}),
            "TypeError: descriptor 'cls' for type 'tm.T' needs a type, not a 'int' as arg 2");
  EXPECT_EQ(CallRepr(D("cls").get(), {AsObj(IntType()), one}),
            "TypeError: descriptor 'cls' requires a subtype of 'tm.T' but received 'int'");
  // METH_STATIC: no self at all.
  EXPECT_EQ(CallRepr(M("st").get(), {one}), "(None, 1)");
  EXPECT_EQ(CallRepr(GetAttrString(type, "st").get(), {one}), "(None, 1)");
  EXPECT_EQ(CallRepr(M("st").get(), {}), "TypeError: T.st() takes exactly one argument (0 given)");
  EXPECT_EQ(ReprUtf8(D("st").get()).rfind("<staticmethod(<built-in method st of type object at", 0),
            0u);
  // METH_METHOD: receives the defining class, also through a subclass.
  Ref<> sub = TypeNew("Sub", TupleFromItems({type}).value().get(), nullptr);
  ASSERT_TRUE(sub);
  Ref<> sub_inst = CallNoArgs(sub.get());
  EXPECT_EQ(CallRepr(M("meth").get(), {}), t);
  EXPECT_EQ(CallRepr(GetAttrString(sub_inst.get(), "meth").get(), {}), t);
  EXPECT_EQ(CallRepr(D("meth").get(), {sub_inst.get()}), t);
  EXPECT_EQ(CallRepr(M("meth").get(), {one, one}), "TypeError: meth expected at most 1 argument, got 2");
  EXPECT_EQ(CallRepr(M("meth").get(), {}, {{"k", one}}),
            "TypeError: meth() takes no keyword arguments");
  // A bound method object (PyMethod_New) prepends its self.
  Ref<> bound = MethodNew(F("fast").get(), inst_.get());
  ASSERT_TRUE(bound);
  EXPECT_EQ(CallRepr(bound.get(), {one}), "(" + Mod() + ", (" + Inst() + ", 1))");
  PyObject* scratch[3] = {nullptr, one, one};
  Ref<> r = Vectorcall(bound.get(), scratch + 1, 2 | kVectorcallArgumentsOffset);
  ASSERT_TRUE(r);
  EXPECT_EQ(scratch[0], nullptr);  // the borrowed slot is restored
  // Not callable.
  EXPECT_FALSE(CallNoArgs(one));
  EXPECT_EQ(TakeError(), "TypeError: 'int' object is not callable");
  EXPECT_FALSE(Callable(one));
  EXPECT_TRUE(Callable(F("o").get()));
  EXPECT_TRUE(Callable(type));
}

TEST_F(CallTest, WrongCallsLeakNothing) {
  PyObject* one = I(1).get();
  auto round = [&] {
    for (const char* name : {"noargs", "o", "varargs", "varargs_kw", "fast", "fast_kw"}) {
      Ref<> f = F(name);
      Ref<> m = M(name);
      Ref<> d = D(name);
      for (int nargs = 0; nargs <= 3; ++nargs) {
        std::vector<PyObject*> args(static_cast<size_t>(nargs), one);
        CallRepr(f.get(), args);
        CallRepr(m.get(), args);
        CallRepr(f.get(), args, {{"k", one}});
        CallRepr(m.get(), args, {{"count", one}});
        std::vector<PyObject*> dargs = args;
        dargs.insert(dargs.begin(), inst_.get());
        CallRepr(d.get(), dargs);
        CallRepr(d.get(), args);
      }
    }
  };
  round();  // warm up (interned names, lookups)
  const int64_t before = LiveObjects();
  for (int i = 0; i < 20; ++i) round();
  EXPECT_EQ(LiveObjects(), before);
}

// ---- calling a type: tp_new then tp_init ------------------------------------

std::atomic<int> g_news{0}, g_inits{0};

PyObject* CountingNew(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  (void)kwds;
  g_news.fetch_add(1);
  if (TupleSize(args) > 2) {
    SetErrorString(PyExc_ValueError, "too many for new");
    return nullptr;
  }
  return PyType_GenericAlloc(type, 0);
}

int CountingInit(PyObject* self, PyObject* args, PyObject* kwds) {
  (void)self;
  g_inits.fetch_add(1);
  if (!CheckNoKeywords("Counted", kwds)) return -1;
  return CheckPositional("Counted", TupleSize(args), 1, 2) ? 0 : -1;
}

TEST_F(CallTest, CallingATypeRunsNewThenInit) {
  static PyType_Slot slots[] = {{Py_tp_new, reinterpret_cast<void*>(CountingNew)},
                                {Py_tp_init, reinterpret_cast<void*>(CountingInit)},
                                {0, nullptr}};
  static PyType_Spec spec = {"tm.Counted", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, slots};
  Ref<> t = TypeFromSpec(&spec);
  ASSERT_TRUE(t) << TakeError();
  g_news = 0;
  g_inits = 0;
  const int64_t before = LiveObjects();
  Ref<> ok = CallOneArg(t.get(), I(1).get());
  ASSERT_TRUE(ok) << TakeError();
  EXPECT_EQ(ok->ob_type, AsType(t.get()));
  EXPECT_EQ(g_news.load(), 1);
  EXPECT_EQ(g_inits.load(), 1);
  ok.Reset();
  EXPECT_FALSE(CallNoArgs(t.get()));
  EXPECT_EQ(TakeError(), "TypeError: Counted expected at least 1 argument, got 0");
  EXPECT_EQ(g_news.load(), 2);
  EXPECT_EQ(g_inits.load(), 2);
  EXPECT_EQ(CallRepr(t.get(), {I(1).get(), I(2).get(), I(3).get()}),
            "ValueError: too many for new");
  EXPECT_EQ(g_inits.load(), 2);  // init is not reached when new fails
  EXPECT_EQ(CallRepr(t.get(), {I(1).get()}, {{"k", I(1).get()}}),
            "TypeError: Counted() takes no keyword arguments");
  EXPECT_EQ(LiveObjects(), before);  // the refused instances were freed
}

TEST_F(CallTest, ArgumentCheckTexts) {
  EXPECT_EQ(CheckPositional("get", 0, 1, 2), 0);
  EXPECT_EQ(TakeError(), "TypeError: get expected at least 1 argument, got 0");
  EXPECT_EQ(CheckPositional("get", 3, 1, 2), 0);
  EXPECT_EQ(TakeError(), "TypeError: get expected at most 2 arguments, got 3");
  EXPECT_EQ(CheckPositional("divmod", 1, 2, 2), 0);
  EXPECT_EQ(TakeError(), "TypeError: divmod expected 2 arguments, got 1");
  EXPECT_EQ(CheckPositional("pop", 2, 0, 1), 0);
  EXPECT_EQ(TakeError(), "TypeError: pop expected at most 1 argument, got 2");
  EXPECT_EQ(CheckPositional("x", 1, 0, 1), 1);
  // to_bytes(length=1, byteorder='big', *, signed=False)
  static const ArgParser to_bytes = {"to_bytes", {"length", "byteorder", "signed"}, 0, 0, 2};
  PyObject* out[3];
  PyObject* one = I(1).get();
  PyObject* three[] = {one, one, one};
  EXPECT_EQ(UnpackKeywords(to_bytes, three, 3, nullptr, absl::MakeSpan(out)), 0);
  EXPECT_EQ(TakeError(), "TypeError: to_bytes() takes at most 2 positional arguments (3 given)");
  Ref<> kwnames = TupleFromItems({N("signed"), N("foo")}).value();
  PyObject* kwvals[] = {one, one};
  EXPECT_EQ(UnpackKeywords(to_bytes, kwvals, 0, kwnames.get(), absl::MakeSpan(out)), 0);
  EXPECT_EQ(TakeError(), "TypeError: to_bytes() got an unexpected keyword argument 'foo'");
  // round(number, ndigits=None)
  static const ArgParser round = {"round", {"number", "ndigits"}, 0, 1, 2};
  EXPECT_EQ(UnpackKeywords(round, nullptr, 0, nullptr, absl::MakeSpan(out)), 0);
  EXPECT_EQ(TakeError(), "TypeError: round() missing required argument 'number' (pos 1)");
  Ref<> dup = TupleFromItems({N("number")}).value();
  PyObject* dupvals[] = {one, one};
  EXPECT_EQ(UnpackKeywords(round, dupvals, 1, dup.get(), absl::MakeSpan(out)), 0);
  EXPECT_EQ(TakeError(), "TypeError: argument for round() given by name ('number') and position (1)");
  // splitlines(keepends=False)
  static const ArgParser splitlines = {"splitlines", {"keepends"}, 0, 0, 1};
  Ref<> two_kw = TupleFromItems({N("keepends"), N("x")}).value();
  EXPECT_EQ(UnpackKeywords(splitlines, kwvals, 0, two_kw.get(), absl::MakeSpan(out)), 0);
  EXPECT_EQ(TakeError(), "TypeError: splitlines() takes at most 1 keyword argument (2 given)");
  Ref<> bad = TupleFromItems({one}).value();
  EXPECT_EQ(UnpackKeywords(round, kwvals, 1, bad.get(), absl::MakeSpan(out)), 0);
  EXPECT_EQ(TakeError(), "TypeError: keywords must be strings");
}

}  // namespace
}  // namespace ftrt
