// The workload registry (workload.h). Registration runs during static
// initialisation, from every workload's file; the registry is a function
// local, so its construction is ordered before the first registration.
#include "tools/stress/workload.h"

#include <algorithm>
#include <mutex>

namespace ftrt::stress {
namespace {

struct Registry {
  std::mutex mu;
  std::vector<WorkloadInfo> entries;
};

Registry& GetRegistry() {
  static Registry* r = new Registry();  // never destroyed: used at exit too
  return *r;
}

}  // namespace

bool RegisterWorkload(WorkloadInfo info) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  for (WorkloadInfo& e : r.entries) {
    if (e.name == info.name) {
      // A real workload replaces a planned one; two real ones clash.
      if (e.factory != nullptr && info.factory != nullptr) return false;
      if (info.factory != nullptr) e = std::move(info);
      return true;
    }
  }
  r.entries.push_back(std::move(info));
  return true;
}

bool RegisterPlannedWorkload(const std::string& name, const std::string& summary,
                             const std::string& waiting_for, int order) {
  WorkloadInfo info;
  info.name = name;
  info.summary = summary;
  info.layers = waiting_for;
  info.order = order;
  info.waiting_for = waiting_for;
  info.in_default_mix = false;
  return RegisterWorkload(std::move(info));
}

std::vector<WorkloadInfo> AllWorkloads() {
  Registry& r = GetRegistry();
  std::vector<WorkloadInfo> out;
  {
    std::lock_guard<std::mutex> lock(r.mu);
    out = r.entries;
  }
  std::sort(out.begin(), out.end(), [](const WorkloadInfo& a, const WorkloadInfo& b) {
    return a.order != b.order ? a.order < b.order : a.name < b.name;
  });
  return out;
}

const WorkloadInfo* FindWorkload(const std::string& name) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  for (const WorkloadInfo& e : r.entries) {
    if (e.name == name) return &e;  // entries never move once all registered
  }
  return nullptr;
}

}  // namespace ftrt::stress
