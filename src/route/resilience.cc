// Backoff, circuit breaker and spend budget: the state machines around the LLM backend.
#include <algorithm>
#include <cmath>

#include "route/route.h"

namespace fl::route {
namespace {

// splitmix64: a small, good generator for jitter.
double NextUniform(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

}  // namespace

double BackoffDelay(const RetryPolicy& policy, int attempt, double retry_after_s, uint64_t* rng) {
  if (retry_after_s > policy.max_s) return -1;
  const double cap = std::min(policy.max_s, policy.base_s * std::ldexp(1.0, std::min(attempt, 30)));
  const double jittered = cap * NextUniform(rng);
  return std::max(jittered, retry_after_s);
}

bool IsRetryable(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kResourceExhausted ||
         code == StatusCode::kDeadlineExceeded;
}

CircuitBreaker::CircuitBreaker(Options options, std::function<double()> clock)
    : options_(options), clock_(std::move(clock)) {}

bool CircuitBreaker::Allow() {
  std::lock_guard<std::mutex> lock(mu_);
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      if (clock_() - opened_at_ < options_.cooldown_s) return false;
      state_ = State::kHalfOpen;
      trial_in_flight_ = true;
      return true;
    case State::kHalfOpen:
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard<std::mutex> lock(mu_);
  state_ = State::kClosed;
  failures_ = 0;
  trial_in_flight_ = false;
}

void CircuitBreaker::RecordFailure() {
  std::lock_guard<std::mutex> lock(mu_);
  trial_in_flight_ = false;
  if (state_ == State::kHalfOpen || ++failures_ >= options_.failure_threshold) {
    state_ = State::kOpen;
    opened_at_ = clock_();
    failures_ = 0;
  }
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

Budget::Budget(Options options, double spent_today, double spent_this_month, std::string day)
    : options_(options), day_(std::move(day)), today_(spent_today), month_(spent_this_month) {}

bool Budget::TryReserve(double estimate, const std::string& day) {
  std::lock_guard<std::mutex> lock(mu_);
  if (day != day_) {
    if (day.substr(0, 7) != day_.substr(0, 7)) month_ = 0;
    today_ = 0;
    day_ = day;
  }
  if (options_.per_day > 0 && today_ + estimate > options_.per_day) return false;
  if (options_.per_month > 0 && month_ + estimate > options_.per_month) return false;
  today_ += estimate;
  month_ += estimate;
  return true;
}

void Budget::Settle(double estimate, double actual) {
  std::lock_guard<std::mutex> lock(mu_);
  today_ += actual - estimate;
  month_ += actual - estimate;
}

double Budget::spent_today() const {
  std::lock_guard<std::mutex> lock(mu_);
  return today_;
}

double Budget::spent_this_month() const {
  std::lock_guard<std::mutex> lock(mu_);
  return month_;
}

}  // namespace fl::route
