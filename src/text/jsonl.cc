// JSONL (JSON Lines / NDJSON) reading.
//
// Format accepted: an optional UTF-8 BOM, then lines separated by LF or CRLF. A line that is
// empty or only spaces/tabs is skipped. Every other line must be one JSON object; its keys
// become columns, in order of first appearance over the file. Values become text:
//   string            as is
//   number            its JSON spelling ("42", "3.5")
//   true / false      "true" / "false"
//   array             its non-null elements converted the same way, joined with " "
//   object            its compact JSON text
//   null, missing     absent: "" with present = false
// A line that is not valid UTF-8, not valid JSON, or not an object is a bad row.
//
// nlohmann::json reports errors with exceptions; they are caught here and become bad rows,
// so no exception leaves the module.

#include <exception>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "text/internal.h"
#include "text/text.h"

namespace fl::text::internal {
namespace {

using Json = nlohmann::ordered_json;  // keeps keys in file order

// For a byte offset inside a one-line JSON object, the top-level key whose string value
// holds that byte, and the offset relative to the start of that string's contents.
// Returns false when the offset is not inside a top-level string value (a key, a nested
// value, or outside any string).
bool FindValueAtOffset(std::string_view line, size_t offset, std::string* key,
                       size_t* offset_in_value) {
  int depth = 0;
  bool in_string = false, expect_key = false;
  size_t string_start = 0;
  std::string current_key;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (i >= offset) {
        if (depth != 1 || expect_key) return false;
        *key = current_key;
        *offset_in_value = offset - string_start;
        return true;
      }
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1 && expect_key) {
          current_key.assign(line.substr(string_start, i - string_start));
        }
      }
      continue;
    }
    if (i >= offset) return false;
    switch (c) {
      case '"': in_string = true; string_start = i + 1; break;
      case '{': if (++depth == 1) expect_key = true; break;
      case '[': ++depth; break;
      case '}': case ']': --depth; break;
      case ',': if (depth == 1) expect_key = true; break;
      case ':': if (depth == 1) expect_key = false; break;
      default: break;
    }
  }
  return false;
}

void AppendScalarText(const Json& v, std::string* out) {
  switch (v.type()) {
    case Json::value_t::string: *out += v.get_ref<const std::string&>(); break;
    case Json::value_t::boolean: *out += v.get<bool>() ? "true" : "false"; break;
    case Json::value_t::null: break;
    default: *out += v.dump(); break;  // numbers, and nested arrays/objects as JSON
  }
}

// REQUIRES: !v.is_null().
std::string ValueText(const Json& v) {
  std::string out;
  if (!v.is_array()) {
    AppendScalarText(v, &out);
    return out;
  }
  for (const Json& e : v) {
    if (e.is_null()) continue;
    if (!out.empty()) out.push_back(' ');
    AppendScalarText(e, &out);
  }
  return out;
}

// Parses one line into *object, or returns why it is a bad row.
std::string ParseObject(std::string_view line, Json* object) {
  try {
    *object = Json::parse(line.begin(), line.end());
  } catch (const Json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 1, column 7: ...".
    std::string what = e.what();
    const size_t colon = what.find(": ");
    return "invalid JSON at byte " + std::to_string(e.byte > 0 ? e.byte - 1 : 0) + ": " +
           (colon == std::string::npos ? what : what.substr(colon + 2));
  } catch (const std::exception& e) {
    return std::string("invalid JSON: ") + e.what();
  }
  if (!object->is_object()) {
    return std::string("expected a JSON object, found ") + object->type_name();
  }
  return "";
}

}  // namespace

Status ReadJsonlTable(const std::string& path, std::string_view data, BadRows* bad_rows,
                      Table* table) {
  std::unordered_map<std::string, size_t> column_index;
  size_t pos = data.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  int64_t line_number = 0;
  Json object;
  while (pos < data.size()) {
    ++line_number;
    size_t eol = data.find('\n', pos);
    if (eol == std::string_view::npos) eol = data.size();
    std::string_view line = data.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;

    const std::string at = path + ":" + std::to_string(line_number) + ": ";
    size_t bad = 0;
    if (!IsValidUtf8(line, &bad)) {
      std::string key;
      size_t in_value = 0;
      const std::string reason =
          FindValueAtOffset(line, bad, &key, &in_value)
              ? "column '" + key + "': invalid UTF-8 at byte " + std::to_string(in_value)
              : "invalid UTF-8 at byte " + std::to_string(bad) + " of the line";
      FL_RETURN_IF_ERROR(bad_rows->Report(at + reason));
      continue;
    }
    if (std::string reason = ParseObject(line, &object); !reason.empty()) {
      FL_RETURN_IF_ERROR(bad_rows->Report(at + reason));
      continue;
    }

    std::vector<std::string> values(table->columns.size());
    std::vector<bool> present(table->columns.size(), false);
    std::string failure;
    try {
      for (const auto& [key, value] : object.items()) {
        auto [it, added] = column_index.try_emplace(key, table->columns.size());
        if (added) table->columns.push_back(key);
        const size_t j = it->second;
        if (j >= values.size()) {
          values.resize(table->columns.size());
          present.resize(table->columns.size(), false);
        }
        if (value.is_null()) continue;
        values[j] = ValueText(value);
        present[j] = true;
      }
    } catch (const std::exception& e) {  // not expected after a successful parse
      failure = std::string("cannot convert values: ") + e.what();
    }
    if (!failure.empty()) {
      FL_RETURN_IF_ERROR(bad_rows->Report(at + failure));
      continue;
    }
    table->rows.push_back(std::move(values));
    table->present.push_back(std::move(present));
    table->row_lines.push_back(line_number);
  }

  // Rows read before a column first appeared lack it: absent.
  for (size_t i = 0; i < table->rows.size(); ++i) {
    table->rows[i].resize(table->columns.size());
    table->present[i].resize(table->columns.size(), false);
  }
  return OkStatus();
}

}  // namespace fl::text::internal
