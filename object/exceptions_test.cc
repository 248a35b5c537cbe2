// Tests for exceptions.h: the hierarchy as real types, args / str / repr,
// the special classes, __cause__ / __context__, matching by subclass, new
// exception types at run time, and 8 threads raising, catching, chaining
// and clearing at once (no leak, no bleed between threads).
#include "object/exceptions.h"

#include <atomic>
#include <random>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/int.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Checkpoint;
using testing_util::I;
using testing_util::N;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;

PyTypeObject* AsType(PyObject* o) { return reinterpret_cast<PyTypeObject*>(o); }

std::string Repr(PyObject* o) { return ReprUtf8(o); }

Ref<> Make(PyObject* type, std::initializer_list<PyObject*> args) {
  Ref<> t = TupleFromItems(std::vector<PyObject*>(args)).value();
  Ref<> e = NewException(type, t.get());
  EXPECT_TRUE(e) << TakeError();
  return e;
}

class ExceptionsTest : public ProtocolTest {};

TEST_F(ExceptionsTest, HierarchyIsRealTypes) {
  EXPECT_EQ(Repr(GetAttrString(PyExc_KeyError, "__mro__").get()),
            "(<class 'KeyError'>, <class 'LookupError'>, <class 'Exception'>, "
            "<class 'BaseException'>, <class 'object'>)");
  EXPECT_EQ(Repr(GetAttrString(PyExc_PythonFinalizationError, "__mro__").get()),
            "(<class 'PythonFinalizationError'>, <class 'RuntimeError'>, <class 'Exception'>, "
            "<class 'BaseException'>, <class 'object'>)");
  EXPECT_EQ(PyExc_IOError, PyExc_OSError);
  EXPECT_TRUE(IsExceptionClass(PyExc_UnicodeDecodeError));
  EXPECT_TRUE(TypeIsSubtype(AsType(PyExc_UnicodeDecodeError), AsType(PyExc_ValueError)));
  EXPECT_FALSE(TypeIsSubtype(AsType(PyExc_KeyboardInterrupt), AsType(PyExc_Exception)));
  EXPECT_FALSE(IsExceptionClass(reinterpret_cast<PyObject*>(ObjectType())));
  EXPECT_EQ(GivenExceptionMatches(PyExc_ModuleNotFoundError, PyExc_ImportError), 1);
  Ref<> tuple = TupleFromItems({PyExc_TypeError, PyExc_LookupError}).value();
  EXPECT_EQ(GivenExceptionMatches(PyExc_IndexError, tuple.get()), 1);
  EXPECT_EQ(GivenExceptionMatches(PyExc_ValueError, tuple.get()), 0);
  Ref<> inst = Make(PyExc_IndexError, {});
  EXPECT_EQ(GivenExceptionMatches(inst.get(), PyExc_LookupError), 1);
}

