// server: frontline as an HTTP service (JSON under /v1, Prometheus /metrics, health).
//
//   Serve        loads the model, routing, triage config and indexes once, then serves
//                until SIGTERM / SIGINT, draining in-flight requests
//   GenerateKey  a new API key ("fl_" + 64 hex digits); only HashKey of it is stored
//
// Start here: `ServerOptions o; o.data_dir = "data"; o.model = "m.flm";
//              return fl::server::Serve(o);`
//
// Every route except /healthz and /readyz needs `Authorization: Bearer KEY` (or
// `X-Api-Key: KEY`) with the route's scope; an admin key has every scope. Errors are
// {"error":{"code","message"}} with the matching HTTP status. docs/api.md lists the
// routes.
//
// Thread-safety: requests run on a pool of worker threads. The model, guard and indexes
// are immutable and shared; each request borrows its own store connection; triage runs
// one batch at a time (its decisions are committed before the response, so a 2xx means
// the decision is in the store).
#pragma once

#include <cstdint>
#include <string>

#include "core/core.h"

namespace fl::server {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;
  std::string data_dir;          // the store folder (frontline.db inside)
  std::string model;             // as made by frontline train (with its calibration)
  std::string config;            // triage config (guard, rules, llm, knowledge); "" = defaults
  int threads = 0;               // worker threads (one per open connection); 0: max(32, 4 x cores)
  size_t max_body_bytes = 1 << 20;
  int max_json_depth = 32;
  double rate_per_second = 50;   // per API key (token bucket); 0: no limit
  double rate_burst = 100;
  bool metrics_public = false;   // /metrics without a key
  int read_timeout_seconds = 5;  // a client that stalls longer is dropped
  std::string tls_cert, tls_key; // both set: HTTPS
};

// Serves until SIGTERM or SIGINT. Errors that stop it from starting (model, store, port)
// are returned; LogInfo reports the URL once it listens.
Status Serve(const ServerOptions& options);

// API keys. Scopes: "triage" (tickets, classify, redact, search, reads), "review" (the
// review queue, reads), "admin" (everything, including keys and metrics).
bool IsScope(const std::string& scope);
std::string GenerateKey();
std::string HashKey(const std::string& key);  // SHA-256, lower-case hex

}  // namespace fl::server
