// frontline review list | show | accept | correct: the human tier from the terminal.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace fl::cli {

Result<std::string> DataDir(const std::string& data_dir) {
  std::string dir = data_dir;
  if (dir.empty()) {
    const char* env = std::getenv("FRONTLINE_DATA_DIR");
    dir = env != nullptr && *env != '\0' ? env : "frontline-data";
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return InvalidArgumentError(dir + ": cannot create the data folder");
  }
  return dir;
}

Result<store::Store> OpenStore(const std::string& data_dir) {
  FL_ASSIGN_OR_RETURN(const std::string dir, DataDir(data_dir));
  return store::Store::Open(dir + "/frontline.db");
}

namespace {

nlohmann::json ItemJson(const store::ReviewItem& r) {
  return {{"id", r.id},
          {"ticket_id", r.ticket_id},
          {"field", r.field},
          {"state", r.state},
          {"candidates", nlohmann::json::parse(r.candidates_json.empty() ? "[]" : r.candidates_json,
                                               nullptr, false)},
          {"reason", r.reason},
          {"created_at", r.created_at},
          {"resolved_at", r.resolved_at},
          {"resolved_by", r.resolved_by}};
}

// Items in state ("all": every state), up to limit (0: no limit).
Result<std::vector<store::ReviewItem>> Items(store::Store* db, const std::string& state, int limit) {
  if (state != "all") return db->ListReview(state, limit);
  std::vector<store::ReviewItem> all;
  for (const char* s : {"open", "accepted", "corrected"}) {
    FL_ASSIGN_OR_RETURN(std::vector<store::ReviewItem> part, db->ListReview(s, 0));
    all.insert(all.end(), part.begin(), part.end());
  }
  if (limit > 0 && static_cast<int>(all.size()) > limit) all.resize(limit);
  return all;
}

Result<store::ReviewItem> FindItem(store::Store* db, int64_t id) {
  FL_ASSIGN_OR_RETURN(std::vector<store::ReviewItem> all, Items(db, "all", 0));
  for (const store::ReviewItem& r : all) {
    if (r.id == id) return r;
  }
  return NotFoundError("no review item " + std::to_string(id));
}

std::string DefaultWho() {
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? user : "cli";
}

}  // namespace

void AddReviewCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  auto* review = app->add_subcommand("review", "The review queue: fields the models left to a person");
  review->require_subcommand(1);
  auto data_dir = std::make_shared<std::string>();
  // Accepted before or after the action: `review --data-dir D list` and `review list --data-dir D`.
  auto add_data_dir = [data_dir](CLI::App* a) {
    a->add_option("--data-dir", *data_dir,
                  "Store folder (default: $FRONTLINE_DATA_DIR, else ./frontline-data)");
  };
  add_data_dir(review);
  // ---- list ----
  {
    auto* sub = review->add_subcommand("list", "List review items");
    auto state = std::make_shared<std::string>("open");
    auto limit = std::make_shared<int>(20);
    auto json = std::make_shared<bool>(false);
    sub->add_option("--state", *state, "open, accepted, corrected or all")->capture_default_str();
    sub->add_option("--limit", *limit, "At most this many (0: all)")->capture_default_str();
    sub->add_flag("--json", *json, "One JSON object per line");
    add_data_dir(sub);
    commands->emplace_back(sub, [=] {
      auto db = OpenStore(*data_dir);
      if (!db.ok()) return Fail(db.status().ToString());
      auto items = Items(&*db, *state, *limit);
      if (!items.ok()) return Fail(items.status().ToString());
      for (const store::ReviewItem& r : *items) {
        if (*json) {
          std::cout << ItemJson(r).dump() << "\n";
          continue;
        }
        auto t = db->GetTicket(r.ticket_id);
        std::string subject = t.ok() ? t->text.substr(0, t->text.find('\n')).substr(0, 60) : "?";
        std::printf("%6lld  %-10s %-9s %-14s %s\n", static_cast<long long>(r.id), r.field.c_str(),
                    r.state.c_str(), t.ok() ? t->external_id.c_str() : "?", subject.c_str());
      }
      return 0;
    });
  }
  // ---- show ----
  {
    auto* sub = review->add_subcommand("show", "Show one review item with its ticket and decisions");
    auto id = std::make_shared<int64_t>(0);
    sub->add_option("id", *id, "Review item id")->required();
    add_data_dir(sub);
    commands->emplace_back(sub, [=] {
      auto db = OpenStore(*data_dir);
      if (!db.ok()) return Fail(db.status().ToString());
      auto item = FindItem(&*db, *id);
      if (!item.ok()) return Fail(item.status().ToString());
      auto t = db->GetTicket(item->ticket_id);
      if (!t.ok()) return Fail(t.status().ToString());
      auto d = db->DecisionsFor(item->ticket_id);
      if (!d.ok()) return Fail(d.status().ToString());
      nlohmann::json j = ItemJson(*item);
      j["ticket"] = {{"external_id", t->external_id}, {"text", t->text}};
      for (const store::Decision& dec : *d) {
        j["decisions"][dec.field] = {{"value", dec.value}, {"confidence", dec.confidence}, {"tier", dec.tier}};
      }
      std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return 0;
    });
  }
  // ---- accept / correct ----
  for (const bool accept : {true, false}) {
    auto* sub = review->add_subcommand(
        accept ? "accept" : "correct",
        accept ? "Accept the decided label" : "Correct the label (stored as feedback for training)");
    auto id = std::make_shared<int64_t>(0);
    auto label = std::make_shared<std::string>();
    auto who = std::make_shared<std::string>(DefaultWho());
    sub->add_option("id", *id, "Review item id")->required();
    if (!accept) sub->add_option("label", *label, "The correct label")->required();
    sub->add_option("--who", *who, "Reviewer name (default: $USER)")->capture_default_str();
    add_data_dir(sub);
    commands->emplace_back(sub, [=] {
      auto db = OpenStore(*data_dir);
      if (!db.ok()) return Fail(db.status().ToString());
      auto item = FindItem(&*db, *id);
      if (!item.ok()) return Fail(item.status().ToString());
      std::string value = *label;
      if (accept) {
        auto d = db->DecisionsFor(item->ticket_id);
        if (!d.ok()) return Fail(d.status().ToString());
        for (const store::Decision& dec : *d) {
          if (dec.field == item->field) value = dec.value;
        }
        if (value.empty()) return Fail("review item " + std::to_string(*id) + " has no decision to accept");
      }
      Status s = db->ResolveReview(*id, value, *who);
      if (!s.ok()) return Fail(s.ToString());
      auto after = FindItem(&*db, *id);
      std::printf("review item %lld: %s as '%s' by %s\n", static_cast<long long>(*id),
                  after.ok() ? after->state.c_str() : "resolved", value.c_str(), who->c_str());
      return 0;
    });
  }
}

}  // namespace fl::cli
