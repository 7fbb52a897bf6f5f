// frontline serve | keys create | list | revoke.
#include <iostream>
#include <memory>

#include "cli/cli.h"
#include "server/server.h"

namespace fl::cli {

void AddServerCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  {
    auto* sub = app->add_subcommand("serve", "Serve the triage pipeline over HTTP (JSON API under /v1)");
    auto o = std::make_shared<server::ServerOptions>();
    sub->add_option("--data-dir", o->data_dir, "Store folder (default: $FRONTLINE_DATA_DIR, else ./frontline-data)");
    sub->add_option("--model", o->model, "Model file from frontline train (calibrated for routing)")->required();
    sub->add_option("--config", o->config, "Triage config (guard, rules, llm, knowledge)");
    sub->add_option("--bind", o->bind, "Address to listen on")->capture_default_str();
    sub->add_option("--port", o->port, "Port")->check(CLI::Range(1, 65535))->capture_default_str();
    sub->add_option("--threads", o->threads, "Worker threads, one per open connection (0: max(32, 4 x cores))")->capture_default_str();
    sub->add_option("--max-body", o->max_body_bytes, "Largest request body in bytes")->capture_default_str();
    sub->add_option("--rate-limit", o->rate_per_second, "Requests per second per key (0: no limit)")
        ->capture_default_str();
    sub->add_option("--burst", o->rate_burst, "Burst size per key")->capture_default_str();
    sub->add_flag("--metrics-public", o->metrics_public, "Serve /metrics without a key");
    sub->add_option("--tls-cert", o->tls_cert, "PEM certificate: serve HTTPS");
    sub->add_option("--tls-key", o->tls_key, "PEM private key of --tls-cert");
    commands->emplace_back(sub, [=] {
      auto dir = DataDir(o->data_dir);
      if (!dir.ok()) return Fail(dir.status().ToString());
      server::ServerOptions opts = *o;
      opts.data_dir = *dir;
      Status s = server::Serve(opts);
      return s.ok() ? 0 : Fail(s.ToString());
    });
  }
  auto* keys = app->add_subcommand("keys", "API keys of the service: create, list, revoke");
  keys->require_subcommand(1);
  auto data_dir = std::make_shared<std::string>();
  auto add_data_dir = [data_dir](CLI::App* a) {
    a->add_option("--data-dir", *data_dir, "Store folder (default: $FRONTLINE_DATA_DIR, else ./frontline-data)");
  };
  add_data_dir(keys);
  {
    auto* sub = keys->add_subcommand("create", "Create a key; it is printed once, as the last line");
    auto scope = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    sub->add_option("--scope", *scope, "triage, review or admin")->required();
    sub->add_option("--name", *name, "Who or what uses it")->required();
    add_data_dir(sub);
    commands->emplace_back(sub, [=] {
      if (!server::IsScope(*scope)) return Fail("--scope must be triage, review or admin");
      auto db = OpenStore(*data_dir);
      if (!db.ok()) return Fail(db.status().ToString());
      const std::string key = server::GenerateKey();
      auto id = db->CreateApiKey(*name, *scope, server::HashKey(key), key.substr(0, 10));
      if (!id.ok()) return Fail(id.status().ToString());
      Status s = db->Audit("cli:" + *name, "keys.create", "{\"id\":" + std::to_string(*id) + "}");
      if (!s.ok()) return Fail(s.ToString());
      std::cerr << "created key " << *id << " '" << *name << "' with scope " << *scope
                << "; store it now, it is not shown again\n";
      std::cout << key << "\n";
      return 0;
    });
  }
  {
    auto* sub = keys->add_subcommand("list", "List keys (never the keys themselves)");
    add_data_dir(sub);
    commands->emplace_back(sub, [=] {
      auto db = OpenStore(*data_dir);
      if (!db.ok()) return Fail(db.status().ToString());
      auto list = db->ListApiKeys();
      if (!list.ok()) return Fail(list.status().ToString());
      for (const auto& k : *list) {
        std::cout << k.id << "\t" << k.name << "\t" << k.scope << "\t" << k.prefix << "…\tcreated " << k.created_at
                  << (k.revoked_at.empty() ? "" : "\trevoked " + k.revoked_at) << "\n";
      }
      return 0;
    });
  }
  {
    auto* sub = keys->add_subcommand("revoke", "Revoke a key by id (takes effect within a second)");
    auto id = std::make_shared<int64_t>(0);
    sub->add_option("id", *id, "Key id (keys list)")->required();
    add_data_dir(sub);
    commands->emplace_back(sub, [=] {
      auto db = OpenStore(*data_dir);
      if (!db.ok()) return Fail(db.status().ToString());
      Status s = db->RevokeApiKey(*id);
      if (!s.ok()) return Fail(s.ToString());
      s = db->Audit("cli", "keys.revoke", "{\"id\":" + std::to_string(*id) + "}");
      if (!s.ok()) return Fail(s.ToString());
      std::cerr << "revoked key " << *id << "\n";
      return 0;
    });
  }
}

}  // namespace fl::cli
