// Reversible pseudonymisation: value <-> "<TYPE_n>", consistent within one ticket thread.
#include <algorithm>
#include <cctype>
#include <set>

#include "guard/guard.h"
#include "guard/recognisers.h"

namespace fl::guard {

std::string Pseudonymizer::Redact(std::string_view text, const std::vector<Span>& spans) {
  // 1. Every finding gets its placeholder (a value seen before keeps its old one).
  std::vector<std::pair<Span, size_t>> marks;  // span, entries_ index
  for (const Span& s : spans) {
    if (s.end > text.size() || s.start >= s.end) continue;
    const std::string value(text.substr(s.start, s.end - s.start));
    const std::string key = s.type + '\0' + value;
    auto it = by_value_.find(key);
    if (it == by_value_.end()) {
      const std::string placeholder = "<" + s.type + "_" + std::to_string(++next_[s.type]) + ">";
      entries_.push_back({placeholder, s.type, value});
      it = by_value_.emplace(key, entries_.size() - 1).first;
    }
    marks.emplace_back(s, it->second);
  }
  // 2. A value once found in this thread is replaced wherever else it occurs as a whole
  //    word ("Hi Maria, ..." then "Maria said ..."), even where no recogniser fires.
  internal::Ranges marked;
  for (const auto& [s, e] : marks) {
    if (marked.Overlapping(s.start, s.end) == nullptr) marked.Add(s.start, s.end, 0);
  }
  internal::WordIndex words(text);
  for (size_t e = 0; e < entries_.size(); ++e) {
    const std::string& v = entries_[e].value;
    if (v.size() < 3) continue;
    words.ForEachWholeWord(v, [&](size_t at) {
      const size_t end = at + v.size();
      if (marked.Overlapping(at, end) != nullptr) return;
      marked.Add(at, end, 0);
      marks.push_back({Span{at, end, entries_[e].type, 1.0, "thread"}, e});
    });
  }
  std::sort(marks.begin(), marks.end(), [](const auto& a, const auto& b) { return a.first.start < b.first.start; });
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const auto& [s, e] : marks) {
    if (s.start < at) continue;  // overlapping: the earlier one wins
    out.append(text.substr(at, s.start - at));
    out += entries_[e].placeholder;
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

Result<Pseudonymizer> Pseudonymizer::FromEntries(const std::vector<Entry>& entries) {
  Pseudonymizer p;
  std::set<std::string> seen;
  for (const Entry& e : entries) {
    const std::string prefix = "<" + e.type + "_";
    const bool shaped = e.placeholder.size() > prefix.size() + 1 && e.placeholder.compare(0, prefix.size(), prefix) == 0 &&
                        e.placeholder.back() == '>' &&
                        std::all_of(e.placeholder.begin() + prefix.size(), e.placeholder.end() - 1,
                                    [](char c) { return c >= '0' && c <= '9'; });
    if (!shaped) return InvalidArgumentError("mapping entry '" + e.placeholder + "' is not <" + e.type + "_n>");
    if (!seen.insert(e.placeholder).second) return InvalidArgumentError("mapping entry " + e.placeholder + " repeats");
    const int n = std::stoi(e.placeholder.substr(prefix.size()));
    p.next_[e.type] = std::max(p.next_[e.type], n);
    p.entries_.push_back(e);
    p.by_value_.emplace(e.type + '\0' + e.value, p.entries_.size() - 1);
  }
  return p;
}

std::map<std::string, int> Pseudonymizer::TypeCounts() const {
  std::map<std::string, int> out;
  for (const Entry& e : entries_) ++out[e.type];
  return out;
}

}  // namespace fl::guard
