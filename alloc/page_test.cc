// Tests for alloc/page.h: size classes and page geometry.
#include "alloc/page.h"

#include <cstddef>
#include <cstdint>
#include <set>

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

TEST(PageTest, RemoteAndOwnerFieldsAreOnSeparateLines) {
  EXPECT_EQ(offsetof(Page, thread_free), 64u);
  EXPECT_EQ(offsetof(Page, free), 128u);
  EXPECT_LE(sizeof(Page), kPageHeaderSize);
  EXPECT_EQ(kPageHeaderSize % 16, 0u);
}

TEST(PageTest, PageOfFindsTheColouredRecord) {
  alignas(kPageSize) static unsigned char pages[kRecordColours + 1][kPageSize];
  std::set<uintptr_t> offsets;
  for (auto& page : pages) {
    uintptr_t base = reinterpret_cast<uintptr_t>(page);
    Page* rec = PageOf(page);
    EXPECT_EQ(PageOf(page + kPageSize - 1), rec);
    EXPECT_EQ(PageOf(page + 12345), rec);
    uintptr_t off = reinterpret_cast<uintptr_t>(rec) - base;
    EXPECT_EQ(off % kRecordColourStride, 0u);
    EXPECT_LT(off + kPageHeaderSize, 4096u);
    offsets.insert(off);
  }
  // Consecutive pages get every colour: their records do not share cache sets.
  EXPECT_EQ(offsets.size(), kRecordColours);
}

TEST(PageTest, EmptyObjectsCostLittleMetadata) {
  // 32-byte blocks: the 192-byte record (at a 256-byte multiple) costs 6 of
  // the 2048 blocks.
  size_t record = 3 * kRecordColourStride;
  size_t lo = record / 32, hi = (record + kPageHeaderSize + 31) / 32;
  size_t usable = kPageSize / 32 - (hi - lo);
  EXPECT_EQ(usable, 2042u);
  EXPECT_LT(static_cast<double>(kPageSize) / static_cast<double>(usable), 32.1);
}

}  // namespace
}  // namespace ftrt::alloc::internal
