// The OpenAI-compatible chat-completions backend.
//
// Wire format (POST <endpoint>/chat/completions):
//   request  {"model", "messages":[{"role":"system"|"user","content"}], "temperature":0,
//             "max_tokens", "response_format":{"type":"json_schema","json_schema":{…}}}
//   response {"choices":[{"message":{"content":"{\"label\":\"…\"}"}}],
//             "usage":{"prompt_tokens","completion_tokens"}}
// Everything in the response is untrusted: a missing or mistyped member is an error for
// that attempt, never a crash.
#include <httplib.h>
#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "route/route.h"
#include "text/text.h"

namespace fl::route {
namespace {

using nlohmann::json;

constexpr size_t kMaxAnswerBytes = 200;

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
}

// Whether `needle` occurs in `hay` with no word character right before or after it.
bool ContainsWord(const std::string& hay, const std::string& needle) {
  for (size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
    const bool left = pos == 0 || !IsWordChar(hay[pos - 1]);
    const size_t end = pos + needle.size();
    const bool right = end >= hay.size() || !IsWordChar(hay[end]);
    if (left && right) return true;
  }
  return false;
}

std::string Trim(std::string s) {
  const char* ws = " \t\r\n\"'`.";
  s.erase(0, s.find_first_not_of(ws));
  const size_t last = s.find_last_not_of(ws);
  s.erase(last == std::string::npos ? 0 : last + 1);
  return s;
}

// The allowed label equal to `s` (exactly, else case-insensitively); empty when none.
std::string MatchLabel(const std::string& s, const std::vector<std::string>& allowed) {
  for (const std::string& a : allowed) {
    if (a == s) return a;
  }
  const std::string lowered = text::ToLower(s);
  for (const std::string& a : allowed) {
    if (text::ToLower(a) == lowered) return a;
  }
  return "";
}

// Seconds from a Retry-After header (delta-seconds form); -1 when absent or a date.
double RetryAfterSeconds(const httplib::Response& res) {
  if (!res.has_header("Retry-After")) return -1;
  const std::string v = res.get_header_value("Retry-After");
  char* end = nullptr;
  const double s = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || s < 0) return -1;
  return s;
}

Status HttpStatusError(int code, const std::string& body) {
  std::string m = "HTTP " + std::to_string(code);
  std::string snippet = body.substr(0, 120);
  if (!text::IsValidUtf8(snippet)) snippet = "(binary body)";
  if (!snippet.empty()) m += ": " + snippet;
  if (code == 429) return ResourceExhaustedError(m);
  if (code == 408) return DeadlineExceededError(m);
  if (code >= 500) return UnavailableError(m);
  return InvalidArgumentError(m);  // 4xx: the request itself is wrong (key, model name)
}

json RequestBody(const LlmOptions& o, const LlmRequest& r) {
  json body = {{"model", o.model},
               {"temperature", 0},
               {"max_tokens", o.max_tokens},
               {"messages", json::array({{{"role", "system"}, {"content", r.system}},
                                         {{"role", "user"}, {"content", r.user}}})}};
  if (o.json_schema) {
    json schema = {{"type", "object"},
                   {"properties", {{"label", {{"type", "string"}, {"enum", r.allowed}}}}},
                   {"required", json::array({"label"})},
                   {"additionalProperties", false}};
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema", {{"name", "triage_label"}, {"strict", true}, {"schema", schema}}}};
  }
  return body;
}

}  // namespace

int64_t EstimateTokens(const std::string& text) { return static_cast<int64_t>(text.size() + 3) / 4; }

Result<std::string> ParseLabel(const std::string& content, const std::vector<std::string>& allowed) {
  // 1. The JSON the schema asked for.
  const json j = json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("label") && j["label"].is_string()) {
    const std::string label = j["label"].get<std::string>();
    std::string match = MatchLabel(Trim(label), allowed);
    if (match.empty()) return InvalidArgumentError("label '" + label.substr(0, 80) + "' is not in the allowed set");
    return match;
  }
  // 2. Plain text: the whole answer is a label, or exactly one label occurs in it.
  const std::string trimmed = Trim(content);
  std::string match = MatchLabel(trimmed, allowed);
  if (!match.empty()) return match;
  const std::string lowered = text::ToLower(content);
  std::vector<std::string> found;
  for (const std::string& a : allowed) {
    if (ContainsWord(lowered, text::ToLower(a))) found.push_back(a);
  }
  // A label contained in a longer one that also occurs ("P1" in "P1 - Critical" labels)
  // does not make the answer ambiguous.
  std::erase_if(found, [&](const std::string& a) {
    return std::any_of(found.begin(), found.end(), [&](const std::string& b) {
      return b.size() > a.size() && ContainsWord(text::ToLower(b), text::ToLower(a));
    });
  });
  if (found.size() == 1) return found[0];
  if (found.empty()) return NotFoundError("no allowed label in the answer");
  return NotFoundError("the answer names " + std::to_string(found.size()) + " allowed labels");
}

