// ReadTable (format dispatch and bad-row accounting), LoadLabeledData (the user's column
// mapping) and SplitList.
//
// Stats: *stats describes one call and is overwritten by it. rows_read counts the rows
// returned to the caller; rows_skipped the bad rows dropped under skip_bad_rows; with
// LoadLabeledData both include rows dropped by the table reader and by the mapping. When
// rows are skipped and the caller passed no stats, a warning is logged instead, so that
// nothing is dropped silently.

#include <algorithm>
#include <cctype>

#include "text/internal.h"
#include "text/text.h"

namespace fl::text {
namespace {

enum class Format { kCsv, kTsv, kJsonl };

Result<Format> FormatOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  std::string ext;
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
    ext = path.substr(dot + 1);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (ext == "csv") return Format::kCsv;
  if (ext == "tsv") return Format::kTsv;
  if (ext == "jsonl" || ext == "ndjson") return Format::kJsonl;
  return InvalidArgumentError(path + ": unsupported file type '" + (ext.empty() ? "" : "." + ext) +
                              "', expected .csv, .tsv, .jsonl or .ndjson");
}

void WarnSkipped(const std::string& path, const ReadStats& stats) {
  if (stats.rows_skipped == 0) return;
  std::string m = path + ": skipped " + std::to_string(stats.rows_skipped) + " bad row(s)";
  if (!stats.skip_reasons.empty()) m += "; first: " + stats.skip_reasons.front();
  LogWarn(m);
}

std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The index of column name in table, or an error that lists what is there.
Result<size_t> FindColumn(const std::string& path, const Table& table, const std::string& name) {
  size_t found = 0, matches = 0;
  for (size_t j = 0; j < table.columns.size(); ++j) {
    if (table.columns[j] == name) {
      found = j;
      ++matches;
    }
  }
  if (matches == 1) return found;
  if (matches > 1) {
    return InvalidArgumentError(path + ": column " + Quoted(name) + " appears " +
                                std::to_string(matches) + " times in the header");
  }
  std::string m = path + ": no column " + Quoted(name);
  for (const std::string& c : table.columns) {
    if (EqualsIgnoreAsciiCase(c, name)) {
      m += " (did you mean " + Quoted(c) + "?)";
      break;
    }
  }
  if (table.columns.empty()) return InvalidArgumentError(m + "; the file has no columns");
  m += "; available columns: ";
  constexpr size_t kMaxListed = 50;
  for (size_t j = 0; j < table.columns.size() && j < kMaxListed; ++j) {
    if (j > 0) m += ", ";
    m += Quoted(table.columns[j]);
  }
  if (table.columns.size() > kMaxListed) {
    m += " and " + std::to_string(table.columns.size() - kMaxListed) + " more";
  }
  return InvalidArgumentError(m);
}

}  // namespace

namespace internal {

Status BadRows::Report(std::string reason) {
  if (!options_.skip_bad_rows) return InvalidArgumentError(std::move(reason));
  ++stats_->rows_skipped;
  if (static_cast<int64_t>(stats_->skip_reasons.size()) < options_.max_reasons) {
    stats_->skip_reasons.push_back(std::move(reason));
  }
  return OkStatus();
}

}  // namespace internal

Result<Table> ReadTable(const std::string& path, const ReadOptions& options, ReadStats* stats) {
  ReadStats local;
  ReadStats* const s = stats != nullptr ? stats : &local;
  *s = ReadStats{};
  FL_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  FL_ASSIGN_OR_RETURN(Format format, FormatOf(path));
  internal::BadRows bad_rows(options, s);
  Table table;
  if (format == Format::kJsonl) {
    FL_RETURN_IF_ERROR(internal::ReadJsonlTable(path, file.view(), &bad_rows, &table));
  } else {
    const char delimiter = format == Format::kTsv ? '\t' : ',';
    FL_RETURN_IF_ERROR(internal::ReadCsvTable(path, file.view(), delimiter, &bad_rows, &table));
  }
  s->rows_read = static_cast<int64_t>(table.rows.size());
  if (stats == nullptr) WarnSkipped(path, local);
  return table;
}

Result<LabeledData> LoadLabeledData(const std::string& path, const ColumnMapping& mapping,
                                    const ReadOptions& options, ReadStats* stats) {
  if (mapping.text_columns.empty()) {
    return InvalidArgumentError(path + ": no text column given; name at least one");
  }
  ReadStats local;
  FL_ASSIGN_OR_RETURN(Table table, ReadTable(path, options, &local));
  std::vector<size_t> text_index, label_index;
  for (const std::string& name : mapping.text_columns) {
    FL_ASSIGN_OR_RETURN(size_t j, FindColumn(path, table, name));
    text_index.push_back(j);
  }
  for (const std::string& name : mapping.label_columns) {
    FL_ASSIGN_OR_RETURN(size_t j, FindColumn(path, table, name));
    label_index.push_back(j);
  }

  LabeledData out;
  out.label_columns = mapping.label_columns;
  out.labels.resize(label_index.size());
  internal::BadRows bad_rows(options, &local);
  std::string text;
  std::vector<std::string_view> labels(label_index.size());
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const std::vector<std::string>& row = table.rows[i];
    text.clear();
    for (size_t j : text_index) {
      if (internal::TrimSpace(row[j]).empty()) continue;
      if (!text.empty()) text.push_back('\n');
      text += row[j];
    }
    std::string reason;
    if (text.empty()) {
      if (text_index.size() == 1) {
        reason = "column " + Quoted(table.columns[text_index[0]]) + ": empty text";
      } else {
        reason = "empty text: columns ";
        for (size_t k = 0; k < text_index.size(); ++k) {
          reason += (k > 0 ? ", " : "") + Quoted(table.columns[text_index[k]]);
        }
        reason += " are all empty";
      }
    }
    for (size_t c = 0; c < label_index.size() && reason.empty(); ++c) {
      const size_t j = label_index[c];
      labels[c] = internal::TrimSpace(row[j]);
      if (labels[c].empty()) {
        reason = "column " + Quoted(table.columns[j]) + ": empty label";
        if (!table.present[i][j]) reason += " (null or missing)";
      }
    }
    if (!reason.empty()) {
      FL_RETURN_IF_ERROR(
          bad_rows.Report(path + ":" + std::to_string(table.row_lines[i]) + ": " + reason));
      continue;
    }
    out.texts.push_back(text);
    for (size_t c = 0; c < labels.size(); ++c) out.labels[c].emplace_back(labels[c]);
    out.row_lines.push_back(table.row_lines[i]);
  }

  local.rows_read = static_cast<int64_t>(out.texts.size());
  if (stats != nullptr) {
    *stats = std::move(local);
  } else {
    WarnSkipped(path, local);
  }
  return out;
}

std::vector<std::string> SplitList(std::string_view csv) {
  std::vector<std::string> items;
  size_t start = 0;
  for (;;) {
    const size_t comma = csv.find(',', start);
    const size_t count = comma == std::string_view::npos ? std::string_view::npos : comma - start;
    const std::string_view item = internal::TrimSpace(csv.substr(start, count));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

}  // namespace fl::text
