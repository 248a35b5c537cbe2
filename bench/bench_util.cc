#include "bench/bench_util.h"

#include <cstdio>
#include <map>
#include <mutex>

#include "benchmark/benchmark.h"

namespace ftrt::bench {
namespace {

struct Sample {
  double real_ns = 0;
  double cpu_ns = 0;
  double items_per_second = 0;
  std::map<std::string, double> counters;
};

class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      Sample s;
      s.real_ns = r.GetAdjustedRealTime();
      s.cpu_ns = r.GetAdjustedCPUTime();
      for (const auto& [name, c] : r.counters) {
        s.counters[name] = c.value;
        if (name == "items_per_second") s.items_per_second = c.value;
      }
      std::string name = r.run_name.str();
      samples_[name] = s;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  const std::map<std::string, Sample>& samples() const { return samples_; }

 private:
  std::map<std::string, Sample> samples_;
};

struct Figure {
  std::string name, unit, op;
  double value, target;
};

std::mutex figures_mu;
std::vector<Figure>& Figures() {
  static std::vector<Figure> figures;
  return figures;
}

bool Meets(const std::string& op, double v, double target) {
  if (op == "<=") return v <= target;
  if (op == ">=") return v >= target;
  return true;
}

double Value(const Sample& s, const Ratio& r) {
  switch (r.measure) {
    case kTime: return s.real_ns;
    case kCpuTime: return s.cpu_ns;
    case kThroughput: return s.items_per_second;
    case kCounter: {
      auto it = s.counters.find(r.counter);
      return it == s.counters.end() ? 0 : it->second;
    }
  }
  return 0;
}

}  // namespace

void ReportFigure(const std::string& name, double value, const std::string& unit,
                  const std::string& op, double target) {
  std::lock_guard<std::mutex> lock(figures_mu);
  Figures().push_back({name, unit, op, value, target});
}

int RunWithRatios(int argc, char** argv, const std::vector<Ratio>& ratios) {
  benchmark::Initialize(&argc, argv);
  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\n%-58s %10s  %s\n", "ratio (subject / baseline)", "value", "target");
  for (const Ratio& r : ratios) {
    auto a = reporter.samples().find(r.subject);
    auto b = reporter.samples().find(r.baseline);
    if (a == reporter.samples().end() || b == reporter.samples().end()) continue;
    double den = Value(b->second, r);
    if (den == 0) continue;
    double v = Value(a->second, r) / den;
    const char* what = r.measure == kThroughput ? "throughput"
                       : r.measure == kCounter  ? r.counter.c_str()
                       : r.measure == kCpuTime  ? "cpu time"
                                                : "time";
    std::string label = r.subject + " / " + r.baseline + " (" + what + ")";
    if (r.op.empty()) {
      std::printf("%-58s %9.3fx\n", label.c_str(), v);
    } else {
      std::printf("%-58s %9.3fx  %s %.2fx %s\n", label.c_str(), v, r.op.c_str(), r.target,
                  Meets(r.op, v, r.target) ? "met" : "MISSED");
    }
  }
  std::lock_guard<std::mutex> lock(figures_mu);
  if (!Figures().empty()) std::printf("\n");
  for (const Figure& f : Figures()) {
    if (f.op.empty()) {
      std::printf("%-58s %10.3f %s\n", f.name.c_str(), f.value, f.unit.c_str());
    } else {
      std::printf("%-58s %10.3f %s  %s %.3g %s\n", f.name.c_str(), f.value, f.unit.c_str(),
                  f.op.c_str(), f.target, Meets(f.op, f.value, f.target) ? "met" : "MISSED");
    }
  }
  return 0;
}

}  // namespace ftrt::bench
