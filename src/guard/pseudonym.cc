// Reversible pseudonymisation: value <-> "<TYPE_n>", consistent within one ticket thread.
#include <algorithm>
#include <set>

#include "guard/guard.h"

namespace fl::guard {

std::string Pseudonymizer::Redact(std::string_view text, const std::vector<Span>& spans) {
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const Span& s : spans) {
    if (s.start < at || s.end > text.size()) continue;  // overlapping or out of range: skip
    out.append(text.substr(at, s.start - at));
    const std::string value(text.substr(s.start, s.end - s.start));
    const std::string key = s.type + '\0' + value;
    auto it = by_value_.find(key);
    if (it == by_value_.end()) {
      const std::string placeholder = "<" + s.type + "_" + std::to_string(++next_[s.type]) + ">";
      entries_.push_back({placeholder, s.type, value});
      it = by_value_.emplace(key, entries_.size() - 1).first;
    }
    out += entries_[it->second].placeholder;
    at = s.end;
  }
  out.append(text.substr(std::min(at, text.size())));
  return out;
}

std::string Pseudonymizer::Restore(std::string_view answer, const Guard* guard, RestoreReport* report) const {
  RestoreReport local;
  std::string out;
  size_t at = 0;
  while (at < answer.size()) {
    const size_t open = answer.find('<', at);
    if (open == std::string_view::npos) break;
    const size_t close = answer.find('>', open);
    if (close == std::string_view::npos) break;
    const std::string_view token = answer.substr(open, close - open + 1);
    // "<TYPE_n>": upper-case type, '_', digits.
    const size_t us = token.rfind('_');
    const bool shaped = us != std::string_view::npos && us > 1 && us + 2 < token.size() &&
                        std::all_of(token.begin() + 1, token.begin() + us,
                                    [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }) &&
                        std::all_of(token.begin() + us + 1, token.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
    out.append(answer.substr(at, open - at));
    if (!shaped) {
      out.push_back('<');
      at = open + 1;
      continue;
    }
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.placeholder == token; });
    if (it != entries_.end()) {
      out += it->value;
    } else {
      out.append(token);
      local.unknown_placeholders.emplace_back(token);
    }
    at = close + 1;
  }
  out.append(answer.substr(std::min(at, answer.size())));
  if (guard != nullptr) {
    // Identifiers in the answer itself (before restoring) that we never sent.
    std::vector<Span> spans;
    if (guard->Find(answer, &spans).ok()) {
      std::set<std::string> known;
      for (const Entry& e : entries_) known.insert(e.value);
      for (const Span& s : spans) {
        const std::string value(answer.substr(s.start, s.end - s.start));
        if (!known.count(value)) local.new_identifiers.push_back(s.type);
      }
    }
  }
  if (report != nullptr) *report = std::move(local);
  return out;
}

std::map<std::string, int> Pseudonymizer::TypeCounts() const {
  std::map<std::string, int> out;
  for (const Entry& e : entries_) ++out[e.type];
  return out;
}

}  // namespace fl::guard
