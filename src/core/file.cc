#include <fcntl.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "core/core.h"

namespace fl {

static std::string ErrnoMessage(const std::string& what, const std::string& path) {
  return path + ": " + what + ": " + std::strerror(errno);
}

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

// Maps size bytes of fd read-only at a 2 MiB-aligned address; MAP_FAILED on failure.
void* MapAligned(int fd, size_t size) {
  void* reserved = ::mmap(nullptr, size + kHugePage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserved == MAP_FAILED) return MAP_FAILED;
  uint8_t* base = static_cast<uint8_t*>(reserved);
  uint8_t* at = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(base) + kHugePage - 1) & ~(kHugePage - 1));
  void* p = ::mmap(at, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
  if (p == MAP_FAILED) {
    ::munmap(reserved, size + kHugePage);
    return MAP_FAILED;
  }
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  uint8_t* end = at + (size + page - 1) / page * page;
  if (at > base) ::munmap(base, at - base);
  if (base + size + kHugePage > end) ::munmap(end, base + size + kHugePage - end);
  return p;
}

// Reads one byte per 2 MiB, so every part is faulted in (and read from disk if need be).
void Touch(const uint8_t* p, size_t size) {
  uint8_t sum = 0;
  for (size_t i = 0; i < size; i += kHugePage) sum ^= reinterpret_cast<const volatile uint8_t*>(p)[i];
  asm volatile("" : : "r"(sum));
}

// The bytes of the mapping that starts at addr that the kernel maps with 2 MiB entries
// (/proc/self/smaps' FilePmdMapped); -1 when that cannot be read.
int64_t PmdMappedBytes(const void* addr) {
  std::FILE* f = std::fopen("/proc/self/smaps", "re");
  if (f == nullptr) return -1;
  char line[512];
  bool ours = false;
  size_t kb = 0;
  int64_t found = -1;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long start = 0, end = 0;
    if (std::sscanf(line, "%lx-%lx ", &start, &end) == 2 && std::strchr(line, ':') != nullptr &&
        line[std::strspn(line, "0123456789abcdef")] == '-') {
      ours = start == reinterpret_cast<uintptr_t>(addr);
    } else if (ours && std::sscanf(line, "FilePmdMapped: %zu kB", &kb) == 1) {
      found = static_cast<int64_t>(kb) * 1024;
      break;
    }
  }
  std::fclose(f);
  return found;
}

// Whether this kernel's release is at least major.minor.
bool KernelAtLeast(int major, int minor) {
  struct utsname u {};
  int got_major = 0, got_minor = 0;
  if (::uname(&u) != 0 || std::sscanf(u.release, "%d.%d", &got_major, &got_minor) != 2) return false;
  return got_major > major || (got_major == major && got_minor >= minor);
}

// Whether dropping the file's cached pages and reading it again can give 2 MiB pages:
// transparent huge pages not switched off, and a local file system whose page cache holds
// large folios (XFS since Linux 5.18, ext4 since 6.16). Elsewhere (older kernels, NFS,
// tmpfs, FUSE ...) a re-read would only cost a second read of the whole file, perhaps
// over the network, on every load, for nothing.
bool RereadCanHelp(int fd) {
  std::FILE* f = std::fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
  if (f == nullptr) return false;
  char mode[128] = {};
  const bool read = std::fgets(mode, sizeof mode, f) != nullptr;
  std::fclose(f);
  if (!read || std::strstr(mode, "[never]") != nullptr) return false;
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return false;
  constexpr long kExt4 = 0xEF53, kXfs = 0x58465342;
  return (fs.f_type == kXfs && KernelAtLeast(5, 18)) || (fs.f_type == kExt4 && KernelAtLeast(6, 16));
}

