// The index folder: MANIFEST, segment file names, the writer lock, clean-up.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "knowledge/segment.h"

namespace fl::knowledge {
namespace {

constexpr const char* kManifest = "/MANIFEST";
constexpr int kFormatVersion = 2;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::string SegmentFileName(uint64_t generation) {
  char name[40];
  std::snprintf(name, sizeof name, "seg-%06llu.fls", static_cast<unsigned long long>(generation));
  return name;
}

uint64_t LastGeneration(const std::string& dir) {
  uint64_t last = 0;
  if (auto m = ReadManifest(dir); m.ok()) last = m->generation;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    unsigned long long g = 0;
    if (std::sscanf(entry.path().filename().string().c_str(), "seg-%llu.fls", &g) == 1) last = std::max<uint64_t>(last, g);
  }
  return last;
}

Result<Manifest> ReadManifest(const std::string& dir) {
  const std::string path = dir + kManifest;
  if (!std::filesystem::exists(path)) {
    if (std::filesystem::exists(dir + "/index.flk")) {
      return FailedPreconditionError(dir + ": written by an older frontline (index.flk); rebuild it with "
                                           "frontline index --out " + dir + " PATH...");
    }
    return NotFoundError(dir + ": no index here (no MANIFEST); build one with frontline index --out " + dir +
                         " PATH...");
  }
  FL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto bad = [&](const std::string& why) { return DataLossError(path + ": not a valid index manifest: " + why); };
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("format", "") != "frontline-knowledge") return bad("not JSON of the right format");
  if (j.value("version", 0) != kFormatVersion) {
    return bad("version " + std::to_string(j.value("version", 0)) + ", this frontline reads " +
               std::to_string(kFormatVersion));
  }
  Manifest m;
  try {
    m.generation = j.at("generation").get<uint64_t>();
    m.options.k1 = j.at("k1").get<double>();
    m.options.b = j.at("b").get<double>();
    m.options.weights = j.at("weights").get<std::array<double, kNumFields>>();
    m.options.analyzer.stem = j.at("stem").get<bool>();
    m.options.analyzer.stopwords = j.at("stopwords").get<bool>();
    for (const auto& s : j.at("segments")) {
      Manifest::Entry e{s.at("file").get<std::string>(), s.at("deleted").get<std::vector<uint32_t>>()};
      if (e.file.empty() || e.file.find('/') != std::string::npos || e.file[0] == '.') return bad("segment file name");
      m.segments.push_back(std::move(e));
    }
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
  return m;
}

Status WriteManifest(const std::string& dir, const Manifest& m) {
  nlohmann::json segments = nlohmann::json::array();
  for (const Manifest::Entry& e : m.segments) segments.push_back({{"file", e.file}, {"deleted", e.deleted}});
  const nlohmann::json j = {{"format", "frontline-knowledge"},
                            {"version", kFormatVersion},
                            {"generation", m.generation},
                            {"k1", m.options.k1},
                            {"b", m.options.b},
                            {"weights", m.options.weights},
                            {"stem", m.options.analyzer.stem},
                            {"stopwords", m.options.analyzer.stopwords},
                            {"segments", segments},
                            {"updated", UtcTimestamp()}};
  FL_RETURN_IF_ERROR(WriteFileAtomic(dir + kManifest, j.dump(1) + "\n"));
  // The rename is durable only once the folder is synced.
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return UnavailableError(Errno("cannot open " + dir));
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? OkStatus() : UnavailableError(Errno("cannot sync " + dir));
}

void RemoveUnreferenced(const std::string& dir, const Manifest& m) {
  std::set<std::string> keep;
  for (const Manifest::Entry& e : m.segments) keep.insert(e.file);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool segment = name.rfind("seg-", 0) == 0;
    const bool temporary = name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0;
    if ((segment && !keep.count(name)) || temporary || name == "index.flk") {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

Result<WriterLock> WriterLock::Acquire(const std::string& dir) {
  const std::string path = dir + "/LOCK";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return UnavailableError(Errno("cannot open " + path));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    LogInfo("waiting for another frontline writing " + dir + " ...");
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        const std::string msg = Errno("cannot lock " + path);
        ::close(fd);
        return UnavailableError(msg);
      }
    }
  }
  return WriterLock(fd);
}

WriterLock::~WriterLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace fl::knowledge
