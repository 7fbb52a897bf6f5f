// The triage config file: defaults, strictness, error messages.
#include <gtest/gtest.h>

#include "pipeline/pipeline.h"

namespace fl::pipeline {
namespace {

TEST(TriageConfigTest, EmptyObjectIsTheZeroConfigDefault) {
  auto c = ParseTriageConfig("{}", "c.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->llm.enabled);
  EXPECT_TRUE(c->rules.empty());
  EXPECT_EQ(c->Policy("category").escalate, Escalation::kHuman);
  auto none = LoadTriageConfig("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->llm.enabled);
}

TEST(TriageConfigTest, LlmSectionEnablesTheTierForEveryFieldUnlessOverridden) {
  auto c = ParseTriageConfig(R"({"llm": {"endpoint": "https://api.example.com/v1", "model": "m",
      "price_input_per_mtok": 2.5, "concurrency": 8, "budget_per_day": 3, "max_retries": 5},
      "fields": {"priority": {"escalate": "human", "descriptions": {"P1": "all users down"}}},
      "human": {"cost_per_item": 4}})", "c.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->llm.enabled);
  EXPECT_EQ(c->llm.client.endpoint, "https://api.example.com/v1");
  EXPECT_DOUBLE_EQ(c->llm.client.price_input_per_mtok, 2.5);
  EXPECT_EQ(c->llm.client.retry.max_retries, 5);
  EXPECT_EQ(c->llm.concurrency, 8);
  EXPECT_DOUBLE_EQ(c->llm.budget.per_day, 3);
  EXPECT_DOUBLE_EQ(c->human_cost_per_item, 4);
  EXPECT_EQ(c->Policy("category").escalate, Escalation::kLlmThenHuman);
  EXPECT_EQ(c->Policy("priority").escalate, Escalation::kHuman);
  EXPECT_EQ(c->Policy("priority").descriptions.at("P1"), "all users down");
}

TEST(TriageConfigTest, ErrorsNameTheFileAndTheKey) {
  struct Case {
    const char* json;
    const char* expect;
  } cases[] = {
      {"{", "not valid JSON"},
      {R"({"llm": {"timeout": 3}})", "c.json.llm: unknown key 'timeout'"},
      {R"({"llm": {"timeout_s": "3"}})", "c.json.llm.timeout_s: expected a number"},
      {R"({"llm": {"concurrency": 0}})", "c.json.llm.concurrency"},
      {R"({"llm": {"max_retries": 1.5}})", "expected an integer"},
      {R"({"fields": {"priority": {"escalate": "robot"}}})", "expected \"llm\" or \"human\""},
      {R"({"fields": {"priority": {"escalate": "llm"}}})", "needs an \"llm\" section"},
      {R"({"rules": [{"field": "priority", "label": "P1", "regex": "(x"}]})", "does not compile"},
      {R"({"rules": [{"field": "priority", "label": "P1"}]})", "no condition"},
      {R"({"rules": {}})", "expected a list"},
      {R"({"extra": 1})", "unknown key 'extra'"},
  };
  for (const Case& k : cases) {
    auto c = ParseTriageConfig(k.json, "c.json");
    ASSERT_FALSE(c.ok()) << k.json;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find(k.expect), std::string::npos) << c.status().message();
  }
  auto missing = LoadTriageConfig("/nonexistent/frontline.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/frontline.json"), std::string::npos);
}

}  // namespace
}  // namespace fl::pipeline
