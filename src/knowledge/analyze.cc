// Analysis: tokens, stop words, Porter stems.
#include <set>

#include "knowledge/knowledge.h"
#include "text/text.h"

namespace fl::knowledge {
namespace {

// Porter, "An algorithm for suffix stripping" (1980), over a lower-case ASCII word.
class Porter {
 public:
  explicit Porter(std::string w) : b_(std::move(w)) {}

  std::string Run() {
    if (b_.size() <= 2) return b_;
    Step1ab();
    if (b_.size() > 1) {
      Step1c();
      Step2();
      Step3();
      Step4();
      Step5();
    }
    return b_;
  }

 private:
  bool Cons(int i) const {
    switch (b_[i]) {
      case 'a': case 'e': case 'i': case 'o': case 'u': return false;
      case 'y': return i == 0 || !Cons(i - 1);
      default: return true;
    }
  }
  // m() of b_[0..j]: the number of VC sequences.
  int M(int j) const {
    int n = 0, i = 0;
    while (true) {
      if (i > j) return n;
      if (!Cons(i)) break;
      ++i;
    }
    ++i;
    while (true) {
      while (true) {
        if (i > j) return n;
        if (Cons(i)) break;
        ++i;
      }
      ++i;
      ++n;
      while (true) {
        if (i > j) return n;
        if (!Cons(i)) break;
        ++i;
      }
      ++i;
    }
  }
  bool VowelIn(int j) const {
    for (int i = 0; i <= j; ++i) {
      if (!Cons(i)) return true;
    }
    return false;
  }
  bool DoubleC(int j) const { return j >= 1 && b_[j] == b_[j - 1] && Cons(j); }
  bool Cvc(int i) const {
    if (i < 2 || !Cons(i) || Cons(i - 1) || !Cons(i - 2)) return false;
    const char ch = b_[i];
    return ch != 'w' && ch != 'x' && ch != 'y';
  }
  bool Ends(std::string_view s) {
    if (s.size() > b_.size() || b_.compare(b_.size() - s.size(), s.size(), s) != 0) return false;
    j_ = static_cast<int>(b_.size() - s.size()) - 1;
    return true;
  }
  void SetTo(std::string_view s) { b_ = b_.substr(0, j_ + 1) + std::string(s); }
  void R(std::string_view s) {
    if (M(j_) > 0) SetTo(s);
  }
  int K() const { return static_cast<int>(b_.size()) - 1; }

  void Step1ab() {
    if (b_.back() == 's') {
      if (Ends("sses")) {
        b_.resize(b_.size() - 2);
      } else if (Ends("ies")) {
        SetTo("i");
      } else if (b_.size() >= 2 && b_[b_.size() - 2] != 's') {
        b_.pop_back();
      }
    }
    if (Ends("eed")) {
      if (M(j_) > 0) b_.pop_back();
    } else if ((Ends("ed") || Ends("ing")) && VowelIn(j_)) {
      b_.resize(j_ + 1);
      if (Ends("at")) {
        SetTo("ate");
      } else if (Ends("bl")) {
        SetTo("ble");
      } else if (Ends("iz")) {
        SetTo("ize");
      } else if (DoubleC(K())) {
        const char ch = b_.back();
        if (ch != 'l' && ch != 's' && ch != 'z') b_.pop_back();
      } else {
        j_ = K();
        if (M(j_) == 1 && Cvc(K())) b_ += 'e';
      }
    }
  }
  void Step1c() {
    if (Ends("y") && VowelIn(j_)) b_[b_.size() - 1] = 'i';
  }
  void Step2() {
    static const std::pair<const char*, const char*> k[] = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
        {"bli", "ble"},     {"alli", "al"},     {"entli", "ent"}, {"eli", "e"},     {"ousli", "ous"},
        {"ization", "ize"}, {"ation", "ate"},   {"ator", "ate"},  {"alism", "al"},  {"iveness", "ive"},
        {"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"},  {"iviti", "ive"}, {"biliti", "ble"},
        {"logi", "log"}};
    for (const auto& [from, to] : k) {
      if (Ends(from)) {
        R(to);
        return;
      }
    }
  }
  void Step3() {
    static const std::pair<const char*, const char*> k[] = {{"icate", "ic"}, {"ative", ""}, {"alize", "al"},
                                                            {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""},
                                                            {"ness", ""}};
    for (const auto& [from, to] : k) {
      if (Ends(from)) {
        R(to);
        return;
      }
    }
  }
  void Step4() {
    static const char* k[] = {"al",  "ance", "ence", "er",  "ic",  "able", "ible", "ant", "ement", "ment",
                              "ent", "ion",  "ou",   "ism", "ate", "iti",  "ous",  "ive", "ize"};
    for (const char* s : k) {
      if (!Ends(s)) continue;
      if (std::string_view(s) == "ion" && !(j_ >= 0 && (b_[j_] == 's' || b_[j_] == 't'))) return;
      if (M(j_) > 1) b_.resize(j_ + 1);
      return;
    }
  }
  void Step5() {
    j_ = K();
    if (b_.back() == 'e') {
      const int a = M(j_ - 1);
      if (a > 1 || (a == 1 && !Cvc(K() - 1))) b_.pop_back();
    }
    if (b_.back() == 'l' && DoubleC(K()) && M(K() - 1) > 1) b_.pop_back();
  }

  std::string b_;
  int j_ = 0;
};

}  // namespace

// English function words, minus those that carry meaning in IT text ("down", "up",
// "off", "out": "server down", "locked out").
bool IsStopword(std::string_view w) {
  static const std::set<std::string, std::less<>> k = {
      "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
      "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did",
      "do", "does", "doing", "during", "each", "few", "for", "from", "further", "had", "has", "have",
      "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into",
      "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of",
      "on", "once", "only", "or", "other", "our", "ours", "ourselves", "over", "own", "same", "she",
      "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
      "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "very", "was",
      "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
      "you", "your", "yours", "yourself", "yourselves", "im", "ive", "dont", "cant", "s", "t", "ll", "re", "ve",
      "d", "m"};
  return k.count(w) > 0;
}


std::string PorterStem(std::string_view word) {
  for (char c : word) {
    if (c < 'a' || c > 'z') return std::string(word);
  }
  return Porter(std::string(word)).Run();
}

std::vector<std::string> Analyze(std::string_view text, const AnalyzerOptions& options) {
  std::vector<std::string> out;
  for (std::string& t : text::Tokenize(text)) {
    // "don't" -> "don", "t": drop the apostrophe forms the tokeniser splits off.
    if (options.stopwords && IsStopword(t)) continue;
    out.push_back(options.stem ? PorterStem(t) : std::move(t));
  }
  return out;
}

}  // namespace fl::knowledge
