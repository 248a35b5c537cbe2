// One test per lifecycle transition of refcount.h's table (T1-T10), plus
// the fast paths' exact effect on the header.
#include "object/refcount.h"

#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>

#include "gtest/gtest.h"
#include "object/debug.h"
#include "object/refcount_testing.h"
#include "object/thread_objects.h"
#include "runtime/runtime.h"

namespace ftrt {
namespace {

using testing_util::Counters;
using testing_util::H;
using testing_util::LocalCount;
using testing_util::NewTestObject;
using testing_util::Owner;
using testing_util::SharedCount;
using testing_util::SharedState;
using testing_util::SpinUntil;
using testing_util::TestObject;

class RefcountTest : public testing_util::RuntimeTest {};

// T1 + T2: an object its owner alone ever touches is counted in the local
// field only, and freed at once when the owner drops the last reference.
TEST_F(RefcountTest, OwnerOnlyLife) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  EXPECT_TRUE(IsOwnedByCurrentThread(h));
  EXPECT_EQ(LocalCount(h), 1u);
  EXPECT_EQ(h->ob_ref_shared, 0);
  Incref(h);
  Incref(h);
  EXPECT_EQ(LocalCount(h), 3u);
  EXPECT_EQ(h->ob_ref_shared, 0);  // T1 never touches the shared word
  EXPECT_EQ(Refcount(h), 3);
  Decref(h);
  Decref(h);
  EXPECT_EQ(LocalCount(h), 1u);
  EXPECT_EQ(Counters().deallocs.load(), 0);
  obj.Reset();  // T2
  EXPECT_EQ(Counters().deallocs.load(), 1);
  EXPECT_EQ(Counters().last_dealloc_tid.load(), CurrentThreadId());
}

// T4, T3, T5: another thread takes a reference; the owner drops its own
// first (merge: unowned, MERGED, still alive); the other thread's drop is
// the last and frees it, on that thread.
TEST_F(RefcountTest, SharedThenDroppedByOwnerFirst) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  std::atomic<int> step{0};
  std::atomic<uintptr_t> other_tid{0};
  std::thread t = Spawn([&] {
    other_tid.store(CurrentThreadId());
    EXPECT_FALSE(IsOwnedByCurrentThread(h));
    Incref(h);  // T4
    step.store(1, std::memory_order_release);
    SpinUntil([&] { return step.load(std::memory_order_acquire) == 2; });
    EXPECT_EQ(Counters().deallocs.load(), 0);
    Decref(h);  // T5: the last reference
    EXPECT_EQ(Counters().deallocs.load(), 1);
  });
  SpinUntil([&] { return step.load(std::memory_order_acquire) == 1; });
  EXPECT_EQ(SharedCount(h), 1);
  EXPECT_EQ(SharedState(h), kRefDefault);
  EXPECT_EQ(LocalCount(h), 1u);
  obj.Reset();  // T3
  EXPECT_EQ(Counters().deallocs.load(), 0);
  EXPECT_EQ(Owner(h), 0u);
  EXPECT_EQ(SharedState(h), kRefMerged);
  EXPECT_EQ(SharedCount(h), 1);
  EXPECT_EQ(Refcount(h), 1);
  step.store(2, std::memory_order_release);
  Join(t);
  EXPECT_EQ(Counters().deallocs.load(), 1);
  EXPECT_EQ(Counters().last_dealloc_tid.load(), other_tid.load());
}

