// Reading and checking an extension's ABI tag before it is loaded.
//
// Every translation unit compiled against ftrt's Python.h carries an ELF
// note "ftrt" (ext_abi/include/ftrt_abi.h explains the design and its
// layout). The loader calls CheckExtensionAbi(path) before dlopen: it reads
// the file's program headers and PT_NOTE segments with plain reads, so
// nothing of a foreign shared object runs (not even its constructors), and
// refuses a file whose notes are missing, disagree with each other, or
// disagree with this runtime's, with a message the loader turns into the
// ImportError (what is wrong, and how to rebuild).
//
// Only 64-bit little-endian ELF files of this machine are accepted.
#ifndef FTRT_EXT_ABI_ABI_TAG_H_
#define FTRT_EXT_ABI_ABI_TAG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ftrt::ext {

// The contents of a note (ftrt_abi_desc).
struct AbiTag {
  uint32_t abi_version = 0;
  uint32_t py_version_hex = 0;
  uint32_t flags = 0;  // FTRT_ABI_FLAG_*
  uint16_t sizeof_object = 0;
  uint16_t sizeof_varobject = 0;
  uint16_t sizeof_typeobject = 0;
  uint16_t sizeof_moduledef = 0;

  friend bool operator==(const AbiTag&, const AbiTag&) = default;
};

// What ReadAbiTag found.
struct AbiTagInfo {
  AbiTag tag;
  int notes = 0;  // how many "ftrt" notes the file holds (all equal)
};

// Reads the file's "ftrt" notes. Errors:
//   NotFound            the file cannot be opened or read;
//   InvalidArgument     not a 64-bit little-endian ELF file of this machine,
//                       or malformed headers;
//   FailedPrecondition  no "ftrt" note (not built against ftrt's Python.h),
//                       or notes that disagree (objects compiled against two
//                       different headers linked together).
absl::StatusOr<AbiTagInfo> ReadAbiTag(const std::string& path);

// The tag this build's Python.h writes (what a compatible extension built
// in this configuration carries).
AbiTag ExpectedAbiTag();

// OK if the extension at `path` may be loaded into this runtime; otherwise
// a FailedPrecondition (or ReadAbiTag's error) whose message is the
// ImportError's text. Sanitizer and debug-check flags may differ (they are
// reported by tools/ft check, not refused); the ABI version, the GIL flag
// and the struct sizes must match.
absl::Status CheckExtensionAbi(const std::string& path);

// A one-line description of a tag, for messages: "ftrt ABI 1 (C API 3.13,
// free-threaded, debug checks, TSan)".
std::string DescribeAbiTag(const AbiTag& tag);

}  // namespace ftrt::ext

#endif  // FTRT_EXT_ABI_ABI_TAG_H_