Result<std::unique_ptr<LlmClient>> LlmClient::Create(const LlmOptions& options) {
  const std::string& e = options.endpoint;
  const size_t scheme_end = e.find("://");
  if (scheme_end == std::string::npos || (e.compare(0, scheme_end, "http") != 0 &&
                                          e.compare(0, scheme_end, "https") != 0)) {
    return InvalidArgumentError("llm endpoint '" + e + "': expected http://host[:port][/path] or https://…");
  }
  const size_t path_start = e.find('/', scheme_end + 3);
  std::unique_ptr<LlmClient> c(new LlmClient());
  c->options_ = options;
  c->scheme_host_port_ = e.substr(0, path_start);
  if (c->scheme_host_port_.size() <= scheme_end + 3) {
    return InvalidArgumentError("llm endpoint '" + e + "': no host");
  }
  std::string path = path_start == std::string::npos ? "" : e.substr(path_start);
  while (!path.empty() && path.back() == '/') path.pop_back();
  c->path_ = path + "/chat/completions";
  if (!options.api_key_env.empty()) {
    const char* key = std::getenv(options.api_key_env.c_str());
    if (key != nullptr) c->api_key_ = key;
  }
  if (options.model.empty()) return InvalidArgumentError("llm model name is empty");
  if (options.timeout_s <= 0) return InvalidArgumentError("llm timeout_s must be > 0");
  return c;
}

double LlmClient::Cost(int64_t prompt_tokens, int64_t completion_tokens) const {
  return (prompt_tokens * options_.price_input_per_mtok +
          completion_tokens * options_.price_output_per_mtok) / 1e6;
}

LlmCall LlmClient::Classify(const LlmRequest& request) const {
  LlmCall call;
  const double t0 = NowSeconds();
  const std::string body = RequestBody(options_, request).dump(-1, ' ', false, json::error_handler_t::replace);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  static const char* kHex = "0123456789abcdef";
  for (unsigned char b : digest) {
    call.request_sha256.push_back(kHex[b >> 4]);
    call.request_sha256.push_back(kHex[b & 15]);
  }
  httplib::Headers headers;
  if (!api_key_.empty()) headers.emplace("Authorization", "Bearer " + api_key_);
  const auto secs = static_cast<time_t>(options_.timeout_s);
  const auto usecs = static_cast<time_t>((options_.timeout_s - secs) * 1e6);

  for (int attempt = 0;; ++attempt) {
    ++call.attempts;
    double retry_after = -1;
    Status s;
    {
      httplib::Client http(scheme_host_port_);
      http.set_connection_timeout(secs, usecs);
      http.set_read_timeout(secs, usecs);
      http.set_write_timeout(secs, usecs);
      httplib::Result res = http.Post(path_, headers, body, "application/json");
      if (!res) {
        const httplib::Error err = res.error();
        const std::string m = "request to " + scheme_host_port_ + path_ + " failed: " + httplib::to_string(err);
        s = err == httplib::Error::Read || err == httplib::Error::Write ? DeadlineExceededError(m)
                                                                        : UnavailableError(m);
        call.http_status = 0;
      } else {
        call.http_status = res->status;
        if (res->status != 200) {
          s = HttpStatusError(res->status, res->body);
          retry_after = RetryAfterSeconds(*res);
        } else {
          const json j = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
          const json* content = nullptr;
          if (j.is_object() && j.contains("choices") && j["choices"].is_array() && !j["choices"].empty() &&
              j["choices"][0].is_object() && j["choices"][0].contains("message") &&
              j["choices"][0]["message"].is_object() && j["choices"][0]["message"].contains("content") &&
              j["choices"][0]["message"]["content"].is_string()) {
            content = &j["choices"][0]["message"]["content"];
          }
          if (content == nullptr) {
            // A truncated or garbled body is usually a transient proxy problem: retry.
            s = UnavailableError(j.is_discarded() ? "malformed JSON body" : "no choices[0].message.content");
          } else {
            int64_t in = EstimateTokens(request.system + request.user), out = EstimateTokens(*content);
            if (j.contains("usage") && j["usage"].is_object()) {
              const json& u = j["usage"];
              if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer()) in = u["prompt_tokens"];
              if (u.contains("completion_tokens") && u["completion_tokens"].is_number_integer()) {
                out = u["completion_tokens"];
              }
            }
            in = std::max<int64_t>(in, 0);
            out = std::max<int64_t>(out, 0);
            call.prompt_tokens += in;
            call.completion_tokens += out;
            call.cost += Cost(in, out);
            call.answer = content->get<std::string>().substr(0, kMaxAnswerBytes);
            Result<std::string> label = ParseLabel(content->get<std::string>(), request.allowed);
            if (label.ok()) {
              call.label = *label;
              call.status = OkStatus();
              call.latency_ms = (NowSeconds() - t0) * 1000;
              return call;
            }
            // Answered, but not with an allowed label: a person decides (no retry; the
            // same prompt at temperature 0 gives the same answer).
            s = InvalidArgumentError(label.status().message());
          }
        }
      }
    }
    call.errors.push_back("attempt " + std::to_string(attempt + 1) + ": " + s.ToString());
    call.status = s;
    if (!IsRetryable(s.code()) || attempt >= options_.retry.max_retries) break;
    double wait;
    {
      std::lock_guard<std::mutex> lock(rng_mu_);
      wait = BackoffDelay(options_.retry, attempt, retry_after, &rng_);
    }
    if (wait < 0) {
      call.errors.push_back("Retry-After " + std::to_string(retry_after) + " s exceeds the longest wait (" +
                            std::to_string(options_.retry.max_s) + " s); giving up");
      break;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  }
  call.latency_ms = (NowSeconds() - t0) * 1000;
  return call;
}

}  // namespace fl::route