// T6, T7: a non-owner drops references the owner made for it; the first
// drop below zero queues the object (once), a second drop goes negative;
// the owner merges at its next safepoint and the total reaching zero frees
// it there, exactly once.
TEST_F(RefcountTest, DroppedByNonOwnerFirstIsQueuedMergedFreedOnce) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  Incref(h);
  Incref(h);  // two references for the other thread: local 3
  std::thread t = Spawn([&] {
    Decref(h);  // T6: count 0 -> QUEUED, the queue takes the decrement
    EXPECT_EQ(SharedState(h), kRefQueued);
    EXPECT_EQ(SharedCount(h), 0);
    Decref(h);  // T5 while QUEUED: count -1, no second queueing
    EXPECT_EQ(SharedState(h), kRefQueued);
    EXPECT_EQ(SharedCount(h), -1);
  });
  Join(t);
  EXPECT_EQ(QueuedObjectCount(), 1u);
  EXPECT_EQ(Refcount(h), 1);  // 3 + (-1) - 1 pending
  EXPECT_EQ(Counters().deallocs.load(), 0);
  ObjectHeader* raw = AsHeader(obj.Release());
  Decref(raw);  // local 2: the total is 0 now, but only a merge can tell
  EXPECT_EQ(Counters().deallocs.load(), 0);
  EXPECT_EQ(LocalCount(h), 2u);
  ThreadState::Current()->Safepoint();  // T7: the merge requested by T6
  EXPECT_EQ(QueuedObjectCount(), 0u);
  EXPECT_EQ(Counters().deallocs.load(), 1);
  EXPECT_EQ(MergeQueuedObjects(), 0u);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

// T6's fix-up runs after the thread's subtraction, when the thread no
// longer holds a reference. The hook (SetDecrefFixUpHookForTesting) runs
// once in that window, on the decrementing thread, and makes each of the
// things refcount.h says may happen there.
namespace t6_fixup {
std::atomic<bool> armed{false};
std::function<void(ObjectHeader*)>* action = nullptr;  // set before arming
void InTheWindow(ObjectHeader* op) {
  if (armed.exchange(false, std::memory_order_acq_rel)) (*action)(op);
}
// Installs the hook with `fn` for the next fix-up window; removes it at the
// end of the test.
class Arm {
 public:
  explicit Arm(std::function<void(ObjectHeader*)> fn) : fn_(std::move(fn)) {
    action = &fn_;
    armed.store(true, std::memory_order_release);
    internal::SetDecrefFixUpHookForTesting(&InTheWindow);
  }
  ~Arm() {
    internal::SetDecrefFixUpHookForTesting(nullptr);
    armed.store(false, std::memory_order_release);
    action = nullptr;
  }
  bool fired() const { return !armed.load(std::memory_order_acquire); }

 private:
  std::function<void(ObjectHeader*)> fn_;
};
}  // namespace t6_fixup

// T6 with an increment in the window: the count is back at 0 when the
// fix-up looks, so nothing is queued, and the owner's last drop later frees
// the object at once (T2) with the true total.
TEST_F(RefcountTest, IncrementBeforeTheFixUpLeavesNothingQueued) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = AsHeader(obj.Release());
  Incref(h);  // the other thread's reference: local 2
  t6_fixup::Arm arm([](ObjectHeader* op) {
    EXPECT_EQ(SharedCount(op), -1);  // the subtraction is already there
    EXPECT_EQ(SharedState(op), kRefDefault);
    Incref(op);  // a new reference, counted in the shared word: back to 0
  });
  std::thread t = Spawn([&] {
    Decref(h);  // 0 -> -1, then the window: the fix-up finds 0
    EXPECT_EQ(SharedCount(h), 0);
    EXPECT_EQ(SharedState(h), kRefDefault);
    // The reference the window took is handed to the owner below.
  });
  Join(t);
  EXPECT_TRUE(arm.fired());
  EXPECT_EQ(QueuedObjectCount(), 0u);
  EXPECT_EQ(Refcount(h), 2);  // the owner's and the handed-over one
  Decref(h);
  EXPECT_EQ(Counters().deallocs.load(), 0);
  Decref(h);  // local 0, shared word exactly 0: T2
  EXPECT_EQ(Counters().deallocs.load(), 1);
  EXPECT_EQ(Counters().last_dealloc_tid.load(), CurrentThreadId());
  EXPECT_EQ(MergeQueuedObjects(), 0u);
}

