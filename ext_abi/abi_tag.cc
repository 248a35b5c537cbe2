// Reading an extension's ABI tag from its ELF file; see abi_tag.h and
// include/ftrt_abi.h.
#include "ext_abi/abi_tag.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_format.h"

// The runtime's own sources are not extensions: no note here.
#define FTRT_NO_ABI_TAG 1
#include "ftrt_abi.h"

namespace ftrt::ext {
namespace {

// Notes larger than this are not ours to parse (a PT_NOTE segment is
// normally a few hundred bytes).
constexpr uint64_t kMaxNoteSegment = uint64_t{1} << 20;

#if defined(__x86_64__)
constexpr uint16_t kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kMachine = EM_AARCH64;
#else
#error "add this machine's ELF e_machine"
#endif

class File {
 public:
  explicit File(const std::string& path) : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  // Reads exactly n bytes at offset; false on a short read or error.
  bool ReadAt(uint64_t offset, void* buf, size_t n) const {
    auto* p = static_cast<char*>(buf);
    while (n > 0) {
      ssize_t r = pread(fd_, p, n, static_cast<off_t>(offset));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      p += r;
      n -= static_cast<size_t>(r);
      offset += static_cast<uint64_t>(r);
    }
    return true;
  }

 private:
  int fd_;
};

AbiTag FromDesc(const ftrt_abi_desc& d) {
  AbiTag t;
  t.abi_version = d.abi_version;
  t.py_version_hex = d.py_version_hex;
  t.flags = d.flags;
  t.sizeof_object = d.sizeof_object;
  t.sizeof_varobject = d.sizeof_varobject;
  t.sizeof_typeobject = d.sizeof_typeobject;
  t.sizeof_moduledef = d.sizeof_moduledef;
  return t;
}

uint64_t AlignUp(uint64_t n, uint64_t a) { return (n + a - 1) & ~(a - 1); }

// Appends every "ftrt" note of one PT_NOTE segment to `out`. Note entries
// are aligned to the segment's p_align (4, or 8 for some GNU notes).
absl::Status ParseNotes(const std::vector<char>& seg, uint64_t align, const std::string& path,
                        std::vector<AbiTag>* out) {
  uint64_t pos = 0;
  while (pos + 12 <= seg.size()) {
    uint32_t namesz, descsz, type;
    std::memcpy(&namesz, seg.data() + pos, 4);
    std::memcpy(&descsz, seg.data() + pos + 4, 4);
    std::memcpy(&type, seg.data() + pos + 8, 4);
    const uint64_t name_at = pos + 12;
    const uint64_t desc_at = name_at + AlignUp(namesz, align);
    const uint64_t next = desc_at + AlignUp(descsz, align);
    if (next > seg.size() || next <= pos) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: malformed ELF note", path));
    }
    if (namesz == sizeof(FTRT_ABI_NOTE_NAME) &&
        std::memcmp(seg.data() + name_at, FTRT_ABI_NOTE_NAME, namesz) == 0 &&
        type == FTRT_ABI_NOTE_TYPE) {
      ftrt_abi_desc desc{};
      // A different size is a different layout of the tag itself: keep
      // what fits (abi_version first, always), so the mismatch is reported
      // with the version the file claims.
      std::memcpy(&desc, seg.data() + desc_at,
                  descsz < sizeof(desc) ? descsz : sizeof(desc));
      out->push_back(FromDesc(desc));
    }
    pos = next;
  }
  return absl::OkStatus();
}

}  // namespace

std::string DescribeAbiTag(const AbiTag& tag) {
  std::string s = absl::StrFormat("ftrt ABI %u (C API %u.%u", tag.abi_version,
                                  (tag.py_version_hex >> 24) & 0xff,
                                  (tag.py_version_hex >> 16) & 0xff);
  s += (tag.flags & FTRT_ABI_FLAG_GIL_DISABLED) ? ", free-threaded" : ", GIL build";
  if (tag.flags & FTRT_ABI_FLAG_DEBUG_CHECKS) s += ", debug checks";
  if (tag.flags & FTRT_ABI_FLAG_TSAN) s += ", TSan";
  if (tag.flags & FTRT_ABI_FLAG_ASAN) s += ", ASan";
  s += ")";
  return s;
}

