// Tests for object/errors.h: kinds, codes, subclass matching, the interim
// error indicator.
#include "object/errors.h"

#include <thread>

#include "gtest/gtest.h"

namespace ftrt {
namespace {

TEST(ErrorsTest, KindsCarryCodeNameAndMessage) {
  absl::Status s = Errorf(ErrorKind::kIndexError, "list index %s", "out of range");
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(), "list index out of range");
  EXPECT_EQ(KindOf(s), ErrorKind::kIndexError);
  EXPECT_STREQ(ErrorKindName(ErrorKind::kIndexError), "IndexError");
  EXPECT_EQ(KindOf(MakeError(ErrorKind::kKeyError, "'a'")).value(), ErrorKind::kKeyError);
  EXPECT_EQ(MakeError(ErrorKind::kKeyError, "x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(MakeError(ErrorKind::kTypeError, "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeError(ErrorKind::kMemoryError, "").code(), absl::StatusCode::kResourceExhausted);
  // IndexError and OverflowError share a code: the payload tells them apart.
  EXPECT_NE(KindOf(MakeError(ErrorKind::kOverflowError, "x")), ErrorKind::kIndexError);
}

TEST(ErrorsTest, OkAndForeignStatusesHaveNoKind) {
  EXPECT_FALSE(KindOf(absl::OkStatus()).has_value());
  EXPECT_FALSE(KindOf(absl::InternalError("x")).has_value());
  EXPECT_FALSE(IsError(absl::InternalError("x"), ErrorKind::kSystemError));
}

TEST(ErrorsTest, IsErrorMatchesSubclasses) {
  absl::Status decode = MakeError(ErrorKind::kUnicodeDecodeError, "bad");
  EXPECT_TRUE(IsError(decode, ErrorKind::kUnicodeDecodeError));
  EXPECT_TRUE(IsError(decode, ErrorKind::kValueError));
  EXPECT_FALSE(IsError(decode, ErrorKind::kTypeError));
  EXPECT_FALSE(IsError(MakeError(ErrorKind::kValueError, "x"), ErrorKind::kUnicodeDecodeError));
}

TEST(ErrorsTest, UnhashableWording) {
  absl::Status s = UnhashableError("list");
  EXPECT_EQ(KindOf(s), ErrorKind::kTypeError);
  EXPECT_EQ(s.message(), "unhashable type: 'list'");
}

TEST(ErrorsTest, IndicatorIsPerThreadAndTakenOnce) {
  EXPECT_FALSE(ErrorIndicatorSet());
  SetErrorIndicator(MakeError(ErrorKind::kValueError, "v"));
  EXPECT_TRUE(ErrorIndicatorSet());
  std::thread([] { EXPECT_FALSE(ErrorIndicatorSet()); }).join();
  absl::Status s = TakeErrorIndicator();
  EXPECT_EQ(KindOf(s), ErrorKind::kValueError);
  EXPECT_FALSE(ErrorIndicatorSet());
  // Taking an empty indicator is a SystemError naming the culprit.
  absl::Status none = TakeErrorIndicator("__hash__");
  EXPECT_EQ(KindOf(none), ErrorKind::kSystemError);
  EXPECT_NE(none.message().find("__hash__"), absl::string_view::npos);
  SetErrorIndicator(MakeError(ErrorKind::kTypeError, "t"));
  ClearErrorIndicator();
  EXPECT_FALSE(ErrorIndicatorSet());
  // A thread that exits with its indicator set leaks nothing (ASan).
  std::thread([] { SetErrorIndicator(MakeError(ErrorKind::kTypeError, "left behind")); }).join();
}

}  // namespace
}  // namespace ftrt
