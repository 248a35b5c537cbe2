// Tests of the checker's report (report.h) on real output: logs of
// `tools/ft check` runs kept in tools/check/testdata (ft_racy under TSan;
// ft_buggy.c's bugs, one per log, under TSan and ASan+UBSan), and a few
// synthetic lines for the cases a real run rarely shows (hangs, crashes
// without a report).
#include "tools/check/report.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace ftrt::check {
namespace {

std::string ReadLog(const std::string& name) {
  std::ifstream in("tools/check/testdata/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Sources as the script passes them (absolute, but another checkout's
// path: frames match by file name).
const std::vector<std::string> kRacy = {"/elsewhere/tests/ext/ft_racy.c"};
const std::vector<std::string> kBuggy = {"/elsewhere/ft_buggy.c"};

TEST(ReportTest, RacyIsOneRaceOnItsGlobalNamedAtItsLines) {
  PassResult r = ParsePass("tsan", ReadLog("racy_tsan.log"), 66, kRacy);
  EXPECT_TRUE(r.finished);
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.kind, "race");
  EXPECT_EQ(f.key, "race|global 'calls'");
  EXPECT_EQ(f.count, 7);  // TSan's seven reports, every one on `calls`
  EXPECT_TRUE(Contains(f.title, "race on global 'calls': ft_racy.c:")) << f.title;
  // The unguarded `calls = calls + 1` (line 16) is named, in the title or
  // among the other pairs.
  std::string all = f.title;
  for (const auto& v : f.variants) all += "\n" + v;
  EXPECT_TRUE(Contains(all, "ft_racy.c:16 (ft_racy_bump, write)")) << all;
  // Only the extension's frames: no runtime or driver file in the stacks.
  for (const auto& d : f.details) {
    EXPECT_FALSE(Contains(d, "methodobject.cc")) << d;
    EXPECT_FALSE(Contains(d, "ext_check.cc")) << d;
  }
  EXPECT_EQ(r.info.size(), 6u);
  EXPECT_TRUE(Contains(r.info[1], "declared Py_MOD_GIL_NOT_USED"));

  // The same log twice (two passes): one finding, counted twice, both passes.
  PassResult again = ParsePass("again", ReadLog("racy_tsan.log"), 66, kRacy);
  std::vector<Finding> merged = MergeFindings({r, again});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].count, 14);
  EXPECT_EQ(merged[0].passes, (std::vector<std::string>{"tsan", "again"}));

  const std::string report = FormatReport("ft_racy", kRacy, {r}, merged);
  EXPECT_FALSE(Passed({r}, merged));
  EXPECT_TRUE(Contains(report, "- [race] race on global 'calls'")) << report;
  EXPECT_TRUE(Contains(report, "\nverdict: FAIL (1 race)\n")) << report;
}

TEST(ReportTest, WithoutTheSourcesTheTopFramesStand) {
  PassResult r = ParsePass("tsan", ReadLog("racy_tsan.log"), 66, {"/x/other.c"});
  ASSERT_EQ(r.findings.size(), 1u);
  bool fallback = false;
  for (const auto& d : r.findings[0].details) {
    fallback = fallback || Contains(d, "(no frame in the extension)");
  }
  EXPECT_TRUE(fallback);
}

TEST(ReportTest, RefcountErrorAtTheExtensionsLine) {
  for (const char* log : {"buggy_over_release_tsan.log", "buggy_over_release_asan.log"}) {
    SCOPED_TRACE(log);
    PassResult r = ParsePass("p", ReadLog(log), 1, kBuggy);
    EXPECT_FALSE(r.finished);
    // Four threads failed at once: one finding.
    ASSERT_EQ(r.findings.size(), 1u);
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.kind, "refcount");
    EXPECT_EQ(f.title,
              "reference count error: decref of a freed object (a 'list') at ft_buggy.c:22 "
              "(over_release)");
  }
  // Both passes: one finding.
  std::vector<Finding> merged =
      MergeFindings({ParsePass("tsan", ReadLog("buggy_over_release_tsan.log"), 66, kBuggy),
                     ParsePass("asan", ReadLog("buggy_over_release_asan.log"), 1, kBuggy)});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].passes.size(), 2u);
}

TEST(ReportTest, LeakedObjectsFromTheDriver) {
  PassResult r = ParsePass("asan", ReadLog("buggy_leak_asan.log"), 0, kBuggy);
  EXPECT_TRUE(r.finished);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, "leak");
  EXPECT_EQ(r.findings[0].key, "leak|list,");
  EXPECT_TRUE(Contains(r.findings[0].title, "objects leaked")) << r.findings[0].title;
  EXPECT_TRUE(Contains(r.findings[0].title, "(list x")) << r.findings[0].title;
  EXPECT_FALSE(Passed({r}, r.findings));
}

TEST(ReportTest, UndefinedBehaviourAtTheExtensionsLine) {
  PassResult shift = ParsePass("asan", ReadLog("buggy_shift_asan.log"), 1, kBuggy);
  ASSERT_EQ(shift.findings.size(), 1u);
  EXPECT_EQ(shift.findings[0].kind, "ubsan");
  EXPECT_TRUE(Contains(shift.findings[0].title, "shift exponent")) << shift.findings[0].title;
  EXPECT_TRUE(Contains(shift.findings[0].title, "at ft_buggy.c:49")) << shift.findings[0].title;

  // One past a malloc'd block: UBSan's object-size check stops it first.
  PassResult overflow = ParsePass("asan", ReadLog("buggy_overflow_asan.log"), 1, kBuggy);
  ASSERT_EQ(overflow.findings.size(), 1u);
  EXPECT_TRUE(Contains(overflow.findings[0].title, "insufficient space")) << overflow.findings[0].title;
  EXPECT_TRUE(Contains(overflow.findings[0].title, "at ft_buggy.c:40")) << overflow.findings[0].title;
  EXPECT_FALSE(Contains(overflow.findings[0].key, "0x"));  // no address in the key
}

