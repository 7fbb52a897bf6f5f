// The state machines around the LLM backend: backoff, circuit breaker, budget; label
// parsing and rules.
#include <gtest/gtest.h>

#include "route/route.h"

namespace fl::route {
namespace {

TEST(BackoffTest, FullJitterWithinTheCapAndRetryAfterIsAFloor) {
  RetryPolicy p;
  p.base_s = 0.5;
  p.max_s = 4;
  uint64_t rng = 1;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const double cap = std::min(4.0, 0.5 * (1 << attempt));
    for (int k = 0; k < 200; ++k) {
      const double d = BackoffDelay(p, attempt, -1, &rng);
      EXPECT_GE(d, 0);
      EXPECT_LE(d, cap);
    }
  }
  // Retry-After raises the wait to at least what the server asked.
  for (int k = 0; k < 50; ++k) EXPECT_GE(BackoffDelay(p, 0, 3.0, &rng), 3.0);
  // ... unless it asks for more than the policy will wait: stop.
  EXPECT_LT(BackoffDelay(p, 0, 60.0, &rng), 0);
}

TEST(BackoffTest, JitterSpreadsTheWaits) {
  RetryPolicy p;
  uint64_t rng = 7;
  double lo = 1e9, hi = 0;
  for (int k = 0; k < 200; ++k) {
    const double d = BackoffDelay(p, 3, -1, &rng);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 1.0);
  EXPECT_GT(hi, 3.0);
}

TEST(BackoffTest, RetryableCodes) {
  EXPECT_TRUE(IsRetryable(StatusCode::kUnavailable));
  EXPECT_TRUE(IsRetryable(StatusCode::kResourceExhausted));
  EXPECT_TRUE(IsRetryable(StatusCode::kDeadlineExceeded));
  EXPECT_FALSE(IsRetryable(StatusCode::kInvalidArgument));
  EXPECT_FALSE(IsRetryable(StatusCode::kNotFound));
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndRecoversAfterCooldown) {
  double now = 100;
  CircuitBreaker b({.failure_threshold = 3, .cooldown_s = 10}, [&] { return now; });
  EXPECT_EQ(b.state(), CircuitBreaker::State::kClosed);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.Allow());
    b.RecordFailure();
  }
  EXPECT_EQ(b.state(), CircuitBreaker::State::kClosed);
  b.RecordSuccess();  // a success resets the count
  for (int i = 0; i < 2; ++i) b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kClosed);
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kOpen);
  EXPECT_FALSE(b.Allow());
  now += 9.9;
  EXPECT_FALSE(b.Allow());
  now += 0.2;
  // Half-open: exactly one trial goes through.
  EXPECT_TRUE(b.Allow());
  EXPECT_EQ(b.state(), CircuitBreaker::State::kHalfOpen);
  EXPECT_FALSE(b.Allow());
  b.RecordSuccess();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kClosed);
  EXPECT_TRUE(b.Allow());
}

TEST(CircuitBreakerTest, FailedTrialReopensForAnotherCooldown) {
  double now = 0;
  CircuitBreaker b({.failure_threshold = 1, .cooldown_s = 5}, [&] { return now; });
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kOpen);
  now = 6;
  ASSERT_TRUE(b.Allow());
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitBreaker::State::kOpen);
  now = 10;
  EXPECT_FALSE(b.Allow()) << "the cool-down restarts at the failed trial";
  now = 11.5;
  EXPECT_TRUE(b.Allow());
}

TEST(BudgetTest, RefusesWhatWouldExceedTheDailyLimit) {
  Budget b({.per_day = 1.0, .per_month = 0}, 0.25, 0.25, "2026-11-29");
  EXPECT_TRUE(b.TryReserve(0.5, "2026-11-29"));
  EXPECT_FALSE(b.TryReserve(0.5, "2026-11-29")) << "0.25 + 0.5 + 0.5 > 1.0";
  EXPECT_DOUBLE_EQ(b.spent_today(), 0.75);
  b.Settle(0.5, 0.1);  // the call cost less than estimated
  EXPECT_DOUBLE_EQ(b.spent_today(), 0.35);
  EXPECT_TRUE(b.TryReserve(0.5, "2026-11-29"));
  // A new day starts from zero.
  EXPECT_TRUE(b.TryReserve(0.9, "2026-11-30"));
  EXPECT_DOUBLE_EQ(b.spent_today(), 0.9);
}

