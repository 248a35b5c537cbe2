// Tests for error_indicator.h: set / get / clear / restore / fetch, the
// handled exception, matching, the Status bridge in both directions (and
// absorbing errors.h's interim indicator), NoMemory, unraisable errors and
// warnings.
#include "object/error_indicator.h"

#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "object/dispatch.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/protocol.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

using testing_util::I;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;

class ErrorIndicatorTest : public ProtocolTest {};

TEST_F(ErrorIndicatorTest, SetGetClear) {
  EXPECT_EQ(ErrorOccurred(), nullptr);
  SetErrorString(PyExc_ValueError, "bad value");
  EXPECT_EQ(ErrorOccurred(), PyExc_ValueError);
  EXPECT_EQ(ExceptionMatches(PyExc_Exception), 1);
  ClearError();
  EXPECT_EQ(ErrorOccurred(), nullptr);
  EXPECT_FALSE(GetRaisedException());
  // SetError with a value: an instance, a tuple of args, a single arg.
  Ref<> args = TupleFromItems({I(1).get(), I(2).get()}).value();
  SetError(PyExc_KeyError, args.get());
  EXPECT_EQ(TakeError(), "KeyError: (1, 2)");
  SetError(PyExc_KeyError, I(3).get());
  EXPECT_EQ(TakeError(), "KeyError: 3");
  SetNone(PyExc_StopIteration);
  EXPECT_EQ(TakeError(), "StopIteration: ");
  Ref<> inst = NewExceptionWithMessage(PyExc_IndexError, "idx");
  SetError(PyExc_LookupError, inst.get());  // an instance of a subclass is kept
  Ref<> got = GetRaisedException();
  EXPECT_EQ(got.get(), inst.get());
  // Not an exception class.
  SetError(I(1).get(), nullptr);
  EXPECT_EQ(TakeError(), "SystemError: _PyErr_SetObject: exception 1 is not a BaseException subclass");
  // Replacing a pending error drops the old one.
  SetErrorString(PyExc_TypeError, "first");
  SetErrorString(PyExc_TypeError, "second");
  EXPECT_EQ(TakeError(), "TypeError: second");
  SetErrorFormat(PyExc_OverflowError, "%d > %s", 5, "four");
  EXPECT_EQ(TakeError(), "OverflowError: 5 > four");
  BadInternalCall();
  EXPECT_EQ(TakeError(), "SystemError: bad argument to internal function");
  EXPECT_EQ(NoMemory(), nullptr);
  EXPECT_EQ(TakeError(), "MemoryError: ");
}

TEST_F(ErrorIndicatorTest, FetchRestoreAndHandled) {
  SetErrorString(PyExc_RuntimeError, "r");
  Ref<> type, value, tb;
  Fetch(&type, &value, &tb);
  EXPECT_EQ(type.get(), PyExc_RuntimeError);
  EXPECT_FALSE(tb);
  EXPECT_FALSE(HasError());
  Restore(std::move(type), std::move(value), std::move(tb));
  EXPECT_EQ(TakeError(), "RuntimeError: r");
  // Restore normalizes a (type, args) pair.
  Restore(Ref<>::NewRef(PyExc_ValueError), S("v"), nullptr);
  EXPECT_EQ(TakeError(), "ValueError: v");
  Restore(nullptr, nullptr, nullptr);
  EXPECT_FALSE(HasError());
  Ref<> h = NewExceptionWithMessage(PyExc_OSError, "handled");
  SetHandledException(h.get());
  EXPECT_EQ(GetHandledException().get(), h.get());
  SetHandledException(None());
  EXPECT_FALSE(GetHandledException());
}