TEST(ReportTest, AsanErrorWithItsStacks) {
  const std::string log =
      "ftcheck: info seed 1\n"
      "=================================================================\n"
      "==77==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x1 "
      "bp 0x2 sp 0x3\n"
      "READ of size 4 at 0x602000000010 thread T1\n"
      "    #0 0x7f0 in peek /src/ext.c:12:5\n"
      "    #1 0x7f1 in PyObject_Call ext_abi/capi_objects.cc:280\n"
      "\n"
      "freed by thread T2 here:\n"
      "    #0 0x7f2 in free (/lib/libasan.so.8+0x1)\n"
      "    #1 0x7f3 in drop /src/ext.c:30:3\n"
      "\n"
      "SUMMARY: AddressSanitizer: heap-use-after-free /src/ext.c:12:5 in peek\n"
      "==77==ABORTING\n";
  PassResult r = ParsePass("asan", log, 1, {"/src/ext.c"});
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.kind, "asan");
  EXPECT_EQ(f.title, "heap-use-after-free at ext.c:12 (peek)");
  ASSERT_EQ(f.details.size(), 4u);
  EXPECT_EQ(f.details[0], "  read of size 4 thread T1:");
  EXPECT_EQ(f.details[1], "    ext.c:12 (peek)");
  EXPECT_EQ(f.details[2], "  freed by thread T2 here:");
  EXPECT_EQ(f.details[3], "    ext.c:30 (drop)");
}

TEST(ReportTest, RunsThatStopWithoutAReport) {
  const std::string log = "ftcheck: info seed 1\nsomething went wrong\n";
  PassResult hang = ParsePass("tsan", log, 124, kBuggy);
  ASSERT_EQ(hang.findings.size(), 1u);
  EXPECT_EQ(hang.findings[0].kind, "hang");
  PassResult killed = ParsePass("tsan", log, 139, kBuggy);
  ASSERT_EQ(killed.findings.size(), 1u);
  EXPECT_EQ(killed.findings[0].kind, "crash");
  EXPECT_EQ(killed.findings[0].title, "crash: the run was killed by signal 11");
  EXPECT_EQ(killed.findings[0].details.back(), "  | something went wrong");
  // The process's own last words come first, not the driver's progress
  // lines printed after them.
  PassResult exited = ParsePass(
      "tsan", log + "ftcheck: info 4 threads for 3.00 s\nftcheck: info more progress\n", 1, kBuggy);
  ASSERT_EQ(exited.findings.size(), 1u);
  EXPECT_EQ(exited.findings[0].title, "crash: the run ended early with exit status 1");
  ASSERT_EQ(exited.findings[0].details.size(), 1u);
  EXPECT_EQ(exited.findings[0].details[0], "  | something went wrong");
  // A finished run with a non-zero status but no report is not a crash
  // (TSan's exit code after reports it printed is the reports' business).
  PassResult done = ParsePass("tsan", log + "ftcheck: finished\n", 0, kBuggy);
  EXPECT_TRUE(done.findings.empty());
  EXPECT_TRUE(Passed({done}, MergeFindings({done})));
  EXPECT_TRUE(Contains(FormatReport("m", kBuggy, {done}, {}), "findings: none\nverdict: PASS\n"));
  EXPECT_FALSE(Passed({hang}, {}));
}

TEST(ReportTest, DriverFindingsAndTheGil) {
  const std::string log =
      "ftcheck: info Py_mod_gil: not declared (or Py_MOD_GIL_USED); the GIL came back on\n"
      "ftcheck: finding gil\tgil\tthe module does not declare Py_mod_gil\tdeclare it\n"
      "ftcheck: finding gil\tgil\tthe module does not declare Py_mod_gil\tdeclare it\n"
      "ftcheck: finished\n";
  PassResult r = ParsePass("tsan", log, 0, kBuggy);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, "gil");
  EXPECT_EQ(r.findings[0].count, 2);
  EXPECT_EQ(r.findings[0].details, (std::vector<std::string>{"  declare it"}));
  EXPECT_EQ(r.info.size(), 1u);
}

TEST(ReportTest, FrameFormats) {
  // A TSan frame with a C++ name holding spaces, and one without a file.
  const std::string log =
      "WARNING: ThreadSanitizer: data race (pid=1)\n"
      "  Write of size 8 at 0x7b04 by thread T1:\n"
      "    #0 ns::Fn(int, long) /src/a.cc:7:3 (x.so+0x1)\n"
      "  Previous read of size 8 at 0x7b04 by main thread:\n"
      "    #0 <null> <null> (libc.so.6+0x2)\n"
      "    #1 reader /src/b.cc:9 (x.so+0x3)\n"
      "  Location is heap block of size 16 at 0x7b04 allocated by thread T1:\n"
      "    #0 malloc (libtsan.so+0x1)\n"
      "SUMMARY: ThreadSanitizer: data race /src/a.cc:7 in ns::Fn(int, long)\n"
      "ftcheck: finished\n";
  PassResult r = ParsePass("tsan", log, 66, {"/src/a.cc", "/src/b.cc"});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].title,
            "race on a heap block: a.cc:7 (ns::Fn(int, long), write) vs b.cc:9 (reader, previous read)");
  EXPECT_EQ(r.findings[0].key, "race|a.cc:7|b.cc:9");
}

}  // namespace
}  // namespace ftrt::check