TEST(BudgetTest, MonthlyLimitSpansDaysAndResetsWithTheMonth) {
  Budget b({.per_day = 0, .per_month = 2.0}, 0, 1.5, "2026-11-29");
  EXPECT_FALSE(b.TryReserve(0.6, "2026-11-30"));
  EXPECT_TRUE(b.TryReserve(0.4, "2026-11-30"));
  EXPECT_DOUBLE_EQ(b.spent_this_month(), 1.9);
  EXPECT_TRUE(b.TryReserve(1.9, "2026-12-01"));
  EXPECT_DOUBLE_EQ(b.spent_this_month(), 1.9);
}

TEST(BudgetTest, ZeroMeansUnlimited) {
  Budget b({}, 1e6, 1e9, "2026-11-29");
  EXPECT_TRUE(b.TryReserve(1e6, "2026-11-29"));
}

TEST(ParseLabelTest, JsonAnswer) {
  const std::vector<std::string> allowed = {"Network", "Printer", "P1"};
  EXPECT_EQ(*ParseLabel(R"({"label": "Printer"})", allowed), "Printer");
  EXPECT_EQ(*ParseLabel(R"({"label": "printer"})", allowed), "Printer");
  Result<std::string> bad = ParseLabel(R"({"label": "Storage"})", allowed);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("Storage"), std::string::npos);
}

TEST(ParseLabelTest, PlainTextFallback) {
  const std::vector<std::string> allowed = {"Network", "Printer", "P1", "P11"};
  EXPECT_EQ(*ParseLabel("Network", allowed), "Network");
  EXPECT_EQ(*ParseLabel("  \"network\".\n", allowed), "Network");
  EXPECT_EQ(*ParseLabel("The ticket is about the Printer queue.", allowed), "Printer");
  EXPECT_EQ(*ParseLabel("priority: P11", allowed), "P11") << "P1 must not match inside P11";
  EXPECT_EQ(ParseLabel("Network or Printer", allowed).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ParseLabel("no idea", allowed).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ParseLabel("", allowed).status().code(), StatusCode::kNotFound);
}

TEST(RuleTest, AllAnyNoneAndRegex) {
  Rule r{.name = "outage", .field = "priority", .label = "P1", .all = {"Outage"}, .any = {"all users", "everyone"},
         .none = {"test"}, .regex = ""};
  auto rule = CompiledRule::Create(r);
  ASSERT_TRUE(rule.ok()) << rule.status().ToString();
  EXPECT_TRUE(rule->Matches("email outage for all users"));
  EXPECT_FALSE(rule->Matches("email outage for one user"));
  EXPECT_FALSE(rule->Matches("everyone sees the outage test page"));
  Rule re{.name = "hresult", .field = "category", .label = "Windows", .regex = "0x8007[0-9a-f]{4}"};
  auto rx = CompiledRule::Create(re);
  ASSERT_TRUE(rx.ok());
  EXPECT_TRUE(rx->Matches("update fails with 0x80070005"));
  EXPECT_FALSE(rx->Matches("update fails with 0x80240005"));
}

TEST(RuleTest, InvalidRulesAreRefusedWithTheirName) {
  auto no_cond = CompiledRule::Create({.name = "empty", .field = "f", .label = "x"});
  ASSERT_FALSE(no_cond.ok());
  EXPECT_NE(no_cond.status().message().find("'empty'"), std::string::npos);
  auto bad_re = CompiledRule::Create({.name = "re", .field = "f", .label = "x", .regex = "(unclosed"});
  ASSERT_FALSE(bad_re.ok());
  EXPECT_NE(bad_re.status().message().find("(unclosed"), std::string::npos);
  EXPECT_FALSE(CompiledRule::Create({.name = "nofield", .label = "x", .all = {"a"}}).ok());
}

}  // namespace
}  // namespace fl::route