// T6 twice: a second subtraction below zero happens inside the first one's
// window and does its own fix-up; the first then finds QUEUED and leaves
// it. One queue entry, and one free after the merge.
TEST_F(RefcountTest, TwoDecrementsBelowZeroQueueTheObjectOnce) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = AsHeader(obj.Release());
  Incref(h);
  Incref(h);  // two references for the other thread: local 3
  t6_fixup::Arm arm([](ObjectHeader* op) {
    Decref(op);  // -1 -> -2, and this one's fix-up: QUEUED with -2 + 1
    EXPECT_EQ(SharedState(op), kRefQueued);
    EXPECT_EQ(SharedCount(op), -1);
  });
  std::thread t = Spawn([&] {
    Decref(h);
    EXPECT_EQ(SharedState(h), kRefQueued);  // the outer fix-up changed nothing
    EXPECT_EQ(SharedCount(h), -1);
  });
  Join(t);
  EXPECT_TRUE(arm.fired());
  EXPECT_EQ(QueuedObjectCount(), 1u);
  EXPECT_EQ(Refcount(h), 1);  // 3 + (-1) - 1 pending
  Decref(h);                  // local 2: a total of 0 that only a merge sees
  EXPECT_EQ(Counters().deallocs.load(), 0);
  EXPECT_EQ(MergeQueuedObjects(), 1u);  // T7
  EXPECT_EQ(Counters().deallocs.load(), 1);
  EXPECT_EQ(MergeQueuedObjects(), 0u);
}

// T6 with the owner's exit in the window: the owner merges local 1 with
// the count of -1 to 0 and frees the object (T8). The fix-up then reads a
// freed header (its word MERGED; under the sanitizers a block that free()
// has not had back yet, since this thread is not quiescent) and leaves it.
TEST_F(RefcountTest, OwnerExitBeforeTheFixUpFreesOnceAndNothingIsQueued) {
  auto per_id = std::make_unique<std::atomic<int>[]>(1);
  Counters().per_id_size.store(1, std::memory_order_relaxed);
  Counters().per_id.store(per_id.get(), std::memory_order_release);
  std::atomic<ObjectHeader*> target{nullptr};
  std::atomic<bool> in_window{false}, owner_gone{false};
  std::atomic<uintptr_t> owner_tid{0};
  t6_fixup::Arm arm([&](ObjectHeader* op) {
    EXPECT_EQ(SharedCount(op), -1);
    in_window.store(true, std::memory_order_release);
    // No safepoint while waiting: the thread must stay non-quiescent.
    while (!owner_gone.load(std::memory_order_acquire)) std::this_thread::yield();
  });
  std::thread dropper = Spawn([&] {
    while (target.load(std::memory_order_acquire) == nullptr) std::this_thread::yield();
    Decref(target.load(std::memory_order_relaxed));
  });
  std::thread owner = Spawn([&] {
    owner_tid.store(CurrentThreadId(), std::memory_order_relaxed);
    Ref<TestObject> obj = NewTestObject(0);
    target.store(AsHeader(obj.Release()), std::memory_order_release);  // the dropper's now
    while (!in_window.load(std::memory_order_acquire)) std::this_thread::yield();
  });  // exits with the object still owned: T8 merges it to 0 and frees it
  Join(owner);
  EXPECT_EQ(per_id[0].load(std::memory_order_relaxed), 1);
  owner_gone.store(true, std::memory_order_release);
  Join(dropper);
  EXPECT_TRUE(arm.fired());
  EXPECT_EQ(per_id[0].load(std::memory_order_relaxed), 1);
  EXPECT_EQ(Counters().deallocs.load(std::memory_order_relaxed), 1);
  EXPECT_EQ(Counters().last_dealloc_tid.load(std::memory_order_relaxed),
            owner_tid.load(std::memory_order_relaxed));
  EXPECT_EQ(QueuedObjectCount(), 0u);
  Counters().per_id.store(nullptr, std::memory_order_relaxed);
  Counters().per_id_size.store(0, std::memory_order_relaxed);
}

