// The process-wide blocking hooks (see blocking.h).
#include "sync/blocking.h"

#include <atomic>

namespace ftrt {
namespace {

constinit std::atomic<const BlockingHooks*> g_hooks{nullptr};

}  // namespace

void SetBlockingHooks(const BlockingHooks* hooks) {
  g_hooks.store(hooks, std::memory_order_release);
}

const BlockingHooks* GetBlockingHooks() { return g_hooks.load(std::memory_order_acquire); }

}  // namespace ftrt
