// Ref<T>: an owned (strong) reference, for C++ users of ftrt objects.
//
// One Ref holds one counted reference and drops it when destroyed. It is
// move-only: a copy would hide an increment, so copies are spelled Clone().
// Release() hands the reference to code that takes ownership of a raw
// pointer (a C API caller: CPython's "new reference" return), Borrow()
// lends the pointer without touching the count. Like Chromium's
// scoped_refptr and cppgc's Member, minus the implicit copies; pybind11's
// object/handle split is the same idea on CPython.
//
// T is ObjectHeader or any standard-layout struct whose first member is
// the header (a C-style object struct such as PyTypeObject or an
// extension's struct with PyObject_HEAD).
//
// Memory ordering: that of Incref/Decref (refcount.h). The destructor and
// Reset may deallocate the object and so run arbitrary code: do not hold
// internal locks when a Ref goes out of scope.
#ifndef FTRT_OBJECT_REF_H_
#define FTRT_OBJECT_REF_H_

#include <cstddef>
#include <type_traits>
#include <utility>

#include "object/refcount.h"

namespace ftrt {

template <typename T = ObjectHeader>
class [[nodiscard]] Ref {
 public:
  constexpr Ref() noexcept = default;
  constexpr Ref(std::nullptr_t) noexcept {}  // NOLINT: a null Ref

  // Adopts a reference the caller already owns (a "new reference").
  static Ref Steal(T* p) noexcept { return Ref(p); }
  // Adds a reference to a borrowed pointer (Incref). p may be null.
  static Ref NewRef(T* p) noexcept {
    if (p != nullptr) Incref(AsHeader(p));
    return Ref(p);
  }

  Ref(Ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Ref& operator=(Ref&& other) noexcept {
    if (this != &other) Reset(std::exchange(other.p_, nullptr));
    return *this;
  }
  // Upcast from a Ref to a type whose struct begins with this one.
  template <typename U, typename = std::enable_if_t<!std::is_same_v<U, T> &&
                                                    std::is_same_v<T, ObjectHeader>>>
  Ref(Ref<U>&& other) noexcept  // NOLINT: implicit upcast to ObjectHeader
      : p_(other.p_ == nullptr ? nullptr : AsHeader(other.Release())) {}

  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;

  ~Ref() {
    if (p_ != nullptr) Decref(AsHeader(p_));
  }

  // A second reference to the same object.
  Ref Clone() const noexcept { return NewRef(p_); }

  // Gives up ownership without touching the count; the caller now owns it.
  [[nodiscard]] T* Release() noexcept { return std::exchange(p_, nullptr); }

  // The pointer, without a reference (valid while this Ref holds one).
  T* Borrow() const noexcept { return p_; }
  T* get() const noexcept { return p_; }
  ObjectHeader* header() const noexcept { return p_ == nullptr ? nullptr : AsHeader(p_); }
  T* operator->() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

  // Drops the held reference (if any) and holds `p` (already owned).
  void Reset(T* p = nullptr) noexcept {
    T* old = std::exchange(p_, p);
    if (old != nullptr) Decref(AsHeader(old));
  }

  // Reinterprets the reference as one to another object struct (no check:
  // the caller knows the type, as with a C cast of PyObject*).
  template <typename U>
  Ref<U> Cast() && noexcept {
    return Ref<U>::Steal(reinterpret_cast<U*>(Release()));
  }

  friend bool operator==(const Ref& a, const Ref& b) { return a.p_ == b.p_; }
  friend bool operator==(const Ref& a, std::nullptr_t) { return a.p_ == nullptr; }

 private:
  template <typename U>
  friend class Ref;
  explicit Ref(T* p) noexcept : p_(p) {}

  T* p_ = nullptr;
};

}  // namespace ftrt

#endif  // FTRT_OBJECT_REF_H_
