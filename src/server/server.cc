// The HTTP service: start-up, keys, authentication, limits, metrics, shutdown.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include <httplib.h>

#include "server/server_impl.h"
#include "text/text.h"

namespace fl::server {

// ---------------------------------------------------------------------------------------
// Errors, keys
// ---------------------------------------------------------------------------------------

Reply Error(int status, const std::string& code, const std::string& message) {
  return {status, {{"error", {{"code", code}, {"message", message}}}}, {}};
}

Reply ErrorFrom(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument: return Error(400, "invalid_argument", s.message());
    case StatusCode::kNotFound: return Error(404, "not_found", s.message());
    case StatusCode::kAlreadyExists: return Error(409, "already_exists", s.message());
    case StatusCode::kFailedPrecondition: return Error(409, "failed_precondition", s.message());
    case StatusCode::kResourceExhausted: return Error(413, "too_large", s.message());
    case StatusCode::kUnavailable: return Error(503, "unavailable", s.message());
    case StatusCode::kDeadlineExceeded: return Error(504, "deadline_exceeded", s.message());
    default: return Error(500, "internal", s.message());
  }
}

bool IsScope(const std::string& scope) { return scope == "triage" || scope == "review" || scope == "admin"; }

std::string GenerateKey() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();  // no entropy: never hand out a weak key
  std::string key = "fl_";
  char hex[3];
  for (unsigned char b : bytes) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    key += hex;
  }
  return key;
}

std::string HashKey(const std::string& key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(key.data(), key.size(), digest, &len, EVP_sha256(), nullptr);
  std::string out;
  char hex[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Store pool, rate limiter, metrics
// ---------------------------------------------------------------------------------------

StorePool::Lease::~Lease() {
  if (store_ == nullptr) return;
  std::lock_guard<std::mutex> lock(pool_->mu_);
  pool_->free_.push_back(std::move(store_));
}

Result<StorePool::Lease> StorePool::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      auto s = std::move(free_.back());
      free_.pop_back();
      return Lease(this, std::move(s));
    }
  }
  FL_ASSIGN_OR_RETURN(store::Store s, store::Store::Open(path_));
  return Lease(this, std::make_unique<store::Store>(std::move(s)));
}

double RateLimiter::Take(int64_t key_id) {
  if (rate_ <= 0) return 0;
  const double now = NowSeconds();
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(key_id, burst_, now);
  auto& [tokens, last] = it->second;
  tokens = std::min(burst_, tokens + (now - last) * rate_);
  last = now;
  if (tokens >= 1) {
    tokens -= 1;
    return 0;
  }
  return (1 - tokens) / rate_;
}

namespace {

constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

std::string Labels(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    std::string escaped;
    for (char c : v) {
      if (c == '"' || c == '\\') escaped += '\\';
      if (c == '\n') {
        escaped += "\\n";
        continue;
      }
      escaped += c;
    }
    out += (out.empty() ? "" : ",") + k + "=\"" + escaped + "\"";
  }
  return out;
}

}  // namespace

