// Tests for alloc/page.h: size classes and page geometry.
#include "alloc/page.h"

#include "gtest/gtest.h"

namespace ftrt::alloc::internal {
namespace {

TEST(PageTest, EverySizeFitsItsClassAndClassesAreTight) {
  size_t prev_cls = 0;
  for (size_t size = 1; size <= kMaxSmallSize; size++) {
    size_t cls = SizeClass(size);
    ASSERT_LT(cls, kNumClasses) << size;
    size_t bs = ClassBlockSize(cls);
    ASSERT_GE(bs, size) << size;
    ASSERT_GE(bs, kMinObjectSize);
    ASSERT_EQ(bs % 16, 0u) << size;
    if (cls > 0) {
      ASSERT_LT(ClassBlockSize(cls - 1), std::max(size, kMinObjectSize)) << size;
    }
    ASSERT_GE(cls, prev_cls);
    prev_cls = cls;
    if (size <= kMaxFastSize) {
      ASSERT_EQ(FastSizeClass(size), cls);
    }
  }
  // Waste above 256 bytes is at most 25%.
  for (size_t size = 257; size <= kMaxSmallSize; size++) {
    EXPECT_LE(ClassBlockSize(SizeClass(size)) * 4, size * 5 + 64) << size;
  }
}

TEST(PageTest, PageOfMasksToThePageRecord) {
  alignas(kPageSize) static unsigned char page[kPageSize];
  EXPECT_EQ(PageOf(page + kPageHeaderSize), reinterpret_cast<Page*>(page));
  EXPECT_EQ(PageOf(page + kPageSize - 1), reinterpret_cast<Page*>(page));
}

TEST(PageTest, EmptyObjectsCostLittleMetadata) {
  // 32-byte blocks: the 128-byte record costs 4 blocks of 2048.
  size_t capacity = (kPageSize - kPageHeaderSize) / ClassBlockSize(0);
  EXPECT_EQ(capacity, 2044u);
  double bytes_per_object = static_cast<double>(kPageSize) / static_cast<double>(capacity);
  EXPECT_LT(bytes_per_object, 32.1);
}

}  // namespace
}  // namespace ftrt::alloc::internal
