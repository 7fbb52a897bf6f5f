// core: the small foundation every other module stands on.
//
//   Status / Result<T>   errors at module boundaries (abseil-style codes, no exceptions)
//   Log                  leveled logging to stderr
//   ProgressBar          TTY-aware progress with rate and ETA (one summary line otherwise)
//   ThreadPool           fixed-size pool with a blocking ParallelFor
//   MappedFile           read-only mmap of a whole file
//   Hash64               xxHash-style 64-bit hashing of bytes
//
// Start here: every public function in frontline returns Status or Result<T>, and call
// sites read `FL_RETURN_IF_ERROR(s);` / `FL_ASSIGN_OR_RETURN(auto x, F());`.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace fl {

// ---------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------

// Canonical codes; each tells the caller what it may do next.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the input is wrong: do not retry with the same input
  kNotFound,            // a file, column or key does not exist
  kAlreadyExists,
  kFailedPrecondition,  // fix state first (e.g. model not calibrated)
  kOutOfRange,
  kDataLoss,            // corrupt or truncated file
  kUnavailable,         // transient: retry this call
  kResourceExhausted,   // back off
  kDeadlineExceeded,
  kUnimplemented,
  kInternal,
  kUnauthenticated,     // no valid credentials (an API key missing, invalid or revoked)
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "INVALID_ARGUMENT: tickets.csv:12: column 'body': invalid UTF-8 at byte 7".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status OutOfRangeError(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status UnimplementedError(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }

// Result<T>: a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}               // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}        // NOLINT: must not be OK
  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(v_); }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

#define FL_CONCAT_INNER_(a, b) a##b
#define FL_CONCAT_(a, b) FL_CONCAT_INNER_(a, b)
#define FL_RETURN_IF_ERROR(expr)          \
  do {                                    \
    ::fl::Status fl_s_ = (expr);          \
    if (!fl_s_.ok()) return fl_s_;        \
  } while (0)
#define FL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
#define FL_ASSIGN_OR_RETURN(lhs, expr) \
  FL_ASSIGN_OR_RETURN_IMPL_(FL_CONCAT_(fl_r_, __LINE__), lhs, expr)

// ---------------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------------

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kQuiet = 4 };

// Process-wide; set once from main (FRONTLINE_LOG=debug|info|warn|error or --verbose/--quiet).
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Thread-safe; one line to stderr, prefixed with the level.
void Log(LogLevel level, std::string_view message);
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }

// ---------------------------------------------------------------------------------------
// ProgressBar
// ---------------------------------------------------------------------------------------

// Shows "label [=====>    ] 42% 1.2M/s ETA 3s" on a TTY (stderr), redrawn at most 10x a
// second. When stderr is not a TTY it prints nothing until Finish(), then one summary line
// ("label: 12000 items in 1.3s (9.2k/s)"). Add() is thread-safe.
class ProgressBar {
 public:
  // total == 0 means unknown (no percentage or ETA).
  ProgressBar(std::string label, uint64_t total, std::string unit = "items");
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Add(uint64_t n);
  void Finish();  // idempotent; called by the destructor

 private:
  void Draw(bool final_line);
  std::string label_, unit_;
  uint64_t total_;
  std::atomic<uint64_t> done_{0};
  std::atomic<int64_t> last_draw_us_{0};
  std::chrono::steady_clock::time_point start_;
  bool tty_;
  bool finished_ = false;
  std::mutex draw_mu_;
};

// Formats 1234567 -> "1.2M", 0.5 -> "0.5".
std::string HumanCount(double n);

// ---------------------------------------------------------------------------------------
// ThreadPool
// ---------------------------------------------------------------------------------------

// A fixed set of worker threads. ParallelFor splits [0, n) into contiguous chunks, one per
// worker (static split, as the training and inference loops want), and blocks until all
// finish. Not reentrant: do not call ParallelFor from inside a task.
class ThreadPool {
 public:
  explicit ThreadPool(int n_threads);  // n_threads <= 0: hardware concurrency
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  // fn(thread_index, begin, end) for each of size() chunks; the caller's thread runs one.
  void ParallelFor(size_t n, const std::function<void(int, size_t, size_t)>& fn);

 private:
  void WorkerLoop(int index);
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int, size_t, size_t)>* job_ = nullptr;
  size_t job_n_ = 0;
  // Written under mu_, read without it too: workers and the caller spin on them briefly
  // before they sleep, since a job often follows the last within microseconds (one per
  // generated token) and a wake-up costs tens of them.
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  bool stop_ = false;
};

// ---------------------------------------------------------------------------------------
// MappedFile
// ---------------------------------------------------------------------------------------

struct MapOptions {
  // Back the mapping with 2 MiB pages where the kernel can (Linux with large page-cache
  // folios and transparent huge pages in "madvise" or "always" mode): the mapping is
  // 2 MiB-aligned, marked MADV_HUGEPAGE and read in at open; when the file's cached pages
  // turn out to be small ones, they are dropped (POSIX_FADV_DONTNEED) and read again in
  // 2 MiB units. A stream over the whole file (an LM's weights, once per token) ran up to
  // 1.4x faster from a file cached that way on the machine measured. Falls back to
  // ordinary pages silently.
  bool huge_pages = false;
};

// A whole file mapped read-only. Immutable after Open, so safe to share across threads.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path, const MapOptions& options = {});
  MappedFile() = default;
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }
  const std::string& path() const { return path_; }
  // Bytes the kernel maps with 2 MiB pages (read at open; 0 without huge_pages).
  size_t huge_bytes() const { return huge_bytes_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t huge_bytes_ = 0;
};

// ---------------------------------------------------------------------------------------
// Files, hashing, time
// ---------------------------------------------------------------------------------------

Result<std::string> ReadFile(const std::string& path);
// Writes to path.tmp, fsyncs, renames over path: readers never see a half-written file.
Status WriteFileAtomic(const std::string& path, std::string_view contents);

// 64-bit hash of bytes (xxHash64-like mixing; stable across platforms and versions,
// because feature ids in model files depend on it).
uint64_t Hash64(std::string_view bytes, uint64_t seed = 0);
// Lower-case hex of Hash64, 16 chars.
std::string HexHash64(std::string_view bytes);

double NowSeconds();            // monotonic
std::string UtcTimestamp();     // "2026-11-29T07:30:00Z"

}  // namespace fl