TEST_F(ErrorIndicatorTest, StatusBridge) {
  SetErrorFromStatus(MakeError(ErrorKind::kIndexError, "list index out of range"));
  EXPECT_EQ(ErrorOccurred(), PyExc_IndexError);
  absl::Status s = TakeErrorAsStatus();
  EXPECT_TRUE(IsError(s, ErrorKind::kIndexError));
  EXPECT_EQ(s.message(), "list index out of range");
  EXPECT_TRUE(TakeErrorAsStatus().ok());
  SetErrorFromStatus(MakeError(ErrorKind::kUnicodeDecodeError, "bad byte"));
  EXPECT_EQ(ExceptionMatches(PyExc_ValueError), 1);
  EXPECT_TRUE(IsError(TakeErrorAsStatus(), ErrorKind::kUnicodeDecodeError));
  SetErrorFromStatus(absl::NotFoundError("plain"));
  EXPECT_EQ(TakeError(), "KeyError: 'plain'");
  SetErrorString(PyExc_AttributeError, "no attr");
  absl::Status other = TakeErrorAsStatus();
  EXPECT_EQ(other.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(other.message(), "AttributeError: no attr");
  // A built-in type's C slot leaves its error in errors.h's interim
  // indicator: ErrorOccurred() absorbs it into this one.
  SetErrorIndicator(MakeError(ErrorKind::kTypeError, "from a slot"));
  EXPECT_EQ(ErrorOccurred(), PyExc_TypeError);
  EXPECT_FALSE(ErrorIndicatorSet());
  EXPECT_EQ(TakeError(), "TypeError: from a slot");
  // RefOrRaise / OkOrRaise.
  EXPECT_FALSE(RefOrRaise(absl::StatusOr<Ref<>>(MakeError(ErrorKind::kKeyError, "k"))));
  EXPECT_EQ(ExceptionMatches(PyExc_KeyError), 1);
  ClearError();
  EXPECT_EQ(OkOrRaise(absl::OkStatus()), 0);
}

std::string* g_lines = nullptr;
void Capture(const std::string& line) { *g_lines += line; }

TEST_F(ErrorIndicatorTest, UnraisableAndWarnings) {
  std::string lines;
  g_lines = &lines;
  SetUnraisableHook(Capture);
  SetWarningHook(Capture);
  SetErrorString(PyExc_ValueError, "lost");
  Ref<> obj = S("where");
  WriteUnraisable(obj.get());
  EXPECT_FALSE(HasError());
  EXPECT_EQ(lines, "Exception ignored in: 'where'\nValueError: lost\n");
  lines.clear();
  EXPECT_EQ(WarnEx(PyExc_RuntimeWarning, "careful", 1), 0);
  EXPECT_EQ(WarnEx(nullptr, "default category", 1), 0);
  EXPECT_EQ(lines, "sys:1: RuntimeWarning: careful\nsys:1: RuntimeWarning: default category\n");
  SetWarningsAsErrors(true);
  EXPECT_EQ(WarnEx(PyExc_DeprecationWarning, "old", 1), -1);
  EXPECT_EQ(TakeError(), "DeprecationWarning: old");
  SetWarningsAsErrors(false);
  EXPECT_EQ(WarnEx(PyExc_ValueError, "x", 1), -1);
  EXPECT_EQ(TakeError(), "TypeError: category must be a Warning subclass, not 'type'");
  SetUnraisableHook(nullptr);
  SetWarningHook(nullptr);
  g_lines = nullptr;
}

TEST_F(ErrorIndicatorTest, PerThreadAndAbsentWhenDetached) {
  SetErrorString(PyExc_ValueError, "main's");
  RunThreads(2, [](int) {
    EXPECT_FALSE(HasError());  // another thread's indicator is its own
    SetErrorString(PyExc_KeyError, "worker's");
  });
  // The workers' errors did not reach us, and theirs were dropped at exit.
  EXPECT_EQ(TakeError(), "ValueError: main's");
  EXPECT_TRUE(ProtocolAvailable());
  std::thread([] {
    EXPECT_FALSE(ProtocolAvailable());
    EXPECT_EQ(ErrorOccurred(), nullptr);  // detached: no indicator
  }).join();
}

}  // namespace
}  // namespace ftrt
