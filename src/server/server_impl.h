// Private to server: what the request handlers share.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "classify/classify.h"
#include "guard/guard.h"
#include "knowledge/knowledge.h"
#include "pipeline/pipeline.h"
#include "server/server.h"
#include "store/store.h"

namespace fl::server {

using nlohmann::json;

// What a handler answers: a status and a JSON body (headers for 429 and the like).
struct Reply {
  int status = 200;
  json body = json::object();
  std::vector<std::pair<std::string, std::string>> headers;
};

// {"error":{"code","message"}} with its status.
Reply Error(int status, const std::string& code, const std::string& message);
// The HTTP status and code for a Status from the lower layers.
Reply ErrorFrom(const Status& s);

// Request bodies (request.cc; also the fuzz target's entry points).
// The parsed JSON body. InvalidArgument with a message "CODE: what" (CODE: invalid_utf8,
// too_deep, malformed_json) for a body that is not valid UTF-8, nests deeper than
// max_depth, or is not JSON.
Result<json> ParseBody(std::string_view body, int max_depth);
// A required non-empty string member of body; InvalidArgument naming it.
Result<std::string> StringField(const json& body, const char* name);
// The tickets of a POST /v1/tickets body: one ticket {"id", "text" | "subject"/"body"} or
// {"tickets": [...]}; InvalidArgument naming the ticket and field that are wrong.
Result<std::vector<pipeline::TicketInput>> TicketsFrom(const json& body);

// Who is calling: the key's id, name and scope.
struct Caller {
  int64_t key_id = 0;
  std::string name, scope;
};

// Store connections, one per request at a time (a Store is single-threaded).
class StorePool {
 public:
  explicit StorePool(std::string path) : path_(std::move(path)) {}
  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<store::Store> s) : pool_(pool), store_(std::move(s)) {}
    Lease(Lease&&) = default;
    ~Lease();
    store::Store* operator->() { return store_.get(); }
    store::Store* get() { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<store::Store> store_;
  };
  Result<Lease> Borrow();

 private:
  friend class Lease;
  std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::Store>> free_;
};

// Prometheus text-format metrics.
class Metrics {
 public:
  void Observe(const std::string& route, int status, double seconds);
  void Count(const std::string& name, const std::map<std::string, std::string>& labels, double by = 1);
  void Set(const std::string& name, const std::map<std::string, std::string>& labels, double value);
  std::string Render();

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;
    uint64_t count = 0;
    double sum = 0;
  };
  std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (route, status)
  std::map<std::string, Histogram> latency_;
  std::map<std::string, std::map<std::string, double>> counters_, gauges_;  // name -> labels -> value
};

// Per-key token buckets.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}
  // 0 when allowed, else the seconds to wait.
  double Take(int64_t key_id);

 private:
  double rate_, burst_;
  std::mutex mu_;
  std::map<int64_t, std::pair<double, double>> buckets_;  // tokens, last refill time
};

struct Context {
  ServerOptions options;
  classify::Model model;
  pipeline::RoutingConfig routing;
  pipeline::TriageConfig config;
  std::unique_ptr<guard::Guard> guard;
  std::unique_ptr<knowledge::Index> kb, similar;  // knowledge.kb_index, knowledge.tickets_index
  std::unique_ptr<StorePool> stores;
  std::mutex triage_mu;  // one triage batch at a time
  std::unique_ptr<store::Store> triage_store;
  std::unique_ptr<pipeline::Triager> triager;
  Metrics metrics;
  std::unique_ptr<RateLimiter> limiter;
  // Keys seen recently (hash -> caller, or revoked), so most requests skip the store.
  std::mutex keys_mu;
  std::map<std::string, std::pair<Caller, double>> key_cache;  // value: caller, expiry
  std::atomic<bool> ready{false};
};

// Request handling: the route table in routes.cc.
struct Request {
  const std::string& method;
  const std::string& path;
  const json& body;                                  // parsed JSON body (POST), else null
  const std::map<std::string, std::string>& query;   // query parameters
  const std::vector<std::string>& captures;          // path parameters
};
using Handler = Reply (*)(Context&, const Request&, const Caller&);
struct RouteSpec {
  const char* method;
  const char* pattern;  // httplib regex
  const char* name;     // for metrics
  const char* scope;    // "triage", "review", "admin", or "" (no key)
  Handler handler;
};
const std::vector<RouteSpec>& Routes();

// The dashboard's files (web/), compiled in by cmake/embed_web.cmake.
struct WebAsset {
  const char* name;  // "index.html", "app.js", "style.css"
  const char* type;
  const unsigned char* data;
  size_t size;
};
const std::vector<WebAsset>& WebAssets();

}  // namespace fl::server