// Maps the file with 2 MiB pages if it can (see MapOptions); MAP_FAILED if it cannot map
// at all. *huge receives the bytes mapped with 2 MiB pages.
void* MapHuge(int fd, size_t size, size_t* huge) {
  void* p = MapAligned(fd, size);
  if (p == MAP_FAILED) return ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  // The share mapped with 2 MiB pages once the whole file is read in; -1: unknown.
  auto advise_and_touch = [&]() -> int64_t {
    if (::madvise(p, size, MADV_HUGEPAGE) != 0) return -1;  // no transparent huge pages
    Touch(static_cast<const uint8_t*>(p), size);
    return PmdMappedBytes(p);
  };
  const int64_t first = advise_and_touch();
  *huge = first > 0 ? static_cast<size_t>(first) : 0;
  // Most of the file is cached in small pages: drop them (only pages no one maps go) and
  // read it again through the huge-page mapping. Not when the share is unknown.
  if (first >= 0 && *huge < size / 10 * 9 && size >= 4 * kHugePage && RereadCanHelp(fd)) {
    ::munmap(p, size);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    p = MapAligned(fd, size);
    if (p == MAP_FAILED) {
      *huge = 0;
      return ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    const int64_t again = advise_and_touch();
    *huge = again > 0 ? static_cast<size_t>(again) : 0;
  }
  return p;
}

}  // namespace

Result<MappedFile> MappedFile::Open(const std::string& path, const MapOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError(path + ": no such file");
    return InvalidArgumentError(ErrnoMessage("cannot open", path));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return InvalidArgumentError(ErrnoMessage("cannot stat", path));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgumentError(path + ": not a regular file");
  }
  MappedFile f;
  f.path_ = path;
  f.size_ = static_cast<size_t>(st.st_size);
  if (f.size_ > 0) {
    void* p = options.huge_pages ? MapHuge(fd, f.size_, &f.huge_bytes_)
                                 : ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      return InvalidArgumentError(ErrnoMessage("cannot mmap", path));
    }
    f.data_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);
  return f;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : path_(std::move(o.path_)), data_(o.data_), size_(o.size_), huge_bytes_(o.huge_bytes_) {
  o.data_ = nullptr;
  o.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
    path_ = std::move(o.path_);
    data_ = o.data_;
    size_ = o.size_;
    huge_bytes_ = o.huge_bytes_;
    o.data_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

Result<std::string> ReadFile(const std::string& path) {
  FL_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
  return std::string(f.view());
}

Status WriteFileAtomic(const std::string& path, std::string_view contents) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return InvalidArgumentError(ErrnoMessage("cannot create", tmp));
  size_t off = 0;
  while (off < contents.size()) {
    const ssize_t w = ::write(fd, contents.data() + off, contents.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      const std::string msg = ErrnoMessage("write failed", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return UnavailableError(msg);
    }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return UnavailableError(ErrnoMessage("fsync/close failed", tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return UnavailableError(ErrnoMessage("rename failed", path));
  }
  return OkStatus();
}

// 64-bit hash with xxHash64's primes and avalanche; fixed forever (model files store
// hashed feature ids).
uint64_t Hash64(std::string_view s, uint64_t seed) {
  constexpr uint64_t P1 = 11400714785074694791ULL, P2 = 14029467366897019727ULL,
                     P3 = 1609587929392839161ULL, P4 = 9650029242287828579ULL,
                     P5 = 2870177450012600261ULL;
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  auto read64 = [](const char* p) { uint64_t v; std::memcpy(&v, p, 8); return v; };
  auto read32 = [](const char* p) { uint32_t v; std::memcpy(&v, p, 4); return v; };
  auto round = [&](uint64_t acc, uint64_t in) { return rotl(acc + in * P2, 31) * P1; };
  const char* p = s.data();
  const char* const end = p + s.size();
  uint64_t h;
  if (s.size() >= 32) {
    uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    while (p + 32 <= end) {
      v1 = round(v1, read64(p)); v2 = round(v2, read64(p + 8));
      v3 = round(v3, read64(p + 16)); v4 = round(v4, read64(p + 24));
      p += 32;
    }
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    for (uint64_t v : {v1, v2, v3, v4}) h = (h ^ round(0, v)) * P1 + P4;
  } else {
    h = seed + P5;
  }
  h += s.size();
  while (p + 8 <= end) { h = rotl(h ^ round(0, read64(p)), 27) * P1 + P4; p += 8; }
  if (p + 4 <= end) { h = rotl(h ^ (read32(p) * P1), 23) * P2 + P3; p += 4; }
  while (p < end) { h = rotl(h ^ (static_cast<uint8_t>(*p) * P5), 11) * P1; ++p; }
  h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32;
  return h;
}

std::string HexHash64(std::string_view bytes) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(Hash64(bytes)));
  return buf;
}

}  // namespace fl