// T6 on a block that was freed and reused in the window. An increment
// brings the first object's count back to 0 and its owner frees it (T2),
// then allocates a second object of the same size, which in release builds
// takes the same block (the page's free list is last in, first out; under
// the sanitizers every object is its own malloc block). The second object
// is given a word of its own with a fix-up pending (made by hand: local 2,
// count -1, as another thread's subtraction leaves it). If the fix-up finds
// that word it does that object's fix-up, which is all it may do there:
// QUEUED to its owner, once; otherwise it leaves the freed block alone and
// the second object's word is as it was. Either way each object is freed
// exactly once.
TEST_F(RefcountTest, FixUpOnAReusedBlockDoesOnlyThatObjectsOwnFixUp) {
  auto per_id = std::make_unique<std::atomic<int>[]>(2);
  Counters().per_id_size.store(2, std::memory_order_relaxed);
  Counters().per_id.store(per_id.get(), std::memory_order_release);
  Ref<TestObject> first = NewTestObject(0);
  ObjectHeader* h = AsHeader(first.Release());
  Incref(h);  // the other thread's reference: local 2
  std::atomic<int> step{0};
  std::atomic<ObjectHeader*> second{nullptr};
  t6_fixup::Arm arm([&](ObjectHeader* op) {
    Incref(op);  // back to 0; this reference goes to the owner
    step.store(1, std::memory_order_release);
    while (step.load(std::memory_order_acquire) != 2) std::this_thread::yield();
  });
  std::thread t = Spawn([&] { Decref(h); });
  while (step.load(std::memory_order_acquire) != 1) std::this_thread::yield();
  Decref(h);
  Decref(h);  // T2: freed here
  EXPECT_EQ(per_id[0].load(), 1);
  ObjectHeader* s = AsHeader(NewTestObject(1).Release());
  Incref(s);
  std::atomic_ref<intptr_t>(s->ob_ref_shared).store(-kRefOne, std::memory_order_relaxed);
  second.store(s, std::memory_order_relaxed);
  const bool reused = s == h;
  step.store(2, std::memory_order_release);
  Join(t);
  EXPECT_TRUE(arm.fired());
  if (reused) {
    EXPECT_EQ(SharedState(s), kRefQueued);
    EXPECT_EQ(SharedCount(s), 0);
    EXPECT_EQ(QueuedObjectCount(), 1u);
  } else {
    EXPECT_EQ(SharedState(s), kRefDefault);
    EXPECT_EQ(SharedCount(s), -1);
    EXPECT_EQ(QueuedObjectCount(), 0u);
    // The pending fix-up the hand-made word stands for, done now.
    std::atomic_ref<intptr_t>(s->ob_ref_shared).store(kRefQueued, std::memory_order_relaxed);
    internal::QueueToOwner(s);
  }
  EXPECT_EQ(Refcount(s), 1);  // local 2 + count -1: the owner's one reference
  EXPECT_EQ(per_id[1].load(), 0);
  Decref(s);  // local 1: the total is 0, only the merge sees it
  EXPECT_EQ(MergeQueuedObjects(), 1u);
  EXPECT_EQ(per_id[0].load(), 1);
  EXPECT_EQ(per_id[1].load(), 1);
  Counters().per_id.store(nullptr, std::memory_order_relaxed);
  Counters().per_id_size.store(0, std::memory_order_relaxed);
}

// T7 with survivors: after the merge the object is unowned and MERGED, and
// the owner's own later drop goes through the shared count.
TEST_F(RefcountTest, MergedObjectIsCountedInTheSharedWordAfterwards) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  Incref(h);  // for the other thread
  std::thread t = Spawn([&] { Decref(h); });
  Join(t);
  EXPECT_EQ(MergeQueuedObjects(), 1u);
  EXPECT_EQ(Owner(h), 0u);
  EXPECT_EQ(SharedState(h), kRefMerged);
  EXPECT_EQ(SharedCount(h), 1);
  EXPECT_FALSE(IsOwnedByCurrentThread(h));
  Incref(h);
  EXPECT_EQ(SharedCount(h), 2);
  Decref(h);
  obj.Reset();
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

