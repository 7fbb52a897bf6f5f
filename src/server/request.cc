// Request bodies: UTF-8, nesting depth and JSON checks; ticket extraction. Depends on
// nothing but text and nlohmann_json, so the fuzz target (fuzz/request_fuzz.cc) builds it
// alone.
#include "server/server_impl.h"
#include "text/text.h"

namespace fl::server {
namespace {

// Nesting depth of a JSON text (brackets outside strings); stops counting past limit.
int JsonDepth(std::string_view s, int limit) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
      if (max_depth > limit) return max_depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

Result<pipeline::TicketInput> TicketFrom(const json& t, const std::string& where) {
  if (!t.is_object()) return InvalidArgumentError(where + "a ticket must be a JSON object");
  auto id = StringField(t, "id");
  if (!id.ok()) return InvalidArgumentError(where + id.status().message());
  pipeline::TicketInput in{*id, ""};
  for (const char* f : {"text", "subject", "body"}) {
    const auto it = t.find(f);
    if (it == t.end() || it->is_null()) continue;
    if (!it->is_string()) return InvalidArgumentError(where + "field '" + f + "' must be a string");
    if (!it->get_ref<const std::string&>().empty()) in.text += (in.text.empty() ? "" : "\n") + it->get<std::string>();
  }
  if (in.text.empty()) return InvalidArgumentError(where + "the ticket needs 'text', or 'subject' / 'body'");
  return in;
}

}  // namespace

Result<json> ParseBody(std::string_view body, int max_depth) {
  if (!text::IsValidUtf8(body)) return InvalidArgumentError("invalid_utf8: the request body is not valid UTF-8");
  if (JsonDepth(body, max_depth) > max_depth) {
    return InvalidArgumentError("too_deep: JSON nested deeper than " + std::to_string(max_depth));
  }
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return InvalidArgumentError("malformed_json: the request body is not valid JSON");
  return j;
}

Result<std::string> StringField(const json& body, const char* name) {
  if (!body.is_object()) return InvalidArgumentError("the body must be a JSON object");
  const auto it = body.find(name);
  if (it == body.end()) return InvalidArgumentError("missing field '" + std::string(name) + "'");
  if (!it->is_string()) return InvalidArgumentError("field '" + std::string(name) + "' must be a string");
  if (it->get_ref<const std::string&>().empty()) return InvalidArgumentError("field '" + std::string(name) + "' is empty");
  return it->get<std::string>();
}

Result<std::vector<pipeline::TicketInput>> TicketsFrom(const json& body) {
  if (!body.is_object()) return InvalidArgumentError("the body must be a JSON object");
  std::vector<pipeline::TicketInput> tickets;
  if (!body.contains("tickets")) {
    FL_ASSIGN_OR_RETURN(pipeline::TicketInput t, TicketFrom(body, ""));
    tickets.push_back(std::move(t));
    return tickets;
  }
  const json& list = body["tickets"];
  if (!list.is_array()) return InvalidArgumentError("field 'tickets' must be an array");
  for (size_t i = 0; i < list.size(); ++i) {
    FL_ASSIGN_OR_RETURN(pipeline::TicketInput t, TicketFrom(list[i], "tickets[" + std::to_string(i) + "]: "));
    tickets.push_back(std::move(t));
  }
  return tickets;
}

}  // namespace fl::server