void Metrics::Observe(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  if (h.buckets.empty()) h.buckets.assign(std::size(kBuckets), 0);
  for (size_t i = 0; i < std::size(kBuckets); ++i) h.buckets[i] += seconds <= kBuckets[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::Count(const std::string& name, const std::map<std::string, std::string>& labels, double by) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_[name][Labels(labels)] += by;
}

void Metrics::Set(const std::string& name, const std::map<std::string, std::string>& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_[name][Labels(labels)] = value;
}

std::string Metrics::Render() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out = "# TYPE frontline_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += "frontline_http_requests_total{" + Labels({{"route", key.first}, {"code", std::to_string(key.second)}}) +
           "} " + std::to_string(n) + "\n";
  }
  out += "# TYPE frontline_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < std::size(kBuckets); ++i) {
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
      out += "frontline_http_request_duration_seconds_bucket{" + Labels({{"route", route}, {"le", le}}) + "} " +
             std::to_string(h.buckets[i]) + "\n";
    }
    out += "frontline_http_request_duration_seconds_bucket{" + Labels({{"route", route}, {"le", "+Inf"}}) + "} " +
           std::to_string(h.count) + "\n";
    out += "frontline_http_request_duration_seconds_sum{" + Labels({{"route", route}}) + "} " + std::to_string(h.sum) +
           "\n";
    out += "frontline_http_request_duration_seconds_count{" + Labels({{"route", route}}) + "} " +
           std::to_string(h.count) + "\n";
  }
  for (const auto* family : {&counters_, &gauges_}) {
    for (const auto& [name, series] : *family) {
      out += "# TYPE " + name + (family == &counters_ ? " counter\n" : " gauge\n");
      for (const auto& [labels, v] : series) {
        char num[64];
        std::snprintf(num, sizeof num, "%.10g", v);
        out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + num + "\n";
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

namespace {

std::string BearerKey(const httplib::Request& req) {
  std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  return req.get_header_value("X-Api-Key");
}

// The caller behind the request's key, or the error to answer.
Result<Caller> Authenticate(Context& ctx, const httplib::Request& req) {
  const std::string key = BearerKey(req);
  if (key.empty()) return Status(StatusCode::kUnauthenticated, "an API key is required (Authorization: Bearer KEY)");
  const std::string hash = HashKey(key);
  const double now = NowSeconds();
  {
    std::lock_guard<std::mutex> lock(ctx.keys_mu);
    auto it = ctx.key_cache.find(hash);
    if (it != ctx.key_cache.end() && it->second.second > now) {
      if (it->second.first.key_id == 0) return Status(StatusCode::kUnauthenticated, "invalid or revoked API key");
      return it->second.first;
    }
  }
  FL_ASSIGN_OR_RETURN(auto db, ctx.stores->Borrow());
  auto found = db->FindApiKey(hash);
  Caller caller;
  if (found.ok() && found->revoked_at.empty() &&
      CRYPTO_memcmp(found->key_hash.data(), hash.data(), std::min(hash.size(), found->key_hash.size())) == 0) {
    caller = {found->id, found->name, found->scope};
  } else if (!found.ok() && found.status().code() != StatusCode::kNotFound) {
    return found.status();
  }
  {
    std::lock_guard<std::mutex> lock(ctx.keys_mu);
    if (ctx.key_cache.size() > 10000) ctx.key_cache.clear();  // bounded against key-guessing floods
    ctx.key_cache[hash] = {caller, now + 1.0};                 // a revocation elsewhere shows within 1 s
  }
  if (caller.key_id == 0) return Status(StatusCode::kUnauthenticated, "invalid or revoked API key");
  return caller;
}

bool HasScope(const Caller& c, const std::string& scope) {
  return scope.empty() || c.scope == "admin" || c.scope == scope ||
         (scope == "read" && (c.scope == "triage" || c.scope == "review"));
}

void Send(httplib::Response& res, const Reply& r) {
  res.status = r.status;
  for (const auto& [k, v] : r.headers) res.set_header(k, v);
  if (r.body.is_string()) {  // text bodies (metrics)
    res.set_content(r.body.get<std::string>(), "text/plain; version=0.0.4");
  } else {
    res.set_content(r.body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
  }
}

Reply Handle(Context& ctx, const RouteSpec& route, const httplib::Request& req) {
  Caller caller;
  const bool metrics_open = std::string(route.name) == "metrics" && ctx.options.metrics_public;
  if (route.scope[0] != '\0' && !metrics_open) {
    auto who = Authenticate(ctx, req);
    if (!who.ok()) {
      if (who.status().code() == StatusCode::kUnauthenticated) {
        Reply r = Error(401, "unauthenticated", who.status().message());
        r.headers.push_back({"WWW-Authenticate", "Bearer"});
        return r;
      }
      return ErrorFrom(who.status());
    }
    caller = *who;
    if (!HasScope(caller, route.scope)) {
      return Error(403, "forbidden", "key '" + caller.name + "' has scope " + caller.scope + "; this route needs " +
                                         std::string(route.scope));
    }
    if (const double wait = ctx.limiter->Take(caller.key_id); wait > 0) {
      Reply r = Error(429, "rate_limited", "rate limit of key '" + caller.name + "' exceeded");
      r.headers.push_back({"Retry-After", std::to_string(static_cast<int>(std::ceil(wait)))});
      return r;
    }
  }
  if (!ctx.ready && std::string(route.name) != "healthz") return Error(503, "not_ready", "starting up");
  json body;
  if (req.method == "POST" && !req.body.empty()) {
    auto parsed = ParseBody(req.body, ctx.options.max_json_depth);
    if (!parsed.ok()) {  // "CODE: what"
      const std::string m = parsed.status().message();
      const size_t colon = m.find(": ");
      return Error(400, m.substr(0, colon), m.substr(colon + 2));
    }
    body = std::move(parsed).value();
  }
  std::map<std::string, std::string> query;
  for (const auto& [k, v] : req.params) query[k] = v;
  std::vector<std::string> captures;
  for (size_t i = 1; i < req.matches.size(); ++i) captures.push_back(req.matches[i].str());
  const Request r{req.method, req.path, body, query, captures};
  try {
    return route.handler(ctx, r, caller);
  } catch (const std::exception& e) {
    LogWarn(std::string("request ") + req.method + " " + req.path + " failed: " + e.what());
    return Error(500, "internal", "internal error");
  }
}

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

Status Load(Context& ctx) {
  const ServerOptions& o = ctx.options;
  if (o.model.empty()) return InvalidArgumentError("serve needs --model");
  FL_ASSIGN_OR_RETURN(ctx.model, classify::Model::Load(o.model));
  FL_ASSIGN_OR_RETURN(ctx.routing, pipeline::LoadRouting(o.model, ctx.model));
  FL_ASSIGN_OR_RETURN(ctx.config, pipeline::LoadTriageConfig(o.config));
  FL_ASSIGN_OR_RETURN(guard::Guard g, guard::Guard::Create(ctx.config.guard));
  ctx.guard = std::make_unique<guard::Guard>(std::move(g));
  if (!ctx.config.kb_index.empty()) {
    FL_ASSIGN_OR_RETURN(knowledge::Index kb, knowledge::Index::Load(ctx.config.kb_index));
    ctx.kb = std::make_unique<knowledge::Index>(std::move(kb));
  }
  if (!ctx.config.tickets_index.empty()) {
    FL_ASSIGN_OR_RETURN(knowledge::Index similar, knowledge::Index::Load(ctx.config.tickets_index));
    ctx.similar = std::make_unique<knowledge::Index>(std::move(similar));
  }
  const std::string db_path = o.data_dir + "/frontline.db";
  FL_ASSIGN_OR_RETURN(store::Store s, store::Store::Open(db_path));
  ctx.triage_store = std::make_unique<store::Store>(std::move(s));
  ctx.stores = std::make_unique<StorePool>(db_path);
  pipeline::TriageOptions topt;
  topt.config = ctx.config;
  FL_ASSIGN_OR_RETURN(ctx.triager, pipeline::Triager::Create(ctx.model, ctx.routing, topt, ctx.triage_store.get()));
  ctx.limiter = std::make_unique<RateLimiter>(o.rate_per_second, o.rate_burst);
  ctx.metrics.Set("frontline_model_info", {{"path", o.model}, {"fields", std::to_string(ctx.model.num_fields())}}, 1);
  return OkStatus();
}

}  // namespace

Status Serve(const ServerOptions& options) {
  auto ctx = std::make_unique<Context>();
  ctx->options = options;
  FL_RETURN_IF_ERROR(Load(*ctx));
  std::unique_ptr<httplib::Server> http;
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty()) return InvalidArgumentError("TLS needs both a cert and a key");
    auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!tls->is_valid()) return InvalidArgumentError("cannot load TLS cert " + options.tls_cert + " / key " + options.tls_key);
    http = std::move(tls);
  } else {
    http = std::make_unique<httplib::Server>();
  }
  // httplib gives each keep-alive connection a worker while it is open: size for
  // connections, not cores.
  const int threads = options.threads > 0 ? options.threads : std::max(32u, 4 * std::thread::hardware_concurrency());
  http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http->set_payload_max_length(options.max_body_bytes);
  http->set_read_timeout(options.read_timeout_seconds, 0);
  http->set_write_timeout(options.read_timeout_seconds, 0);
  http->set_keep_alive_max_count(1000);
  http->set_tcp_nodelay(true);  // small JSON answers: no 40 ms delayed-ACK stalls
  Context& c = *ctx;
  for (const RouteSpec& route : Routes()) {
    auto handler = [&c, &route](const httplib::Request& req, httplib::Response& res) {
      const double t0 = NowSeconds();
      Send(res, Handle(c, route, req));
      c.metrics.Observe(route.name, res.status, NowSeconds() - t0);
    };
    if (std::string(route.method) == "GET") {
      http->Get(route.pattern, handler);
    } else {
      http->Post(route.pattern, handler);
    }
  }
  // The dashboard: static files, no key (they hold no data; the page asks for a key).
  auto asset = [](const std::string& name, httplib::Response& res) {
    for (const WebAsset& a : WebAssets()) {
      if (name != a.name) continue;
      res.set_content(reinterpret_cast<const char*>(a.data), a.size, (std::string(a.type) + "; charset=utf-8").c_str());
      res.set_header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("X-Frame-Options", "DENY");
      res.set_header("Cache-Control", "no-cache");
      return;
    }
    res.status = 404;
  };
  http->Get("/", [asset](const httplib::Request&, httplib::Response& res) { asset("index.html", res); });
  http->Get(R"(/ui/([a-z]+\.[a-z]+))",
            [asset](const httplib::Request& req, httplib::Response& res) { asset(req.matches[1].str(), res); });
  // Errors httplib answers itself (unknown route, oversized body): the same JSON shape.
  http->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    Reply r = res.status == 413 ? Error(413, "too_large", "request body over the limit")
              : res.status == 404 ? Error(404, "not_found", "no route " + req.method + " " + req.path)
                                  : Error(res.status, "http_error", "HTTP " + std::to_string(res.status));
    const int status = res.status;
    Send(res, r);
    res.status = status;
  });
  if (!http->bind_to_port(options.bind.c_str(), options.port)) {
    return UnavailableError("cannot listen on " + options.bind + ":" + std::to_string(options.port) +
                            " (in use, or not allowed)");
  }
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  std::thread watcher([&] {
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    LogInfo("stopping: draining in-flight requests");
    http->stop();
  });
  c.ready = true;
  LogInfo(std::string(options.tls_cert.empty() ? "http" : "https") + "://" + options.bind + ":" +
          std::to_string(options.port) + " serving (" + std::to_string(threads) + " workers)");
  const bool ok = http->listen_after_bind();
  g_stop = true;
  watcher.join();
  LogInfo("stopped");
  return ok ? OkStatus() : UnavailableError("the server stopped with an error");
}

}  // namespace fl::server
