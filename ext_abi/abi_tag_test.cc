// The loader's ABI check on real shared objects: the sample extensions
// (built against Python.h in this configuration) pass; a shared object
// without the tag, one whose objects disagree, one from a later header, a
// text file and a missing file are refused with messages that say why.
#include "ext_abi/abi_tag.h"

#include <string>

// FTRT_ABI_VERSION; this test is not an extension, so no tag of its own.
#define FTRT_NO_ABI_TAG 1
#include "ftrt_abi.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ftrt::ext {
namespace {

using ::testing::HasSubstr;

// Paths relative to the test's working directory (its runfiles root).
const char* const kSamples[] = {
    "tests/ext/ft_safe.so",         "tests/ext/ft_racy.so",
    "tests/ext/ft_legacy.so",       "tests/ext/ft_finalizer_thread.so",
    "tests/ext/ft_init_fails.so",
};

TEST(AbiTag, ExpectedTagDescribesThisBuild) {
  const AbiTag want = ExpectedAbiTag();
  EXPECT_EQ(want.abi_version, FTRT_ABI_VERSION);
  EXPECT_EQ(want.sizeof_object, 32);
  EXPECT_EQ(want.sizeof_typeobject, 432);
  EXPECT_THAT(DescribeAbiTag(want), HasSubstr("C API 3.13, free-threaded"));
}

TEST(AbiTag, SampleExtensionsCarryThisBuildsTag) {
  for (const char* path : kSamples) {
    SCOPED_TRACE(path);
    absl::StatusOr<AbiTagInfo> info = ReadAbiTag(path);
    ASSERT_TRUE(info.ok()) << info.status();
    // Every sample is one translation unit.
    EXPECT_EQ(info->notes, 1);
    // Built in this very configuration: even the sanitizer flags agree.
    EXPECT_EQ(info->tag, ExpectedAbiTag()) << DescribeAbiTag(info->tag);
    EXPECT_TRUE(CheckExtensionAbi(path).ok());
  }
}

TEST(AbiTag, RefusesASharedObjectWithoutTheTag) {
  absl::Status st = CheckExtensionAbi("ext_abi/testdata/no_tag.so");
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(), HasSubstr("was not built against ftrt's Python.h"));
  EXPECT_THAT(st.message(), HasSubstr("Rebuild it"));
}

TEST(AbiTag, RefusesObjectsBuiltAgainstDifferentHeaders) {
  absl::StatusOr<AbiTagInfo> info = ReadAbiTag("ext_abi/testdata/tag_conflict.so");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(info.status().message(), HasSubstr("different ftrt headers"));
  EXPECT_THAT(info.status().message(), HasSubstr("ftrt ABI 999"));
}

TEST(AbiTag, RefusesALaterAbiVersion) {
  absl::StatusOr<AbiTagInfo> info = ReadAbiTag("ext_abi/testdata/tag_future.so");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->tag.abi_version, FTRT_ABI_VERSION + 1);
  absl::Status st = CheckExtensionAbi("ext_abi/testdata/tag_future.so");
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(), HasSubstr("ftrt ABI " + std::to_string(FTRT_ABI_VERSION + 1)));
  EXPECT_THAT(st.message(),
              HasSubstr("this runtime is ftrt ABI " + std::to_string(FTRT_ABI_VERSION)));
}

// Version 2 changed Py_DECREF's inline path and ftrt_DecRefShared's
// parameters together: a module built against version 1's header must not
// load.
TEST(AbiTag, RefusesAnEarlierAbiVersion) {
  static_assert(FTRT_ABI_VERSION >= 2);
  absl::StatusOr<AbiTagInfo> info = ReadAbiTag("ext_abi/testdata/tag_past.so");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->tag.abi_version, FTRT_ABI_VERSION - 1);
  absl::Status st = CheckExtensionAbi("ext_abi/testdata/tag_past.so");
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(), HasSubstr("ftrt ABI " + std::to_string(FTRT_ABI_VERSION - 1)));
  EXPECT_THAT(st.message(),
              HasSubstr("this runtime is ftrt ABI " + std::to_string(FTRT_ABI_VERSION)));
}

TEST(AbiTag, RefusesFilesThatAreNotSharedObjects) {
  absl::Status not_elf = CheckExtensionAbi("ext_abi/testdata/not_elf.txt");
  EXPECT_EQ(not_elf.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(not_elf.message(), HasSubstr("not an ELF file"));
  absl::Status missing = CheckExtensionAbi("ext_abi/testdata/missing.so");
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("cannot open"));
}

}  // namespace
}  // namespace ftrt::ext
