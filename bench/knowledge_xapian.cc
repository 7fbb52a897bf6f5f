// frontline's index against Xapian (Debian's libxapian), side by side in one process:
//   speed    a synthetic corpus (Zipf-distributed vocabulary, default 100k documents):
//            index build MB/s, and query latency p50/p99 over queries drawn from it
//   quality  StackFAQ (--stackfaq DIR): MAP of Xapian's BM25 and of frontline's BM25F
//            on the same documents and queries
// Both engines single-threaded; queries alternate between them, so machine noise hits
// both alike. bench/knowledge.sh runs it.
//
// usage: bench_knowledge_xapian [--docs N] [--queries Q] [--stackfaq DIR] [--work DIR]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <xapian.h>

#include "knowledge/knowledge.h"
#include "text/text.h"

namespace {

namespace kn = fl::knowledge;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Xapian drops the same stop words as frontline.
class SameStopper : public Xapian::Stopper {
 public:
  bool operator()(const std::string& term) const override { return kn::IsStopword(term); }
};

struct Corpus {
  std::vector<kn::Document> docs;
  std::vector<std::string> queries;
  size_t bytes = 0;
};

// Pseudo-words over a Zipf(1.0) vocabulary; titles of 4-9 words, bodies of 40-200.
// Queries: 2-4 words of a random document, as a user who half-remembers an article.
Corpus Synthetic(int n_docs, int n_queries, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int vocab = 50000;
  std::vector<std::string> words(vocab);
  const char* syll[] = {"ka", "lo", "mi", "net", "ser", "vpn", "dis", "tor", "pri", "cal", "ex", "ra",
                        "ad", "log", "in", "up", "sto", "ge", "cer", "tif", "ro", "ut", "ba", "ck"};
  for (int w = 0; w < vocab; ++w) {
    uint64_t x = rng();
    const int n = 2 + static_cast<int>(x % 3);
    for (int i = 0; i < n; ++i, x /= 24) words[w] += syll[x % 24];
    if (w % 7 == 0) words[w] += std::to_string(w % 1000);  // error-code-like tokens
  }
  std::vector<double> cdf(vocab);
  double sum = 0;
  for (int w = 0; w < vocab; ++w) cdf[w] = (sum += 1.0 / (w + 1));
  std::uniform_real_distribution<double> u(0, sum);
  auto word = [&] { return words[std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin()]; };
  Corpus c;
  for (int d = 0; d < n_docs; ++d) {
    kn::Document doc;
    doc.id = "doc" + std::to_string(d);
    const int t = 4 + static_cast<int>(rng() % 6), b = 40 + static_cast<int>(rng() % 161);
    for (int i = 0; i < t; ++i) doc.title += (i ? " " : "") + word();
    for (int i = 0; i < b; ++i) doc.body += (i ? (i % 15 == 0 ? ". " : " ") : "") + word();
    c.bytes += doc.title.size() + doc.body.size();
    c.docs.push_back(std::move(doc));
  }
  for (int q = 0; q < n_queries; ++q) {
    const kn::Document& d = c.docs[rng() % c.docs.size()];
    std::vector<std::string> toks = fl::text::Tokenize(d.title + " " + d.body);
    std::string query;
    const int len = 2 + static_cast<int>(rng() % 3);
    for (int i = 0; i < len; ++i) query += (i ? " " : "") + toks[rng() % toks.size()];
    c.queries.push_back(query);
  }
  return c;
}


// Indexes docs into a Xapian database at path: title terms with wdf weight title_weight,
// body terms with 1, both stemmed (english) and stop-worded like frontline.
void XapianBuild(const std::vector<kn::Document>& docs, const std::string& path, int title_weight) {
  Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator tg;
  Xapian::Stem stem("english");
  SameStopper stopper;
  tg.set_stemmer(stem);
  tg.set_stopper(&stopper);
  tg.set_stopper_strategy(Xapian::TermGenerator::STOP_ALL);
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
  for (const kn::Document& d : docs) {
    Xapian::Document xd;
    tg.set_document(xd);
    tg.index_text(d.title, title_weight);
    tg.increase_termpos();
    tg.index_text(d.body);
    xd.set_data(d.id);
    db.add_document(xd);
  }
  db.commit();
}

class XapianSearcher {
 public:
  XapianSearcher(const std::string& path, const Xapian::BM25Weight& weight) : db_(path), enquire_(db_) {
    parser_.set_stemmer(Xapian::Stem("english"));
    parser_.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
    parser_.set_stopper(&stopper_);
    parser_.set_default_op(Xapian::Query::OP_OR);
    parser_.set_database(db_);
    enquire_.set_weighting_scheme(weight);
  }
  std::vector<std::string> Search(const std::string& q, int k) {
    enquire_.set_query(parser_.parse_query(q, 0));
    Xapian::MSet m = enquire_.get_mset(0, k);
    std::vector<std::string> ids;
    for (auto it = m.begin(); it != m.end(); ++it) ids.push_back(it.get_document().get_data());
    return ids;
  }

