// A real HTTP server on loopback that speaks the OpenAI chat-completions wire format, for
// tests of the LLM tier. What it answers is chosen by a "[mode:NAME]" marker in the last
// ticket of the user message:
//   ok         {"label": <first allowed label>} as JSON content, with usage
//   plain      plain text naming the first allowed label (no JSON)
//   slow       sleeps slow_s before the first answer to each (ticket, field), then ok
//   429        429 with Retry-After: 0 on the first request of each (ticket, field), then ok
//   500        always 500
//   malformed  always a body that is not JSON
//   outofset   {"label": "NotALabel"}
//   echo       {"label": <first>, "note": <every "<TYPE_n>" placeholder of the user message>}
// Without a marker it answers ok. Every request is kept for the test to inspect.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace fl::testing {

class FakeLlmServer {
 public:
  struct Request {
    nlohmann::json body;
    std::string raw;  // the body exactly as received
    std::string authorization;
    std::string mode;
  };

  FakeLlmServer() {
    server_.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeLlmServer() {
    server_.stop();
    thread_.join();
  }
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  double slow_s = 1.5;

 private:
  static std::string ModeOf(const std::string& user) {
    const size_t ticket = user.rfind("Ticket:");
    const size_t at = user.find("[mode:", ticket == std::string::npos ? 0 : ticket);
    if (at == std::string::npos) return "ok";
    const size_t end = user.find(']', at);
    return user.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6);
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    Request r;
    r.body = nlohmann::json::parse(req.body, nullptr, false);
    r.raw = req.body;
    r.authorization = req.get_header_value("Authorization");
    std::string user, system;
    std::vector<std::string> allowed;
    if (r.body.is_object() && r.body.contains("messages")) {
      for (const auto& m : r.body["messages"]) {
        (m.value("role", "") == "user" ? user : system) = m.value("content", "");
      }
      const auto& rf = r.body["response_format"];
      if (rf.is_object()) {
        for (const auto& l : rf["json_schema"]["schema"]["properties"]["label"]["enum"]) allowed.push_back(l);
      }
    }
    r.mode = ModeOf(user);
    int seen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(r);
      // (ticket text, field): the field is named in the system prompt.
      seen = counts_[user + "|" + system]++;
    }
    const std::string first = allowed.empty() ? "none" : allowed[0];
    auto answer = [&](const std::string& content) {
      nlohmann::json j = {{"id", "chatcmpl-test"},
                          {"object", "chat.completion"},
                          {"choices", {{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", content}}},
                                        {"finish_reason", "stop"}}}},
                          {"usage", {{"prompt_tokens", 100}, {"completion_tokens", 5}}}};
      res.set_content(j.dump(), "application/json");
    };
    if (r.mode == "slow" && seen == 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(slow_s));
      answer(nlohmann::json{{"label", first}}.dump());
    } else if (r.mode == "429" && seen == 0) {
      res.status = 429;
      res.set_header("Retry-After", "0");
      res.set_content("{\"error\":{\"message\":\"rate limited\"}}", "application/json");
    } else if (r.mode == "500") {
      res.status = 500;
      res.set_content("{\"error\":{\"message\":\"boom\"}}", "application/json");
    } else if (r.mode == "malformed") {
      res.set_content("{\"choices\": [ {not json", "application/json");
    } else if (r.mode == "outofset") {
      answer("{\"label\": \"NotALabel\"}");
    } else if (r.mode == "echo") {
      std::string note;
      for (size_t at = user.find('<'); at != std::string::npos; at = user.find('<', at + 1)) {
        const size_t end = user.find('>', at);
        if (end != std::string::npos && end - at < 40) note += user.substr(at, end - at + 1) + " ";
      }
      answer(nlohmann::json{{"label", first}, {"note", note}}.dump());
    } else if (r.mode == "plain") {
      answer("The best label is " + first + ".");
    } else {
      answer(nlohmann::json{{"label", first}}.dump());
    }
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  std::map<std::string, int> counts_;
};

}  // namespace fl::testing