AbiTag ExpectedAbiTag() {
  const ftrt_abi_desc d = {
      FTRT_ABI_VERSION,
      PY_VERSION_HEX,
      FTRT_ABI_FLAGS,
      static_cast<uint16_t>(sizeof(PyObject)),
      static_cast<uint16_t>(sizeof(PyVarObject)),
      static_cast<uint16_t>(sizeof(PyTypeObject)),
      static_cast<uint16_t>(sizeof(PyModuleDef)),
      0,
  };
  return FromDesc(d);
}

absl::StatusOr<AbiTagInfo> ReadAbiTag(const std::string& path) {
  File file(path);
  if (!file.ok()) {
    return absl::NotFoundError(
        absl::StrFormat("cannot open %s: %s", path, std::strerror(errno)));
  }
  Elf64_Ehdr eh;
  if (!file.ReadAt(0, &eh, sizeof eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return absl::InvalidArgumentError(absl::StrFormat("%s is not an ELF file", path));
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
      eh.e_machine != kMachine) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is an ELF file for another machine or word size", path));
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: malformed ELF program headers", path));
  }

  std::vector<AbiTag> tags;
  for (uint16_t i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    if (!file.ReadAt(eh.e_phoff + uint64_t{i} * sizeof ph, &ph, sizeof ph)) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: truncated ELF program headers", path));
    }
    if (ph.p_type != PT_NOTE) continue;
    if (ph.p_filesz > kMaxNoteSegment) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: oversized ELF note segment", path));
    }
    std::vector<char> seg(ph.p_filesz);
    if (!file.ReadAt(ph.p_offset, seg.data(), seg.size())) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: truncated ELF note segment", path));
    }
    absl::Status st = ParseNotes(seg, ph.p_align == 8 ? 8 : 4, path, &tags);
    if (!st.ok()) return st;
  }

  if (tags.empty()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s was not built against ftrt's Python.h: it carries no ftrt ABI tag (ELF note "
        "\"ftrt\" in section %s). A module built against another Python.h, such as a "
        "CPython build's, inlines Py_INCREF, Py_TYPE and friends for another object layout "
        "and would corrupt ftrt's objects, so it is not loaded. Rebuild it against ftrt's "
        "headers (the flags of `tools/ft config --cflags`).",
        path, FTRT_ABI_NOTE_SECTION));
  }
  for (const AbiTag& t : tags) {
    if (!(t == tags.front())) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s links objects compiled against different ftrt headers (%s and %s); rebuild "
          "every object of it against one version of ftrt's Python.h.",
          path, DescribeAbiTag(tags.front()), DescribeAbiTag(t)));
    }
  }
  AbiTagInfo info;
  info.tag = tags.front();
  info.notes = static_cast<int>(tags.size());
  return info;
}

absl::Status CheckExtensionAbi(const std::string& path) {
  absl::StatusOr<AbiTagInfo> info = ReadAbiTag(path);
  if (!info.ok()) return info.status();
  const AbiTag& got = info->tag;
  const AbiTag want = ExpectedAbiTag();
  const bool compatible =
      got.abi_version == want.abi_version && got.py_version_hex >> 16 == want.py_version_hex >> 16 &&
      (got.flags & FTRT_ABI_FLAG_GIL_DISABLED) != 0 && got.sizeof_object == want.sizeof_object &&
      got.sizeof_varobject == want.sizeof_varobject &&
      got.sizeof_typeobject == want.sizeof_typeobject &&
      got.sizeof_moduledef == want.sizeof_moduledef;
  if (compatible) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s was built against %s, but this runtime is %s; rebuild it against this ftrt's "
      "Python.h (the flags of `tools/ft config --cflags`).",
      path, DescribeAbiTag(got), DescribeAbiTag(want)));
}

}  // namespace ftrt::ext
