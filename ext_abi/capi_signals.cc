// libftrt.so: CPython's simulated Ctrl-C. ftrt installs no signal handlers
// and runs no Python-level ones (there is no Python code), but extensions
// that loop for long call PyErr_CheckSignals to let the user interrupt
// them, and their tests (and hosts) interrupt them with PyErr_SetInterrupt.
// So the pending interrupt is one process-wide flag: SetInterrupt raises
// it, and whichever attached thread next checks takes it (an exchange, so
// exactly one thread sees each interrupt) and raises KeyboardInterrupt.
// CPython delivers it to the main thread only; here the first checker gets
// it, since any thread may be the one running the loop.
#include <atomic>
#include <csignal>

#include "ext_abi/capi_internal.h"

extern "C" {

extern PyObject* PyExc_KeyboardInterrupt;

namespace {

std::atomic<bool> g_interrupt_pending{false};

}  // namespace

int PyErr_CheckSignals(void) {
  // A relaxed load first: the common case (nothing pending) writes nothing.
  if (!g_interrupt_pending.load(std::memory_order_relaxed)) return 0;
  if (!g_interrupt_pending.exchange(false, std::memory_order_acquire)) return 0;
  ftrt::SetErrorString(PyExc_KeyboardInterrupt, "");
  return -1;
}

int PyErr_SetInterruptEx(int signum) {
  if (signum < 1 || signum >= NSIG) return -1;
  // CPython ignores a signal whose Python handler is SIG_IGN or SIG_DFL;
  // ftrt has a (default) Python handler for SIGINT only.
  if (signum == SIGINT) g_interrupt_pending.store(true, std::memory_order_release);
  return 0;
}

void PyErr_SetInterrupt(void) { (void)PyErr_SetInterruptEx(SIGINT); }

int PyOS_InterruptOccurred(void) {
  if (!g_interrupt_pending.load(std::memory_order_relaxed)) return 0;
  return g_interrupt_pending.exchange(false, std::memory_order_acquire) ? 1 : 0;
}

}  // extern "C"