TEST_F(ExceptionsTest, ArgsStrReprAsCpython) {
  Ref<> e_type = NewExceptionType("__main__.E", nullptr, nullptr);
  ASSERT_TRUE(e_type) << TakeError();
  Ref<> a = S("a");
  Ref<> e = Make(e_type.get(), {a.get(), I(1).get()});
  EXPECT_EQ(Repr(e.get()), "E('a', 1)");
  EXPECT_EQ(StrUtf8(e.get()), "('a', 1)");
  EXPECT_EQ(Repr(ExceptionGetArgs(e.get()).get()), "('a', 1)");
  Ref<> empty = Make(PyExc_Exception, {});
  EXPECT_EQ(Repr(empty.get()), "Exception()");
  EXPECT_EQ(StrUtf8(empty.get()), "");
  Ref<> x = S("x");
  Ref<> key = Make(PyExc_KeyError, {x.get()});
  EXPECT_EQ(StrUtf8(key.get()), "'x'");
  EXPECT_EQ(Repr(key.get()), "KeyError('x')");
  EXPECT_EQ(StrUtf8(Make(PyExc_KeyError, {}).get()), "");
  EXPECT_EQ(StrUtf8(Make(PyExc_KeyError, {I(1).get(), I(2).get()}).get()), "(1, 2)");
  // Keywords are refused ...
  Ref<> kw = DictNew().value();
  ASSERT_TRUE(DictSetItemString(kw.get(), "x", I(1).get()).ok());
  EXPECT_FALSE(Call(PyExc_TypeError, EmptyTuple(), kw.get()));
  EXPECT_EQ(TakeError(), "TypeError: TypeError() takes no keyword arguments");
  // ... except ImportError's.
  Ref<> n = S("n");
  Ref<> kw2 = DictNew().value();
  ASSERT_TRUE(DictSetItemString(kw2.get(), "name", n.get()).ok());
  Ref<> args = TupleFromItems({a.get()}).value();
  Ref<> ie = Call(PyExc_ImportError, args.get(), kw2.get());
  ASSERT_TRUE(ie) << TakeError();
  EXPECT_EQ(Repr(GetAttrString(ie.get(), "name").get()), "'n'");
  EXPECT_EQ(Repr(GetAttrString(ie.get(), "msg").get()), "'a'");
  EXPECT_EQ(Repr(GetAttrString(ie.get(), "path").get()), "None");
  ASSERT_TRUE(DictSetItemString(kw2.get(), "foo", n.get()).ok());
  EXPECT_FALSE(Call(PyExc_ImportError, args.get(), kw2.get()));
  EXPECT_EQ(TakeError(), "TypeError: ImportError() got an unexpected keyword argument 'foo'");
  // StopIteration.value and SystemExit.code.
  EXPECT_EQ(Repr(GetAttrString(Make(PyExc_StopIteration, {I(1).get()}).get(), "value").get()), "1");
  EXPECT_EQ(Repr(GetAttrString(Make(PyExc_StopIteration, {}).get(), "value").get()), "None");
  EXPECT_EQ(Repr(GetAttrString(Make(PyExc_SystemExit, {I(1).get(), I(2).get()}).get(), "code").get()),
            "(1, 2)");
  // args can be set to any iterable, and exceptions carry a __dict__.
  Ref<> v = Make(PyExc_ValueError, {I(1).get()});
  EXPECT_EQ(SetAttrString(v.get(), "args", I(5).get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: 'int' object is not iterable");
  Ref<> list = ListFromItems({I(1).get(), I(2).get()}).value();
  ASSERT_EQ(SetAttrString(v.get(), "args", list.get()), 0);
  EXPECT_EQ(Repr(v.get()), "ValueError(1, 2)");
  ASSERT_EQ(SetAttrString(v.get(), "extra", I(3).get()), 0);
  EXPECT_EQ(Repr(GetAttrString(v.get(), "extra").get()), "3");
  EXPECT_EQ(Repr(GetAttrString(v.get(), "__traceback__").get()), "None");
}

// OSError's fields and the errno subclasses; expected values from CPython
// 3.13.
TEST_F(ExceptionsTest, OSErrorFieldsAndErrnoSubclasses) {
  Ref<> text = S("No such file or directory");
  Ref<> x = S("x");
  Ref<> e = Make(PyExc_OSError, {I(2).get(), text.get(), x.get()});
  EXPECT_EQ(TypeShortName(e.get()->ob_type), std::string("FileNotFoundError"));
  EXPECT_EQ(StrUtf8(e.get()), "[Errno 2] No such file or directory: 'x'");
  EXPECT_EQ(Repr(ExceptionGetArgs(e.get()).get()), "(2, 'No such file or directory')");
  EXPECT_EQ(Repr(GetAttrString(e.get(), "errno").get()), "2");
  EXPECT_EQ(Repr(GetAttrString(e.get(), "filename").get()), "'x'");
  EXPECT_EQ(Repr(GetAttrString(e.get(), "filename2").get()), "None");
  Ref<> msg = S("msg");
  Ref<> a = S("a");
  Ref<> b = S("b");
  Ref<> two = Make(PyExc_OSError, {I(13).get(), msg.get(), a.get(), None(), b.get()});
  EXPECT_EQ(TypeShortName(two.get()->ob_type), std::string("PermissionError"));
  EXPECT_EQ(StrUtf8(two.get()), "[Errno 13] msg: 'a' -> 'b'");
  Ref<> just = S("just");
  Ref<> plain = Make(PyExc_OSError, {just.get()});
  EXPECT_EQ(plain.get()->ob_type, AsType(PyExc_OSError));
  EXPECT_EQ(StrUtf8(plain.get()), "just");
  EXPECT_EQ(Repr(GetAttrString(plain.get(), "errno").get()), "None");
  Ref<> weird = S("weird");
  Ref<> odd = Make(PyExc_OSError, {I(999).get(), weird.get()});
  EXPECT_EQ(odd.get()->ob_type, AsType(PyExc_OSError));
  EXPECT_EQ(StrUtf8(odd.get()), "[Errno 999] weird");
  // Only OSError itself maps: a subclass called directly stays itself.
  Ref<> direct = Make(PyExc_TimeoutError, {I(2).get(), text.get()});
  EXPECT_EQ(direct.get()->ob_type, AsType(PyExc_TimeoutError));
  // BlockingIOError's third argument is characters_written.
  Ref<> again = S("again");
  Ref<> blocking = Make(PyExc_OSError, {I(11).get(), again.get(), I(5).get()});
  EXPECT_EQ(TypeShortName(blocking.get()->ob_type), std::string("BlockingIOError"));
  EXPECT_EQ(Repr(GetAttrString(blocking.get(), "characters_written").get()), "5");
  EXPECT_EQ(Repr(ExceptionGetArgs(blocking.get()).get()), "(11, 'again', 5)");
  EXPECT_FALSE(GetAttrString(odd.get(), "characters_written"));
  EXPECT_EQ(TakeError(), "AttributeError: characters_written");
  EXPECT_TRUE(GivenExceptionMatches(reinterpret_cast<PyObject*>(e.get()->ob_type),
                                    PyExc_OSError));
}

// The Unicode errors' fields and messages (CPython 3.13's), and the
// message-only form this runtime also accepts.
TEST_F(ExceptionsTest, UnicodeErrorFieldsAndMessages) {
  Ref<> utf8 = S("utf-8");
  Ref<> bad = BytesFromData(absl::string_view("\xff\xfe", 2)).value();
  Ref<> why = S("invalid start byte");
  Ref<> d = Make(PyExc_UnicodeDecodeError, {utf8.get(), bad.get(), I(0).get(), I(1).get(), why.get()});
  EXPECT_EQ(StrUtf8(d.get()), "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte");
  EXPECT_EQ(Repr(GetAttrString(d.get(), "object").get()), "b'\\xff\\xfe'");
  EXPECT_EQ(Repr(GetAttrString(d.get(), "end").get()), "1");
  Ref<> r = S("bad");
  Ref<> d2 = Make(PyExc_UnicodeDecodeError, {utf8.get(), bad.get(), I(0).get(), I(2).get(), r.get()});
  EXPECT_EQ(StrUtf8(d2.get()), "'utf-8' codec can't decode bytes in position 0-1: bad");
  Ref<> ascii = S("ascii");
  Ref<> hello = StrFromUtf8("h\xc3\xa9llo").value();
  Ref<> ord = S("ordinal not in range(128)");
  Ref<> en = Make(PyExc_UnicodeEncodeError, {ascii.get(), hello.get(), I(1).get(), I(2).get(), ord.get()});
  EXPECT_EQ(StrUtf8(en.get()),
            "'ascii' codec can't encode character '\\xe9' in position 1: ordinal not in range(128)");
  Ref<> euro = StrFromUtf8("\xe2\x82\xac").value();
  Ref<> rr = S("r");
  EXPECT_EQ(StrUtf8(Make(PyExc_UnicodeEncodeError, {ascii.get(), euro.get(), I(0).get(), I(1).get(), rr.get()}).get()),
            "'ascii' codec can't encode character '\\u20ac' in position 0: r");
  Ref<> smile = StrFromUtf8("\xf0\x9f\x98\x80").value();
  EXPECT_EQ(StrUtf8(Make(PyExc_UnicodeEncodeError, {ascii.get(), smile.get(), I(0).get(), I(1).get(), rr.get()}).get()),
            "'ascii' codec can't encode character '\\U0001f600' in position 0: r");
  EXPECT_EQ(StrUtf8(Make(PyExc_UnicodeEncodeError, {ascii.get(), hello.get(), I(0).get(), I(3).get(), rr.get()}).get()),
            "'ascii' codec can't encode characters in position 0-2: r");
  Ref<> e_acute = StrFromUtf8("\xc3\xa9").value();
  Ref<> t = Make(PyExc_UnicodeTranslateError, {e_acute.get(), I(0).get(), I(1).get(), rr.get()});
  EXPECT_EQ(StrUtf8(t.get()), "can't translate character '\\xe9' in position 0: r");
  EXPECT_EQ(Repr(GetAttrString(t.get(), "encoding").get()), "None");
  // The constructor's checks, with CPython's messages.
  Ref<> args0 = TupleFromItems({}).value();
  EXPECT_FALSE(Call(PyExc_UnicodeDecodeError, args0.get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: function takes exactly 5 arguments (0 given)");
  Ref<> xs = S("x");
  Ref<> args1 = TupleFromItems({utf8.get(), xs.get(), I(0).get(), I(1).get(), rr.get()}).value();
  EXPECT_FALSE(Call(PyExc_UnicodeDecodeError, args1.get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: a bytes-like object is required, not 'str'");
  Ref<> args2 = TupleFromItems({I(1).get(), bad.get(), I(0).get(), I(1).get(), rr.get()}).value();
  EXPECT_FALSE(Call(PyExc_UnicodeDecodeError, args2.get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: argument 1 must be str, not int");
  Ref<> args3 = TupleFromItems({utf8.get(), bad.get(), I(0).get(), I(1).get(), I(2).get()}).value();
  EXPECT_FALSE(Call(PyExc_UnicodeDecodeError, args3.get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: argument 5 must be str, not int");
  Ref<> args4 = TupleFromItems({xs.get(), I(0).get(), I(1).get()}).value();
  EXPECT_FALSE(Call(PyExc_UnicodeTranslateError, args4.get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: function takes exactly 4 arguments (3 given)");
  // The message-only form: the message, no fields.
  Ref<> m = S("decoding went wrong");
  Ref<> only = Make(PyExc_UnicodeDecodeError, {m.get()});
  EXPECT_EQ(StrUtf8(only.get()), "decoding went wrong");
  EXPECT_EQ(Repr(GetAttrString(only.get(), "object").get()), "None");
}

TEST_F(ExceptionsTest, CauseAndContext) {
  Ref<> e = Make(PyExc_ValueError, {I(1).get()});
  EXPECT_EQ(SetAttrString(e.get(), "__cause__", I(1).get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: exception cause must be None or derive from BaseException");
  EXPECT_EQ(SetAttrString(e.get(), "__context__", I(1).get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: exception context must be None or derive from BaseException");
  EXPECT_EQ(Repr(GetAttrString(e.get(), "__suppress_context__").get()), "False");
  ASSERT_EQ(SetAttrString(e.get(), "__cause__", None()), 0);
  EXPECT_EQ(Repr(GetAttrString(e.get(), "__suppress_context__").get()), "True");
  Ref<> cause = Make(PyExc_KeyError, {I(2).get()});
  ASSERT_EQ(SetAttrString(e.get(), "__cause__", cause.get()), 0);
  EXPECT_EQ(ExceptionGetCause(e.get()).get(), cause.get());
  EXPECT_EQ(SetAttrString(e.get(), "__cause__", nullptr), -1);
  EXPECT_EQ(TakeError(), "TypeError: __cause__ may not be deleted");

  // Raising while handling chains implicitly.
  Ref<> handled = Make(PyExc_KeyError, {I(3).get()});
  {
    ExceptionHandlerScope except(handled.get());
    EXPECT_EQ(GetHandledException().get(), handled.get());
    SetErrorString(PyExc_RuntimeError, "while handling");
    Ref<> raised = GetRaisedException();
    ASSERT_TRUE(raised);
    EXPECT_EQ(ExceptionGetContext(raised.get()).get(), handled.get());
  }
  EXPECT_FALSE(GetHandledException());
  // ... and cuts a cycle: raising `a` while handling `b`, whose context is `a`.
  Ref<> a = Make(PyExc_ValueError, {I(4).get()});
  Ref<> b = Make(PyExc_TypeError, {I(5).get()});
  ExceptionSetContext(b.get(), a.Clone());
  {
    ExceptionHandlerScope except(b.get());
    SetError(PyExc_ValueError, a.get());
    Ref<> raised = GetRaisedException();
    EXPECT_EQ(raised.get(), a.get());
    EXPECT_EQ(ExceptionGetContext(a.get()).get(), b.get());
    EXPECT_FALSE(ExceptionGetContext(b.get()));  // the link back to a was cut
  }
  // raise x from y.
  Ref<> x = Make(PyExc_RuntimeError, {});
  Ref<> y = Make(PyExc_OSError, {});
  SetRaisedExceptionFrom(x.Clone(), y.get());
  Ref<> got = GetRaisedException();
  EXPECT_EQ(got.get(), x.get());
  EXPECT_EQ(ExceptionGetCause(got.get()).get(), y.get());
  ExceptionSetContext(a.get(), nullptr);  // break a <-> b for the leak check
}

TEST_F(ExceptionsTest, NewExceptionTypesMatchBySubclass) {
  Ref<> base = NewExceptionType("mod.AppError", PyExc_ValueError, nullptr);
  ASSERT_TRUE(base) << TakeError();
  Ref<> derived = NewExceptionTypeWithDoc("mod.DerivedError", "a derived error", base.get(), nullptr);
  ASSERT_TRUE(derived) << TakeError();
  EXPECT_EQ(Repr(base.get()), "<class 'mod.AppError'>");
  EXPECT_EQ(Repr(GetAttrString(derived.get(), "__doc__").get()), "'a derived error'");
  SetErrorString(derived.get(), "boom");
  EXPECT_EQ(ExceptionMatches(derived.get()), 1);
  EXPECT_EQ(ExceptionMatches(base.get()), 1);
  EXPECT_EQ(ExceptionMatches(PyExc_ValueError), 1);
  EXPECT_EQ(ExceptionMatches(PyExc_Exception), 1);
  EXPECT_EQ(ExceptionMatches(PyExc_TypeError), 0);
  EXPECT_EQ(TakeError(), "DerivedError: boom");
  Ref<> two = TupleFromItems({PyExc_KeyError, PyExc_IndexError}).value();
  Ref<> multi = NewExceptionType("mod.Both", two.get(), nullptr);
  ASSERT_TRUE(multi) << TakeError();
  EXPECT_EQ(GivenExceptionMatches(multi.get(), PyExc_KeyError), 1);
  EXPECT_EQ(GivenExceptionMatches(multi.get(), PyExc_IndexError), 1);
  EXPECT_FALSE(NewExceptionType("nodot", nullptr, nullptr));
  EXPECT_EQ(TakeError(), "SystemError: PyErr_NewException: name must be module.class");
  Ref<> inst = Make(derived.get(), {I(7).get()});
  EXPECT_EQ(Repr(inst.get()), "DerivedError(7)");
  EXPECT_EQ(ExceptionClassName(inst.get()), std::string("DerivedError"));
}

// ---- the concurrency test ------------------------------------------------

TEST_F(ExceptionsTest, EightThreadsRaiseCatchChainAndClear) {
  Ref<> app = NewExceptionType("mod.AppError", PyExc_LookupError, nullptr);
  ASSERT_TRUE(app);
  PyObject* app_error = app.get();
  const long kRounds = testing_util::Scaled(3000, 100);
  const uint64_t seed = testing_util::Seed();
  std::atomic<long> bad{0};
  // Warm up interned names and lookups so the leak check sees only loops.
  SetErrorString(app_error, "warm");
  ClearError();
  const int64_t before = LiveObjects();
  RunThreads(8, [&](int id) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(id));
    const std::string mine = "t" + std::to_string(id);
    for (long i = 0; i < kRounds; ++i) {
      if (HasError()) bad.fetch_add(1);  // nothing bleeds in from elsewhere
      const std::string msg = mine + "-" + std::to_string(i);
      // Raise a run-time class, catch it by a built-in base.
      SetErrorString(app_error, msg);
      if (!ExceptionMatches(PyExc_LookupError) || !ExceptionMatches(PyExc_Exception) ||
          ExceptionMatches(PyExc_ValueError)) {
        bad.fetch_add(1);
      }
      Ref<> caught = GetRaisedException();
      if (!caught || StrUtf8(caught.get()) != msg) bad.fetch_add(1);
      if (HasError()) bad.fetch_add(1);
      // Chain: raise while handling it, then raise from it.
      {
        ExceptionHandlerScope except(caught.get());
        SetErrorFormat(PyExc_RuntimeError, "%s handling", mine);
        Ref<> second = GetRaisedException();
        Ref<> ctx = second ? ExceptionGetContext(second.get()) : nullptr;
        if (ctx.get() != caught.get()) bad.fetch_add(1);
        SetRaisedExceptionFrom(Make(PyExc_ValueError, {}), second.get());
      }
      if (!ExceptionMatches(PyExc_ValueError)) bad.fetch_add(1);
      if (rng() % 2 == 0) {
        Ref<> third = GetRaisedException();
        Ref<> cause = third ? ExceptionGetCause(third.get()) : nullptr;
        if (!cause || StrUtf8(cause.get()) != mine + " handling") bad.fetch_add(1);
      } else {
        ClearError();
      }
      if (rng() % 8 == 0) std::this_thread::yield();
      if (i % 32 == 0) Checkpoint();
    }
    if (HasError()) bad.fetch_add(1);
  });
  EXPECT_EQ(bad.load(), 0);
  EXPECT_FALSE(HasError());
  EXPECT_EQ(LiveObjects(), before);
}

}  // namespace
}  // namespace ftrt