 private:
  Xapian::Database db_;
  Xapian::Enquire enquire_;
  Xapian::QueryParser parser_;
  SameStopper stopper_;
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

int Speed(int n_docs, int n_queries, const std::string& work) {
  std::printf("synthetic corpus: %d documents, %d queries (k = 10, no snippets)\n", n_docs, n_queries);
  const Corpus c = Synthetic(n_docs, n_queries, 42);
  const double mb = c.bytes / 1e6;
  double t = Now();
  {
    std::vector<kn::Document> copy = c.docs;
    if (fl::Status s = kn::Index::Build(std::move(copy), {}).Save(work + "/fl"); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
  }
  const double fl_build = Now() - t;
  t = Now();
  XapianBuild(c.docs, work + "/xapian", 5);
  const double xa_build = Now() - t;
  auto index = kn::Index::Load(work + "/fl");
  if (!index.ok()) {
    std::fprintf(stderr, "%s\n", index.status().ToString().c_str());
    return 1;
  }
  XapianSearcher xapian(work + "/xapian", Xapian::BM25Weight(2.0, 0, 1, 0.9, 0.5));
  // Warm both (page cache, first-touch), then alternate.
  for (int i = 0; i < std::min(200, n_queries); ++i) {
    index->Search(c.queries[i], 10, {.snippets = false});
    xapian.Search(c.queries[i], 10);
  }
  std::vector<double> fl_ms, xa_ms, rr_ms;
  double overlap = 0;
  for (const std::string& q : c.queries) {
    t = Now();
    const auto hits = index->Search(q, 10, {.snippets = false});
    fl_ms.push_back((Now() - t) * 1e3);
    t = Now();
    index->Search(q, 10, {.snippets = false, .rerank_depth = 20});
    rr_ms.push_back((Now() - t) * 1e3);
    t = Now();
    const auto ids = xapian.Search(q, 10);
    xa_ms.push_back((Now() - t) * 1e3);
    int same = 0;
    for (const auto& h : hits) same += std::count(ids.begin(), ids.end(), index->document(h.doc).id);
    overlap += ids.empty() ? 1 : static_cast<double>(same) / ids.size();
  }
  std::printf("%-28s %12s %12s %10s\n", "", "frontline", "xapian", "ratio");
  std::printf("%-28s %12.1f %12.1f %9.2fx\n", "index build MB/s", mb / fl_build, mb / xa_build,
              (mb / fl_build) / (mb / xa_build));
  const double f50 = Percentile(fl_ms, 0.5), x50 = Percentile(xa_ms, 0.5);
  const double f99 = Percentile(fl_ms, 0.99), x99 = Percentile(xa_ms, 0.99);
  std::printf("%-28s %12.3f %12.3f %9.2fx\n", "query latency p50 (ms)", f50, x50, f50 / x50);
  std::printf("%-28s %12.3f %12.3f %9.2fx\n", "query latency p99 (ms)", f99, x99, f99 / x99);
  std::printf("%-28s %12.3f %12s %9.2fx\n", "  with --rerank 20, p50", Percentile(rr_ms, 0.5), "",
              Percentile(rr_ms, 0.5) / x50);
  std::printf("%-28s %12.3f %12s %9.2fx\n", "  with --rerank 20, p99", Percentile(rr_ms, 0.99), "",
              Percentile(rr_ms, 0.99) / x99);
  std::printf("(%.1f MB of text; ratio = frontline / xapian: above 1 is faster for MB/s, slower for latency;\n"
              " top-10 overlap between the engines %.2f)\n",
              mb, overlap / c.queries.size());
  return 0;
}

// StackFAQ: one document per thread (question as title, answers as body).
int Quality(const std::string& dir, const std::string& work) {
  std::ifstream fi(dir + "/faq_items.tsv"), fq(dir + "/queries.tsv");
  if (!fi || !fq) {
    std::fprintf(stderr, "cannot read %s/faq_items.tsv or queries.tsv\n", dir.c_str());
    return 1;
  }
  std::stringstream si, sq;
  si << fi.rdbuf();
  sq << fq.rdbuf();
  const std::string items = si.str(), qs = sq.str();
  std::vector<kn::Document> docs;
  std::vector<std::string> row, queries, gold;
  std::string err;
  fl::text::CsvReader ri(items, '\t');
  ri.Next(&row, &err);  // header
  while (ri.Next(&row, &err)) {
    if (row.size() < 3) continue;
    kn::Document d;
    d.id = row[0];
    d.title = row[1];
    std::string answers = row[2];
    for (size_t at; (at = answers.find("|||")) != std::string::npos;) answers.replace(at, 3, "\n\n");
    d.body = answers;
    docs.push_back(std::move(d));
  }
  fl::text::CsvReader rq(qs, '\t');
  rq.Next(&row, &err);
  while (rq.Next(&row, &err)) {
    if (row.size() < 2) continue;
    queries.push_back(row[0]);
    gold.push_back(row[1]);
  }
  auto map_of = [&](auto&& search) {
    double ap = 0;
    for (size_t q = 0; q < queries.size(); ++q) {
      const std::vector<std::string> ids = search(queries[q]);
      const auto it = std::find(ids.begin(), ids.end(), gold[q]);
      if (it != ids.end()) ap += 1.0 / (it - ids.begin() + 1);
    }
    return ap / queries.size();
  };
  std::printf("StackFAQ: %zu threads, %zu queries (MAP; one relevant thread per query)\n", docs.size(),
              queries.size());
  const kn::Index index = kn::Index::Build(docs, {});
  const double ours = map_of([&](const std::string& q) {
    std::vector<std::string> ids;
    for (const auto& h : index.Search(q, 100, {.snippets = false})) ids.push_back(index.document(h.doc).id);
    return ids;
  });
  struct Variant {
    const char* name;
    int title_weight;
    Xapian::BM25Weight weight;
  };
  const Variant variants[] = {
      {"xapian BM25, its defaults", 1, Xapian::BM25Weight()},
      {"xapian BM25, title x5, k1 2, b .9", 5, Xapian::BM25Weight(2.0, 0, 1, 0.9, 0.5)},
  };
  for (const Variant& v : variants) {
    XapianBuild(docs, work + "/faq-xapian", v.title_weight);
    XapianSearcher x(work + "/faq-xapian", v.weight);
    std::printf("  %-40s MAP %.4f\n", v.name, map_of([&](const std::string& q) { return x.Search(q, 100); }));
  }
  std::printf("  %-40s MAP %.4f\n", "frontline BM25F defaults", ours);
  const double reranked = map_of([&](const std::string& q) {
    std::vector<std::string> ids;
    for (const auto& h : index.Search(q, 100, {.snippets = false, .rerank_depth = 20})) {
      ids.push_back(index.document(h.doc).id);
    }
    return ids;
  });
  std::printf("  %-40s MAP %.4f\n", "frontline BM25F + rerank 20", reranked);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int docs = 100000, queries = 2000;
  std::string stackfaq, work = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--docs") docs = std::atoi(argv[i + 1]);
    else if (a == "--queries") queries = std::atoi(argv[i + 1]);
    else if (a == "--stackfaq") stackfaq = argv[i + 1];
    else if (a == "--work") work = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--docs N] [--queries Q] [--stackfaq DIR] [--work DIR]\n", argv[0]);
      return 2;
    }
  }
  std::filesystem::create_directories(work);
  if (!stackfaq.empty() && Quality(stackfaq, work) != 0) return 1;
  return Speed(docs, queries, work);
}
