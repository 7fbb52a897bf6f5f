// CSV/TSV (RFC 4180) reading.
//
// Format accepted:
//   file    = [BOM] record *(eol record) [eol]
//   record  = field *(delimiter field)
//   field   = quoted / unquoted
//   quoted  = '"' *(any byte except '"' / '""') '"'   ; commas, CR, LF are literal inside
//   unquoted= *(any byte except delimiter, '"', LF)   ; a lone CR is literal
//   eol     = LF / CRLF
// The first record is the header; its names are trimmed of surrounding spaces. A record
// that is one empty field (a blank line) carries no data and is skipped. Every other
// record must have as many fields as the header, and every field must be valid UTF-8.

#include <algorithm>
#include <cstring>

#include "text/internal.h"
#include "text/text.h"

namespace fl::text {

CsvReader::CsvReader(std::string_view data, char delimiter) : data_(data), delim_(delimiter) {
  if (data_.size() >= 3 && data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::Next(std::vector<std::string>* fields, std::string* error) {
  const char* const d = data_.data();
  const size_t n = data_.size();
  if (pos_ >= n) return false;
  error->clear();
  fields->clear();
  record_line_ = line_;

  // Skips the rest of the physical line at pos_, so the next record starts fresh.
  auto resync = [&] {
    const void* nl = pos_ < n ? std::memchr(d + pos_, '\n', n - pos_) : nullptr;
    if (nl == nullptr) {
      pos_ = n;
    } else {
      pos_ = static_cast<size_t>(static_cast<const char*>(nl) - d) + 1;
      ++line_;
    }
  };
  auto at_eol = [&](size_t i) {
    return i >= n || d[i] == '\n' || (d[i] == '\r' && (i + 1 == n || d[i + 1] == '\n'));
  };

  for (;;) {
    const size_t field_number = fields->size() + 1;  // 1-based, for messages
    std::string& field = fields->emplace_back();
    if (pos_ < n && d[pos_] == '"') {
      const size_t open_pos = pos_;
      const int64_t open_line = line_;
      ++pos_;
      for (;;) {
        const void* q = std::memchr(d + pos_, '"', n - pos_);
        if (q == nullptr) {
          *error = "unterminated quoted field " + std::to_string(field_number) +
                   " (opened on line " + std::to_string(open_line) + ")";
          pos_ = open_pos;
          line_ = open_line;
          resync();
          return true;
        }
        const size_t qpos = static_cast<size_t>(static_cast<const char*>(q) - d);
        line_ += std::count(d + pos_, d + qpos, '\n');
        field.append(d + pos_, qpos - pos_);
        pos_ = qpos + 1;
        if (pos_ < n && d[pos_] == '"') {  // "" is a literal quote
          field.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      if (pos_ < n && d[pos_] != delim_ && !at_eol(pos_)) {
        *error = "unexpected text after the closing quote of field " +
                 std::to_string(field_number);
        resync();
        return true;
      }
    } else {
      const size_t start = pos_;
      while (pos_ < n) {
        const char c = d[pos_];
        if (c == delim_ || c == '\n') break;
        if (c == '"') {
          *error = "unexpected '\"' inside unquoted field " + std::to_string(field_number) +
                   " (quote the whole field and double inner quotes)";
          resync();
          return true;
        }
        ++pos_;
      }
      size_t stop = pos_;
      if (stop > start && d[stop - 1] == '\r' && (pos_ >= n || d[pos_] == '\n')) {
        --stop;  // CRLF, or a CR that ends the input
      }
      field.assign(d + start, stop - start);
    }

    if (pos_ >= n) return true;
    if (d[pos_] == delim_) {
      ++pos_;
      continue;
    }
    if (d[pos_] == '\r') ++pos_;  // only after a quoted field: at_eol() checked the LF
    if (pos_ < n && d[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    return true;
  }
}

namespace internal {
namespace {

std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

}  // namespace

Status ReadCsvTable(const std::string& path, std::string_view data, char delimiter,
                    BadRows* bad_rows, Table* table) {
  CsvReader reader(data, delimiter);
  std::vector<std::string> fields;
  std::string error;
  if (!reader.Next(&fields, &error)) {
    return InvalidArgumentError(path + ": empty file, expected a header row");
  }
  const std::string header_at = path + ":" + std::to_string(reader.record_line()) + ": header: ";
  if (!error.empty()) return InvalidArgumentError(header_at + error);
  for (size_t j = 0; j < fields.size(); ++j) {
    size_t bad = 0;
    if (!IsValidUtf8(fields[j], &bad)) {
      return InvalidArgumentError(header_at + "column " + std::to_string(j + 1) +
                                  ": invalid UTF-8 at byte " + std::to_string(bad));
    }
    table->columns.emplace_back(TrimSpace(fields[j]));
  }
  const size_t n_columns = table->columns.size();

  while (reader.Next(&fields, &error)) {
    const int64_t line = reader.record_line();
    const std::string at = path + ":" + std::to_string(line) + ": ";
    if (!error.empty()) {
      FL_RETURN_IF_ERROR(bad_rows->Report(at + error));
      continue;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (fields.size() != n_columns) {
      FL_RETURN_IF_ERROR(bad_rows->Report(at + "ragged row: " + std::to_string(fields.size()) +
                                          " fields, header has " + std::to_string(n_columns)));
      continue;
    }
    bool ok = true;
    for (size_t j = 0; j < n_columns && ok; ++j) {
      size_t bad = 0;
      if (!IsValidUtf8(fields[j], &bad)) {
        ok = false;
        FL_RETURN_IF_ERROR(bad_rows->Report(at + "column " + Quoted(table->columns[j]) +
                                            ": invalid UTF-8 at byte " + std::to_string(bad)));
      }
    }
    if (!ok) continue;
    table->rows.push_back(std::move(fields));
    fields = {};
    table->row_lines.push_back(line);
    table->present.emplace_back(n_columns, true);
  }
  return OkStatus();
}

}  // namespace internal
}  // namespace fl::text
