// Ratio reporting for benchmarks.
//
// Absolute times move between machines of one kind; ratios measured in one
// run do not. So every benchmark binary runs its subject beside its
// baselines and ends with a table of ratios, each compared with the target
// the issue sets. Use:
//
//   int main(int argc, char** argv) {
//     return ftrt::bench::RunWithRatios(argc, argv, {
//         {"BM_MutexLockUnlock", "BM_StdMutexLockUnlock", ftrt::bench::kTime,
//          "<=", 0.9},
//     });
//   }
//
// A ratio compares per-iteration real time (kTime: subject / baseline, lower
// is better) or items_per_second (kThroughput: subject / baseline, higher is
// better), or any user counter by name (kCounter). Names are the full run
// names Google Benchmark prints (e.g. "BM_Foo/threads:2"). Missing runs
// (filtered out) are skipped. The exit code is 0 regardless of targets: a
// benchmark reports, CI never gates on time.
#ifndef FTRT_BENCH_BENCH_UTIL_H_
#define FTRT_BENCH_BENCH_UTIL_H_

#include <string>
#include <vector>

namespace ftrt::bench {

enum Measure { kTime, kCpuTime, kThroughput, kCounter };

struct Ratio {
  std::string subject;
  std::string baseline;
  Measure measure = kTime;
  std::string op;  // "<=", ">=" or "" (report only)
  double target = 0;
  std::string counter = "";  // for kCounter: the user counter's name
};

// Runs every registered benchmark (honouring --benchmark_filter and the
// other flags), then prints the ratio table. Returns the process exit code.
int RunWithRatios(int argc, char** argv, const std::vector<Ratio>& ratios);

// A value a benchmark wants printed below the ratio table ("bytes per
// tracked object: 40"), with an optional target.
void ReportFigure(const std::string& name, double value, const std::string& unit,
                  const std::string& op = "", double target = 0);

}  // namespace ftrt::bench

#endif  // FTRT_BENCH_BENCH_UTIL_H_
