#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>

#include "core/core.h"

namespace fl {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_log_mu;

bool StderrIsTty() {
  static const bool tty = isatty(STDERR_FILENO) != 0;
  return tty;
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }

void Log(LogLevel level, std::string_view message) {
  if (level == LogLevel::kQuiet || static_cast<int>(level) < g_level.load()) return;
  static constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
  std::lock_guard<std::mutex> lock(g_log_mu);
  std::fprintf(stderr, "%s: %.*s\n", kNames[static_cast<int>(level)],
               static_cast<int>(message.size()), message.data());
}

std::string HumanCount(double n) {
  char buf[32];
  const double a = std::fabs(n);
  if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.1fG", n / 1e9);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  else if (a >= 1e4) std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  else if (a >= 100 || n == std::floor(n)) std::snprintf(buf, sizeof buf, "%.0f", n);
  else std::snprintf(buf, sizeof buf, "%.2g", n);
  return buf;
}

ProgressBar::ProgressBar(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      tty_(StderrIsTty() && GetLogLevel() <= LogLevel::kInfo) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Add(uint64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  if (!tty_) return;
  const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - start_).count();
  int64_t last = last_draw_us_.load(std::memory_order_relaxed);
  if (now_us - last < 100000) return;
  if (!last_draw_us_.compare_exchange_strong(last, now_us)) return;
  Draw(false);
}

void ProgressBar::Finish() {
  {
    std::lock_guard<std::mutex> lock(draw_mu_);
    if (finished_) return;
    finished_ = true;
  }
  if (GetLogLevel() > LogLevel::kInfo) return;
  Draw(true);
}

void ProgressBar::Draw(bool final_line) {
  std::lock_guard<std::mutex> lock(draw_mu_);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const uint64_t done = done_.load();
  const double rate = secs > 0 ? done / secs : 0;
  std::lock_guard<std::mutex> log_lock(g_log_mu);
  if (final_line) {
    if (tty_) std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "%s: %s %s in %.2fs (%s/s)\n", label_.c_str(), HumanCount(done).c_str(),
                 unit_.c_str(), secs, HumanCount(rate).c_str());
    return;
  }
  std::string bar;
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(done) / total_);
    const int width = 30, filled = static_cast<int>(frac * width);
    bar = "[" + std::string(filled, '=') + (filled < width ? ">" : "") +
          std::string(std::max(0, width - filled - 1), ' ') + "]";
    const double eta = rate > 0 ? (total_ - std::min(done, total_)) / rate : 0;
    std::fprintf(stderr, "\r\033[K%s %s %3.0f%% %s %s/s ETA %.0fs", label_.c_str(), bar.c_str(),
                 frac * 100, HumanCount(done).c_str(), HumanCount(rate).c_str(), eta);
  } else {
    std::fprintf(stderr, "\r\033[K%s %s %s %s/s", label_.c_str(), HumanCount(done).c_str(),
                 unit_.c_str(), HumanCount(rate).c_str());
  }
  std::fflush(stderr);
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string UtcTimestamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace fl
