// Keyword / regex rules that decide a field before the model does.
#include "route/route.h"
#include "text/text.h"

namespace fl::route {

Result<CompiledRule> CompiledRule::Create(Rule rule) {
  const std::string who = "rule '" + rule.name + "'";
  if (rule.field.empty()) return InvalidArgumentError(who + ": no field");
  if (rule.label.empty()) return InvalidArgumentError(who + ": no label");
  if (rule.all.empty() && rule.any.empty() && rule.regex.empty()) {
    return InvalidArgumentError(who + ": no condition (all, any or regex)");
  }
  for (auto* list : {&rule.all, &rule.any, &rule.none}) {
    for (std::string& phrase : *list) {
      if (phrase.empty()) return InvalidArgumentError(who + ": an empty phrase");
      phrase = text::ToLower(phrase);
    }
  }
  CompiledRule out;
  if (!rule.regex.empty()) {
    try {
      out.regex_ = std::make_shared<const std::regex>(
          rule.regex, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return InvalidArgumentError(who + ": regex '" + rule.regex + "' does not compile: " + e.what());
    }
  }
  out.rule_ = std::move(rule);
  return out;
}

bool CompiledRule::Matches(const std::string& lowered) const {
  for (const std::string& p : rule_.all) {
    if (lowered.find(p) == std::string::npos) return false;
  }
  for (const std::string& p : rule_.none) {
    if (lowered.find(p) != std::string::npos) return false;
  }
  if (!rule_.any.empty()) {
    bool hit = false;
    for (const std::string& p : rule_.any) hit = hit || lowered.find(p) != std::string::npos;
    if (!hit) return false;
  }
  return regex_ == nullptr || std::regex_search(lowered, *regex_);
}

}  // namespace fl::route
