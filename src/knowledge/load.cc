// Ingestion: files and folders into searchable chunks.
#include <algorithm>
#include <cstring>
#include <filesystem>

#include "knowledge/knowledge.h"
#include "text/text.h"

namespace fl::knowledge {
namespace {

namespace fs = std::filesystem;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// Splits a long body at blank lines into pieces of at most max bytes (a paragraph longer
// than max stays whole).
std::vector<std::string> SplitParagraphs(const std::string& body, size_t max) {
  std::vector<std::string> out;
  std::string cur;
  size_t at = 0;
  while (at < body.size()) {
    size_t end = body.find("\n\n", at);
    if (end == std::string::npos) end = body.size();
    const std::string para = Trim(body.substr(at, end - at));
    at = end + 2;
    if (para.empty()) continue;
    if (!cur.empty() && cur.size() + para.size() + 2 > max) {
      out.push_back(cur);
      cur.clear();
    }
    cur += (cur.empty() ? "" : "\n\n") + para;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Markdown: a chunk per heading section, with the heading path.
void AddMarkdown(const std::string& id, const std::string& text, const std::string& fallback_title,
                 const LoadOptions& options, std::vector<Document>* out) {
  std::string title;
  std::vector<std::pair<int, std::string>> path;  // (level, heading)
  std::vector<Document> chunks;
  std::string body;
  auto flush = [&] {
    std::string headings;
    for (const auto& [level, h] : path) {
      if (level == 1 && h == title) continue;
      headings += (headings.empty() ? "" : " > ") + h;
    }
    for (const std::string& piece : SplitParagraphs(body, options.max_chunk_bytes)) {
      chunks.push_back({.headings = headings, .body = piece});
    }
    body.clear();
  };
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    size_t level = 0;
    while (level < line.size() && line[level] == '#') ++level;
    if (level >= 1 && level <= 6 && level < line.size() && line[level] == ' ') {
      flush();
      const std::string heading = Trim(line.substr(level + 1));
      if (level == 1 && title.empty()) title = heading;
      while (!path.empty() && path.back().first >= static_cast<int>(level)) path.pop_back();
      path.emplace_back(static_cast<int>(level), heading);
    } else {
      body += line + "\n";
    }
    if (end == text.size()) break;
  }
  flush();
  if (title.empty()) title = fallback_title;
  if (chunks.empty()) chunks.push_back({});
  for (size_t i = 0; i < chunks.size(); ++i) {
    chunks[i].id = chunks.size() == 1 ? id : id + "#" + std::to_string(i + 1);
    chunks[i].source = id;
    chunks[i].title = title;
    out->push_back(std::move(chunks[i]));
  }
}

// HTML to the Markdown shape: headings become "#" lines, other tags go, a few entities
// are decoded.
std::string HtmlToMarkdown(const std::string& html, std::string* title) {
  std::string out;
  size_t i = 0;
  const std::string lower = Lower(html);
  while (i < html.size()) {
    if (html[i] != '<') {
      out.push_back(html[i++]);
      continue;
    }
    const size_t close = html.find('>', i);
    if (close == std::string::npos) break;
    const std::string tag = lower.substr(i + 1, close - i - 1);
    if (tag.rfind("script", 0) == 0 || tag.rfind("style", 0) == 0) {
      const std::string name = tag.rfind("script", 0) == 0 ? "</script" : "</style";
      const size_t end = lower.find(name, close);
      i = end == std::string::npos ? html.size() : lower.find('>', end) + 1;
      continue;
    }
    if (tag.rfind("title", 0) == 0) {
      const size_t end = lower.find("</title", close);
      if (end != std::string::npos) *title = Trim(html.substr(close + 1, end - close - 1));
      i = end == std::string::npos ? html.size() : lower.find('>', end) + 1;
      continue;
    }
    if (tag.size() >= 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6' && (tag.size() == 2 || tag[2] == ' ')) {
      out += "\n" + std::string(tag[1] - '0', '#') + " ";
    } else if (tag.rfind("/h", 0) == 0 || tag == "p" || tag == "/p" || tag == "br" || tag == "br/" || tag == "li" ||
               tag == "/div" || tag == "tr") {
      out += "\n";
    } else {
      out += " ";
    }
    i = close + 1;
  }
  const std::pair<const char*, const char*> entities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
  for (const auto& [from, to] : entities) {
    for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + 1)) out.replace(at, std::strlen(from), to);
  }
  return out;
}

Status AddTickets(const std::string& path, const std::string& id_prefix, const LoadOptions& options,
                  std::vector<Document>* out) {
  FL_ASSIGN_OR_RETURN(text::Table t, text::ReadTable(path));
  auto col = [&](const std::string& name) {
    auto it = std::find(t.columns.begin(), t.columns.end(), name);
    return it == t.columns.end() ? -1 : static_cast<int>(it - t.columns.begin());
  };
  const int subject = col(options.subject_column), body = col(options.body_column);
  const int resolution = col(options.resolution_column), id = col(options.id_column);
  if (subject < 0 && body < 0) {
    return InvalidArgumentError(path + ": neither a '" + options.subject_column + "' nor a '" + options.body_column +
                                "' column");
  }
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    Document d;
    d.id = id >= 0 && !row[id].empty() ? row[id] : id_prefix + ":" + std::to_string(t.row_lines[r]);
    d.source = d.id;
    d.title = subject >= 0 ? row[subject] : "";
    d.body = body >= 0 ? row[body] : "";
    if (resolution >= 0 && !row[resolution].empty()) d.body += kResolutionMarker + row[resolution];
    out->push_back(std::move(d));
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<Document>> LoadDocuments(const std::vector<std::string>& paths, const LoadOptions& options,
                                            int64_t* skipped) {
  std::vector<Document> out;
  int64_t skip = 0;
  for (const std::string& root : paths) {
    std::error_code ec;
    if (!fs::exists(root, ec)) return NotFoundError(root + ": no such file or folder");
    std::vector<fs::path> files;
    const bool is_dir = fs::is_directory(root, ec);
    if (is_dir) {
      for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path());
      }
      if (ec) return InternalError(root + ": " + ec.message());
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(root);
    }
    for (const fs::path& f : files) {
      const std::string id = is_dir ? fs::relative(f, root, ec).generic_string() : f.filename().string();
      const std::string ext = Lower(f.extension().string());
      const std::string stem = f.stem().string();
      if (ext == ".csv" || ext == ".jsonl" || ext == ".ndjson" || ext == ".tsv") {
        FL_RETURN_IF_ERROR(AddTickets(f.string(), id, options, &out));
        continue;
      }
      if (ext != ".md" && ext != ".markdown" && ext != ".txt" && ext != ".html" && ext != ".htm") {
        ++skip;
        continue;
      }
      FL_ASSIGN_OR_RETURN(std::string text, ReadFile(f.string()));
      if (!text::IsValidUtf8(text)) return InvalidArgumentError(f.string() + ": not valid UTF-8");
      if (ext == ".html" || ext == ".htm") {
        std::string title;
        const std::string md = HtmlToMarkdown(text, &title);
        AddMarkdown(id, md, title.empty() ? stem : title, options, &out);
      } else if (ext == ".txt") {
        const std::vector<std::string> pieces = SplitParagraphs(text, options.max_chunk_bytes);
        for (size_t i = 0; i < pieces.size(); ++i) {
          out.push_back({pieces.size() == 1 ? id : id + "#" + std::to_string(i + 1), id, stem, "", pieces[i]});
        }
      } else {
        AddMarkdown(id, text, stem, options, &out);
      }
    }
  }
  if (skipped != nullptr) *skipped = skip;
  return out;
}

}  // namespace fl::knowledge
