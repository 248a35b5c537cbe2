// The stress runner's command line: `tools/ft stress` and `tools/ft demo`
// build this binary and run it. See options.cc for the flags and runner.h
// for what a run does. Exit status: 0 when every report line passes, 1 when
// one fails, 2 on a usage error, 3 when the run stalled (deadlock).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "tools/stress/options.h"
#include "tools/stress/report.h"
#include "tools/stress/runner.h"

namespace {

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    std::fprintf(stderr, "stress: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::StatusOr<ftrt::stress::Options> options = ftrt::stress::ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "stress: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(ftrt::stress::Usage().c_str(), stdout);
    return 0;
  }
  if (options->list) {
    std::fputs(ftrt::stress::ListWorkloads().c_str(), stdout);
    return 0;
  }
  absl::StatusOr<ftrt::stress::RunOutcome> outcome = ftrt::stress::RunStress(*options, stderr);
  if (!outcome.ok()) {
    std::fprintf(stderr, "stress: %s\n", std::string(outcome.status().message()).c_str());
    return 2;
  }
  const ftrt::stress::Report& report = outcome->report;
  std::fputs(ftrt::stress::RenderText(report).c_str(), stdout);
  bool ok = report.pass();
  if (!options->json_path.empty()) {
    ok &= WriteFile(options->json_path, ftrt::stress::ToJson(report).dump(2) + "\n");
  }
  if (!options->html_path.empty()) {
    ok &= WriteFile(options->html_path, ftrt::stress::RenderHtml(report));
  }
  std::fflush(stdout);
  if (outcome->stalled) _exit(3);  // worker threads are stuck: do not join them
  return ok ? 0 : 1;
}