// T8: the owner exits while others hold references; its exit merges the
// object (unowned, MERGED, exact count) and the others free it later.
TEST_F(RefcountTest, OwnerExitsWhileOthersHoldReferences) {
  ObjectHeader* h = nullptr;
  uintptr_t owner_tid = 0;
  std::thread t = Spawn([&] {
    Ref<TestObject> obj = NewTestObject();
    Incref(obj.header());
    Incref(obj.header());  // two references for the main thread
    h = obj.header();
    owner_tid = CurrentThreadId();
  });  // exits holding one reference itself, dropped before its exit
  Join(t);
  EXPECT_NE(owner_tid, 0u);
  EXPECT_EQ(Owner(h), 0u);  // no later thread with the same id owns it
  EXPECT_EQ(rt().allocator().OwnerOf(h), 0u);
  EXPECT_EQ(SharedState(h), kRefMerged);
  EXPECT_EQ(SharedCount(h), 2);
  EXPECT_EQ(Counters().deallocs.load(), 0);
  Decref(h);
  EXPECT_EQ(Counters().deallocs.load(), 0);
  Decref(h);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

// T8 with a pending queue entry: the owner exits with an object in its
// queue; its exit drains the queue before anything else.
TEST_F(RefcountTest, OwnerExitDrainsItsQueue) {
  std::atomic<ObjectHeader*> shared{nullptr};
  std::atomic<int> step{0};
  std::thread owner = Spawn([&] {
    Ref<TestObject> obj = NewTestObject();
    shared.store(AsHeader(obj.Release()), std::memory_order_release);  // given away
    // No safepoint while waiting (SpinUntil would take one): a safepoint
    // drains the queue, and the entry must still be there at the exit.
    // Nothing stops the world meanwhile.
    while (step.load(std::memory_order_acquire) != 1) std::this_thread::yield();
    EXPECT_EQ(QueuedObjectCount(), 1u);
    // Exits without a safepoint: the exit path must merge it.
  });
  SpinUntil([&] { return shared.load(std::memory_order_acquire) != nullptr; });
  Decref(shared.load());  // T6: queued to the owner
  step.store(1, std::memory_order_release);
  Join(owner);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

// T9: a thread queues an object whose owner has unowned it meanwhile
// (ob_tid already 0, state not yet MERGED: the window inside T3/T8). It
// merges on the spot. The window is made by hand: the header is exactly
// what a racing T3 leaves between its ob_tid store and its CAS.
TEST_F(RefcountTest, QueueToAnOwnerThatLeftMergesOnTheSpot) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = AsHeader(obj.Release());
  Incref(h);  // the other thread's reference: local 2
  // As if the owner dropped both local references and is inside T3.
  std::atomic_ref<uint32_t>(h->ob_ref_local).store(1, std::memory_order_relaxed);
  std::atomic_ref<uintptr_t>(h->ob_tid).store(0, std::memory_order_relaxed);
  std::thread t = Spawn([&] {
    Decref(h);  // count 0, DEFAULT: T6, then QueueToOwner sees ob_tid 0: T9
  });
  Join(t);
  // Merged on the spot: local 1 + count 0 - 1 = 0: freed by that thread.
  EXPECT_EQ(Counters().deallocs.load(), 1);
  EXPECT_EQ(QueuedObjectCount(), 0u);
}

// T8 racing T9. The owner exits while another thread drops the reference
// it was given (local 1, count 0). The owner's T8 has stored ob_tid 0 and
// not yet published MERGED (the test hook holds it in that window) when
// the drop finds count 0 (T6), then ob_tid 0, and merges on the spot (T9):
// local 1 + 0 - 1 = 0, so that thread frees the object. The owner's RMW
// then finds the word MERGED with count 0: not its free. (Before the fix
// it folded nothing into the MERGED word, read count 0 and freed the object
// a second time; in release builds the page's free list, whose links are
// the blocks' ob_tid, then handed out a block in a thread's TLS.)
namespace t8_t9 {
std::atomic<ObjectHeader*> target{nullptr};
std::atomic<int> step{0};  // 1: the owner is in the window; 2: the drop is done
std::atomic<bool> entered{false};
void InTheWindow(ObjectHeader* op) {
  if (op != target.load(std::memory_order_acquire)) return;
  entered.store(true, std::memory_order_relaxed);
  EXPECT_EQ(Owner(op), 0u);
  EXPECT_NE(SharedState(op), kRefMerged);
  step.store(1, std::memory_order_release);
  while (step.load(std::memory_order_acquire) != 2) std::this_thread::yield();
}
}  // namespace t8_t9

TEST_F(RefcountTest, OwnerExitRacingAMergeOnTheSpotFreesOnce) {
  auto per_id = std::make_unique<std::atomic<int>[]>(1);
  Counters().per_id_size.store(1, std::memory_order_relaxed);
  Counters().per_id.store(per_id.get(), std::memory_order_release);
  t8_t9::target.store(nullptr, std::memory_order_relaxed);
  t8_t9::step.store(0, std::memory_order_relaxed);
  t8_t9::entered.store(false, std::memory_order_relaxed);
  internal::SetOwnerExitMergeHookForTesting(&t8_t9::InTheWindow);

  std::atomic<uintptr_t> dropper_tid{0};
  std::atomic<bool> owner_gone{false};
  std::thread dropper = Spawn([&] {
    dropper_tid.store(CurrentThreadId(), std::memory_order_relaxed);
    // Until the owner is in the window (or gone, should it never get
    // there: then the checks below fail instead of this test hanging).
    while (t8_t9::step.load(std::memory_order_acquire) != 1 &&
           !owner_gone.load(std::memory_order_acquire)) {
      std::this_thread::yield();
    }
    Decref(t8_t9::target.load(std::memory_order_acquire));  // T6, then T9: freed here
    EXPECT_EQ(Counters().deallocs.load(std::memory_order_relaxed), 1);
    t8_t9::step.store(2, std::memory_order_release);
  });
  std::thread owner = Spawn([&] {
    Ref<TestObject> obj = NewTestObject(0);
    // The reference is the dropper's now; the owner exits at once.
    t8_t9::target.store(AsHeader(obj.Release()), std::memory_order_release);
  });
  Join(owner);
  owner_gone.store(true, std::memory_order_release);
  Join(dropper);
  internal::SetOwnerExitMergeHookForTesting(nullptr);

  EXPECT_TRUE(t8_t9::entered.load(std::memory_order_relaxed))
      << "the owner's exit never merged the object";
  EXPECT_EQ(per_id[0].load(std::memory_order_relaxed), 1);
  EXPECT_EQ(Counters().deallocs.load(std::memory_order_relaxed), 1);
  EXPECT_EQ(Counters().last_dealloc_tid.load(std::memory_order_relaxed),
            dropper_tid.load(std::memory_order_relaxed));
  Counters().per_id.store(nullptr, std::memory_order_relaxed);
  Counters().per_id_size.store(0, std::memory_order_relaxed);
}

// T10: TryIncref succeeds on live objects and refuses the two DEAD words.
TEST_F(RefcountTest, TryIncrefRefusesOnlyWhatMayBeDead) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  EXPECT_TRUE(TryIncref(h));  // owner: local path
  EXPECT_EQ(LocalCount(h), 2u);
  Decref(h);
  std::atomic<int> results{0};
  std::thread t = Spawn([&] {
    // Not the owner, shared word exactly 0: the owner could free it with
    // no atomic at all (T2), so a non-owner must not add a reference.
    if (!TryIncref(h)) results.fetch_add(1);
  });
  Join(t);
  EXPECT_EQ(results.load(), 1);
  SetMaybeWeakref(h);
  EXPECT_EQ(SharedState(h), kRefMaybeWeakref);
  t = Spawn([&] {
    if (TryIncref(h)) {
      results.fetch_add(10);
      Decref(h);  // count back to 0, state stays MAYBE_WEAKREF
    }
  });
  Join(t);
  EXPECT_EQ(results.load(), 11);
  EXPECT_EQ(Refcount(h), 1);
  obj.Reset();  // T3 (the shared word is not 0): merged, count 0, freed
  EXPECT_EQ(Counters().deallocs.load(), 1);

  // The DEAD words, on a header no allocator owns.
  ObjectHeader dead{};
  dead.ob_tid = 12345;
  dead.ob_ref_shared = kRefMerged;
  EXPECT_FALSE(TryIncref(&dead));
  EXPECT_EQ(dead.ob_ref_shared, kRefMerged);
  dead.ob_ref_shared = 0;
  EXPECT_FALSE(TryIncref(&dead));
  EXPECT_EQ(dead.ob_ref_shared, 0);
  dead.ob_ref_shared = kRefQueued;  // QUEUED with count 0 is alive (pending)
  EXPECT_TRUE(TryIncref(&dead));
  EXPECT_EQ(dead.ob_ref_shared, kRefQueued + kRefOne);
}

