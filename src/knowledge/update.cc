// Writers of the index folder: full save, incremental update, compaction. Each holds the
// writer lock, writes its segment first and commits by replacing MANIFEST.
#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "knowledge/segment.h"

namespace fl::knowledge {
namespace {

// Makes dir's index exactly `bytes` (one segment) at generation.
Status CommitOneSegment(const std::string& dir, const IndexOptions& options, uint64_t generation,
                        const std::string& bytes) {
  Manifest m;
  m.options = options;
  m.generation = generation;
  m.segments.push_back({SegmentFileName(generation), {}});
  FL_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + m.segments[0].file, bytes));
  FL_RETURN_IF_ERROR(WriteManifest(dir, m));
  RemoveUnreferenced(dir, m);
  return OkStatus();
}

std::vector<Document> LiveDocuments(const Index& index) {
  std::vector<Document> docs;
  docs.reserve(index.live_documents());
  for (int d = 0; d < index.size(); ++d) {
    if (!index.deleted(d)) docs.push_back(index.document(d));
  }
  return docs;
}

Status CreateFolder(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgumentError("cannot create index folder " + dir + ": " + ec.message());
  return OkStatus();
}

}  // namespace

Status Index::Save(const std::string& dir) const {
  FL_RETURN_IF_ERROR(CreateFolder(dir));
  FL_ASSIGN_OR_RETURN(WriterLock lock, WriterLock::Acquire(dir));
  const uint64_t generation = LastGeneration(dir) + 1;
  // This index's own segment when it is a single one with nothing deleted, else its live
  // documents encoded afresh.
  const std::string bytes = segments_.size() == 1 && live_ == size()
                                ? std::string(segments_[0]->bytes())
                                : Segment::Encode(LiveDocuments(*this), options_.analyzer);
  return CommitOneSegment(dir, options_, generation, bytes);
}

Status CompactIndex(const std::string& dir) {
  FL_ASSIGN_OR_RETURN(WriterLock lock, WriterLock::Acquire(dir));
  FL_ASSIGN_OR_RETURN(Manifest m, ReadManifest(dir));
  FL_ASSIGN_OR_RETURN(Index index, Index::Open(dir, m));
  return CommitOneSegment(dir, m.options, LastGeneration(dir) + 1,
                          Segment::Encode(LiveDocuments(index), m.options.analyzer));
}

Result<UpdateStats> UpdateIndex(const std::string& dir, std::vector<Document> docs,
                                const std::vector<std::string>& remove, const UpdateOptions& options) {
  FL_RETURN_IF_ERROR(CreateFolder(dir));
  FL_ASSIGN_OR_RETURN(WriterLock lock, WriterLock::Acquire(dir));
  Manifest m;
  Index index;
  if (auto read = ReadManifest(dir); read.ok()) {
    m = std::move(read).value();
    FL_ASSIGN_OR_RETURN(index, Index::Open(dir, m));
  } else if (read.status().code() == StatusCode::kNotFound) {
    m.options = options.create;
    index.options_ = options.create;
    index.Finish();
  } else {
    return read.status();
  }

  // Live documents by source, in document order.
  std::unordered_map<std::string, std::vector<int>> indexed;
  for (size_t s = 0; s < index.segments_.size(); ++s) {
    for (int d = 0; d < index.segments_[s]->size(); ++d) {
      const int doc = index.base_[s] + d;
      if (!index.deleted_[doc]) indexed[index.segments_[s]->source(d)].push_back(doc);
    }
  }
  UpdateStats stats;
  auto erase = [&](const std::vector<int>& list) {
    for (int doc : list) index.deleted_[doc] = 1;
    stats.deleted += static_cast<int64_t>(list.size());
  };
  // New documents grouped by source, sources in order of first appearance.
  std::vector<std::string> order;
  std::unordered_map<std::string, std::vector<Document>> groups;
  for (Document& d : docs) {
    if (d.source.empty()) d.source = d.id;
    auto [it, fresh] = groups.try_emplace(d.source);
    if (fresh) order.push_back(d.source);
    it->second.push_back(std::move(d));
  }
  std::vector<Document> added;
  for (const std::string& source : order) {
    std::vector<Document>& group = groups[source];
    const auto old = indexed.find(source);
    if (old != indexed.end()) {
      const std::vector<int>& list = old->second;
      bool same = list.size() == group.size();
      for (size_t i = 0; same && i < list.size(); ++i) {
        const size_t s = std::upper_bound(index.base_.begin(), index.base_.end(), list[i]) - index.base_.begin() - 1;
        same = index.segments_[s]->content_hash(list[i] - index.base_[s]) == ContentHash(group[i]);
      }
      if (same) {
        stats.unchanged += static_cast<int64_t>(group.size());
        continue;
      }
      erase(list);
      stats.replaced += static_cast<int64_t>(group.size());
    } else {
      stats.added += static_cast<int64_t>(group.size());
    }
    for (Document& d : group) added.push_back(std::move(d));
  }
  for (const auto& [source, list] : indexed) {
    if (options.prune && !groups.count(source)) erase(list);
  }
  for (const std::string& source : remove) {
    const auto it = indexed.find(source);
    if (it == indexed.end() || index.deleted_[it->second.front()]) {
      if (it == indexed.end()) stats.not_found.push_back(source);
      continue;
    }
    erase(it->second);
  }
  stats.generation = m.generation;
  if (added.empty() && stats.deleted == 0) return stats;  // nothing changed: no new generation

  const uint64_t generation = std::max(m.generation, LastGeneration(dir)) + 1;
  stats.generation = generation;
  const int64_t slots = index.size() + static_cast<int64_t>(added.size());
  const int64_t dead = index.size() - index.live_documents() + stats.deleted;
  const int segments = static_cast<int>(index.segments_.size()) + (added.empty() ? 0 : 1);
  if (segments > options.max_segments || dead > options.max_deleted * slots) {
    std::vector<Document> all = LiveDocuments(index);
    for (Document& d : added) all.push_back(std::move(d));
    stats.compacted = true;
    FL_RETURN_IF_ERROR(CommitOneSegment(dir, m.options, generation, Segment::Encode(all, m.options.analyzer)));
    return stats;
  }
  for (size_t s = 0; s < index.segments_.size(); ++s) {
    std::vector<uint32_t>& list = m.segments[s].deleted;
    list.clear();
    for (int d = 0; d < index.segments_[s]->size(); ++d) {
      if (index.deleted_[index.base_[s] + d]) list.push_back(static_cast<uint32_t>(d));
    }
  }
  // Segments whose documents are all deleted leave the manifest.
  std::vector<Manifest::Entry> kept;
  for (size_t s = 0; s < m.segments.size(); ++s) {
    if (m.segments[s].deleted.size() < static_cast<size_t>(index.segments_[s]->size())) {
      kept.push_back(std::move(m.segments[s]));
    }
  }
  m.segments = std::move(kept);
  if (!added.empty()) {
    const std::string file = SegmentFileName(generation);
    FL_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + file, Segment::Encode(added, m.options.analyzer)));
    m.segments.push_back({file, {}});
  }
  m.generation = generation;
  FL_RETURN_IF_ERROR(WriteManifest(dir, m));
  RemoveUnreferenced(dir, m);
  return stats;
}

}  // namespace fl::knowledge
