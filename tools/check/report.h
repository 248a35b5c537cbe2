// The extension checker's report: what a checked run printed, turned into
// findings, deduplicated across runs, and a verdict.
//
// `tools/ft check` runs the checker's driver (ext_check.cc) in a child
// process once per pass (TSan, then ASan+UBSan) and keeps its stderr. That
// text holds two kinds of lines:
//   * the sanitizers' reports: TSan's "WARNING: ThreadSanitizer: ...",
//     ASan's and LeakSanitizer's "ERROR: ...Sanitizer: ...", UBSan's
//     "file:line:col: runtime error: ...", each with symbolized stacks
//     ("#0 func /path/file.c:17 (lib.so+0x..)", "#0 0x.. in func file.c:17:5");
//     ftrt's own fatal errors ("ftrt fatal: decref below zero ..."), which
//     abort, so the sanitizer's ABRT report (handle_abort=1) carries the
//     stack;
//   * the driver's own lines, "ftcheck: info ...", "ftcheck: finding
//     KIND<TAB>KEY<TAB>TITLE[<TAB>DETAIL...]" and "ftcheck: finished".
// ParsePass keeps, of each stack, the frames in the extension's own source
// files (so a race reads "ft_racy.c:17 (ft_racy_bump) vs ft_racy.c:17"),
// falling back to the top frames when none is the extension's. Each finding
// has a key built from its kind and its top frames' locations (never from
// addresses, thread ids or pids), so the same bug seen many times, in both
// passes, or as write-vs-read and read-vs-write, is listed once with a
// count. Races on a named global are keyed by the global: one unguarded
// variable is one finding, whichever pairs of lines TSan caught racing on
// it (the other pairs are listed under it). A run that ended without "ftcheck: finished" and without a report
// that explains why is a crash (or a hang, when the watchdog killed it).
#ifndef FTRT_TOOLS_CHECK_REPORT_H_
#define FTRT_TOOLS_CHECK_REPORT_H_

#include <string>
#include <vector>

namespace ftrt::check {

struct Frame {
  std::string function;  // may be empty ("??")
  std::string file;      // as printed (absolute when built with -g); may be empty
  int line = 0;
  std::string object;    // "ft_racy.so+0x1189" when printed
  // "ft_racy.c:17 (ft_racy_bump)", or the object when there is no file.
  std::string Where() const;
};

struct Finding {
  // race, tsan (another TSan report), asan, ubsan, leak-native (LeakSanitizer),
  // refcount, crash, hang, leak (objects alive after finalization), gil,
  // expect (a spec expectation failed), import, error (the checker itself).
  std::string kind;
  std::string key;    // deduplication key (stable across runs)
  std::string title;  // one line
  std::vector<std::string> details;
  // Other shapes of the same finding (a race on one global seen between
  // other pairs of lines): listed as "also:" lines, each once.
  std::vector<std::string> variants;
  std::vector<std::string> passes;  // the passes that saw it
  int count = 1;                    // how many times it was seen
};

struct PassResult {
  std::string pass;  // "tsan", "asan"
  int exit_status = 0;
  bool finished = false;  // the driver printed "ftcheck: finished"
  std::vector<std::string> info;  // the driver's "ftcheck: info" lines
  std::vector<Finding> findings;  // deduplicated within the pass
};

// Parses one pass's output. `sources` are the extension's source files (as
// passed to the compiler; matched by full path, else by file name).
// `exit_status` is the shell's: 124 or 137 means the watchdog (timeout -k)
// killed the run; 128+N a signal.
PassResult ParsePass(const std::string& pass, const std::string& log, int exit_status,
                     const std::vector<std::string>& sources);

// The findings of every pass, deduplicated by key (counts added, passes
// listed), in order of first appearance.
std::vector<Finding> MergeFindings(const std::vector<PassResult>& passes);

// The whole report: header, each pass's info, the findings, and the last
// line "verdict: PASS" or "verdict: FAIL (...)".
std::string FormatReport(const std::string& module, const std::vector<std::string>& sources,
                         const std::vector<PassResult>& passes,
                         const std::vector<Finding>& findings);

// A pass is a verdict only when there are no findings and every pass
// finished.
bool Passed(const std::vector<PassResult>& passes, const std::vector<Finding>& findings);

}  // namespace ftrt::check

#endif  // FTRT_TOOLS_CHECK_REPORT_H_
