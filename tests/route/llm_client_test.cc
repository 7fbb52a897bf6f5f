// LlmClient against a real HTTP server on loopback.
#include <stdlib.h>

#include <gtest/gtest.h>

#include "fake_llm_server.h"
#include "route/route.h"

namespace fl::route {
namespace {

using fl::testing::FakeLlmServer;

LlmRequest Req(const std::string& mode) {
  return {.system = "Decide the ticket's \"category\".",
          .user = "Ticket:\nVPN drops [mode:" + mode + "]\ncategory:",
          .allowed = {"Network", "Printer"}};
}

LlmOptions Opts(const FakeLlmServer& server) {
  LlmOptions o;
  o.endpoint = server.endpoint();
  o.timeout_s = 0.5;
  o.retry = {.max_retries = 2, .base_s = 0.01, .max_s = 0.05};
  o.price_input_per_mtok = 1e4;  // 100 prompt tokens = 1.0
  o.price_output_per_mtok = 2e4;
  o.api_key_env = "FL_TEST_LLM_KEY";
  return o;
}

TEST(LlmClientTest, AsksForTheLabelEnumAndPrices) {
  FakeLlmServer server;
  setenv("FL_TEST_LLM_KEY", "sekrit", 1);
  auto client = LlmClient::Create(Opts(server));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const LlmCall call = (*client)->Classify(Req("ok"));
  ASSERT_TRUE(call.status.ok()) << call.status.ToString();
  EXPECT_EQ(call.label, "Network");
  EXPECT_EQ(call.attempts, 1);
  EXPECT_EQ(call.prompt_tokens, 100);
  EXPECT_EQ(call.completion_tokens, 5);
  EXPECT_NEAR(call.cost, 1.0 + 0.1, 1e-9);
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].authorization, "Bearer sekrit");
  const auto& schema = reqs[0].body["response_format"]["json_schema"]["schema"];
  EXPECT_EQ(schema["properties"]["label"]["enum"], nlohmann::json({"Network", "Printer"}));
  EXPECT_EQ(reqs[0].body["temperature"], 0);
  unsetenv("FL_TEST_LLM_KEY");
}

TEST(LlmClientTest, PlainTextAnswerIsParsed) {
  FakeLlmServer server;
  auto client = LlmClient::Create(Opts(server));
  ASSERT_TRUE(client.ok());
  const LlmCall call = (*client)->Classify(Req("plain"));
  ASSERT_TRUE(call.status.ok()) << call.status.ToString();
  EXPECT_EQ(call.label, "Network");
}

TEST(LlmClientTest, RetriesRateLimitsAndTimeouts) {
  FakeLlmServer server;
  auto client = LlmClient::Create(Opts(server));
  ASSERT_TRUE(client.ok());
  LlmCall call = (*client)->Classify(Req("429"));
  ASSERT_TRUE(call.status.ok()) << call.status.ToString();
  EXPECT_EQ(call.attempts, 2);
  ASSERT_EQ(call.errors.size(), 1u);
  EXPECT_NE(call.errors[0].find("429"), std::string::npos) << call.errors[0];
  EXPECT_NEAR(call.cost, 1.1, 1e-9) << "only the answered attempt is billed";

  server.slow_s = 1.0;  // twice the client's timeout
  call = (*client)->Classify(Req("slow"));
  ASSERT_TRUE(call.status.ok()) << call.status.ToString();
  EXPECT_EQ(call.attempts, 2);
  EXPECT_EQ(call.errors.size(), 1u);
}

TEST(LlmClientTest, GivesUpAfterMaxRetriesOnServerErrorsAndMalformedBodies) {
  FakeLlmServer server;
  auto client = LlmClient::Create(Opts(server));
  ASSERT_TRUE(client.ok());
  for (const std::string mode : {"500", "malformed"}) {
    const LlmCall call = (*client)->Classify(Req(mode));
    EXPECT_FALSE(call.status.ok()) << mode;
    EXPECT_TRUE(IsRetryable(call.status.code())) << call.status.ToString();
    EXPECT_EQ(call.attempts, 3) << mode;  // 1 + max_retries
    EXPECT_EQ(call.errors.size(), 3u) << mode;
    EXPECT_EQ(call.label, "");
  }
}

TEST(LlmClientTest, AnswerOutsideTheSetIsNotRetried) {
  FakeLlmServer server;
  auto client = LlmClient::Create(Opts(server));
  ASSERT_TRUE(client.ok());
  const LlmCall call = (*client)->Classify(Req("outofset"));
  EXPECT_EQ(call.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(call.status.message().find("NotALabel"), std::string::npos);
  EXPECT_EQ(call.attempts, 1);
  EXPECT_EQ(call.http_status, 200);
  EXPECT_GT(call.cost, 0) << "a wrong answer is still billed";
}

TEST(LlmClientTest, UnreachableEndpointIsUnavailable) {
  int port;
  {
    FakeLlmServer server;  // take a free port, then close it
    port = std::stoi(server.endpoint().substr(17));
  }
  LlmOptions o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  o.timeout_s = 0.5;
  o.retry = {.max_retries = 1, .base_s = 0.01, .max_s = 0.05};
  auto client = LlmClient::Create(o);
  ASSERT_TRUE(client.ok());
  const LlmCall call = (*client)->Classify(Req("ok"));
  EXPECT_EQ(call.status.code(), StatusCode::kUnavailable) << call.status.ToString();
  EXPECT_EQ(call.attempts, 2);
  EXPECT_EQ(call.http_status, 0);
}

TEST(LlmClientTest, BadEndpointsAreRefused) {
  for (const std::string e : {"", "127.0.0.1:8080", "ftp://host/v1", "http://"}) {
    LlmOptions o;
    o.endpoint = e;
    EXPECT_FALSE(LlmClient::Create(o).ok()) << e;
  }
}

}  // namespace
}  // namespace fl::route