// Immortal objects: every operation is a no-op that never writes.
TEST_F(RefcountTest, ImmortalObjectsAreNeverWritten) {
  static TestObject immortal = {PyObject_HEAD_INIT(testing_util::TestType()) nullptr, nullptr, 7};
  ObjectHeader* h = H(&immortal);
  EXPECT_TRUE(IsImmortal(h));
  unsigned char before[sizeof(ObjectHeader)];
  std::memcpy(before, h, sizeof before);
  Incref(h);
  Decref(h);
  EXPECT_TRUE(TryIncref(h));
  Decref(h);
  { Ref<> r = Ref<>::NewRef(h); }
  EXPECT_EQ(std::memcmp(before, h, sizeof before), 0);
  EXPECT_EQ(Refcount(h), static_cast<intptr_t>(kImmortalLocal));
}

// SetImmortal at run time: the object is never freed again.
TEST_F(RefcountTest, SetImmortalStopsCounting) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = AsHeader(obj.Release());
  SetImmortal(h);
  EXPECT_TRUE(IsImmortal(h));
  Decref(h);
  Decref(h);
  EXPECT_EQ(Counters().deallocs.load(), 0);
  EXPECT_STREQ(LifecycleStateName(h), "IMMORTAL");
  // Leaving it immortal would leak its memory to the allocator's teardown;
  // make it a plain owned object again so the test ends clean.
  std::atomic_ref<uint32_t>(h->ob_ref_local).store(1);
  std::atomic_ref<uintptr_t>(h->ob_tid).store(CurrentThreadId());
  Decref(h);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

// Deferred objects carry a bias: counting alone never frees them.
TEST_F(RefcountTest, DeferredObjectsAreNotFreedByCounting) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = AsHeader(obj.Release());
  SetDeferredRefcount(h);
  EXPECT_TRUE(HasDeferredRefcount(h));
  EXPECT_EQ(Refcount(h), kDeferredBias + 1);
  Decref(h);  // owner's last local reference: T3, merged with the bias
  EXPECT_EQ(Counters().deallocs.load(), 0);
  EXPECT_EQ(SharedState(h), kRefMerged);
  EXPECT_EQ(Refcount(h), kDeferredBias);
  EXPECT_EQ(CollectDeferred(rt()), 1u);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

}  // namespace
}  // namespace ftrt
