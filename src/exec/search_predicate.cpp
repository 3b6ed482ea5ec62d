#include "exec/search_predicate.h"

#include <algorithm>
#include <cctype>

namespace splinter::exec {

using spl::ExprKind;

SearchPredicate SearchPredicate::compile(const spl::Expr* e, FieldResolver& fields, bool allow_terms) {
  SearchPredicate p;
  if (!e) return p;
  p.nodes_.reserve(16);
  p.nodes_.emplace_back();  // root slot: node 0 must be the root
  int root = p.build(*e, fields, allow_terms, 0);
  p.nodes_[0] = p.nodes_[root];
  if (root != 0) p.nodes_[root] = Node{};  // leave an inert node behind
  p.choose_anchors();
  return p;
}

// Comparisons under node i that together are implied by it (one of them holds
// whenever node i does).
bool SearchPredicate::collect_anchors(int i, std::vector<Anchor>& out, AnchorQuality& q) const {
  // Shorter pieces occur in too many values to filter anything.
  constexpr size_t kMinPiece = 3;
  const Node& n = nodes_[i];
  switch (n.op) {
    case Op::Eq:
    case Op::In: {
      if (n.field < 0 || n.patterns.empty()) return false;
      std::vector<Anchor> mine;
      for (const Wildcard& w : n.patterns) {
        if (w.is_match_all() || w.segments().empty()) return false;
        if (!w.has_wildcard()) {
          mine.push_back({n.field, to_lower(w.segments()[0]), true});
          continue;
        }
        const std::string* piece = &w.segments()[0];
        for (const auto& seg : w.segments())
          if (seg.size() > piece->size()) piece = &seg;
        if (piece->size() < kMinPiece) return false;
        mine.push_back({n.field, to_lower(*piece), false});
        q.contains = true;
      }
      out.insert(out.end(), mine.begin(), mine.end());
      std::string_view name = n.field_name;
      if (auto dot = name.rfind('.'); dot != std::string_view::npos) name.remove_prefix(dot + 1);
      static constexpr std::string_view kCommon[] = {"eventcode", "eventid", "source", "sourcetype", "index",
                                                     "host", "channel", "logname", "action", "vendor_product"};
      const std::string lname = to_lower(name);
      for (std::string_view c : kCommon) q.weak |= lname == c;
      return true;
    }
    case Op::Or:
      for (int k : n.kids)
        if (!collect_anchors(k, out, q)) return false;
      return !n.kids.empty();
    case Op::And:  // any one conjunct is implied
      for (int k : n.kids) {
        std::vector<Anchor> one;
        AnchorQuality w;
        if (collect_anchors(k, one, w)) {
          out.insert(out.end(), one.begin(), one.end());
          q.weak |= w.weak;
          q.contains |= w.contains;
          return true;
        }
      }
      return false;
    default: return false;
  }
}

void SearchPredicate::choose_anchors() {
  if (nodes_.empty()) return;
  std::vector<int> conjuncts = nodes_[0].op == Op::And ? nodes_[0].kids : std::vector<int>{0};
  // Best first: exact values of a selective field, pieces of a selective field, then
  // a common field (EventCode=4688 still skips every other event); fewer anchors first.
  auto rank = [](const AnchorQuality& q) { return (q.weak ? 2 : 0) + (q.contains ? 1 : 0); };
  int best = 99;
  for (int c : conjuncts) {
    std::vector<Anchor> a;
    AnchorQuality q;
    if (!collect_anchors(c, a, q)) continue;
    if (rank(q) < best || (rank(q) == best && a.size() < anchors_.size())) {
      anchors_ = std::move(a);
      best = rank(q);
    }
  }
}

int SearchPredicate::build(const spl::Expr& e, FieldResolver& fields, bool allow_terms, int depth) {
  if (depth > 200) throw spl::Error("search expression nested too deeply", e.span.begin);
  Node n;
  switch (e.kind) {
    case ExprKind::And:
    case ExprKind::Or:
    case ExprKind::Not:
      n.op = e.kind == ExprKind::And ? Op::And : e.kind == ExprKind::Or ? Op::Or : Op::Not;
      for (auto& a : e.args) n.kids.push_back(build(*a, fields, allow_terms, depth + 1));
      break;
    case ExprKind::Compare: {
      if (e.args.size() != 2 || e.args[0]->kind != ExprKind::Field)
        throw spl::Error("unsupported comparison in search expression", e.span.begin);
      if (fields.always_true(e.args[0]->text)) {
        n.op = Op::True;
        break;
      }
      n.field = fields.resolve(e.args[0]->text);
      n.field_name = e.args[0]->text;
      const std::string& v = e.args[1]->text;
      if (e.text == "=" || e.text == "!=") {
        n.op = e.text == "=" ? Op::Eq : Op::Ne;
        n.patterns.emplace_back(v, !e.args[1]->case_sensitive);
      } else {
        n.op = e.text == "<" ? Op::Lt : e.text == "<=" ? Op::Le : e.text == ">" ? Op::Gt : Op::Ge;
        n.text = v;
        n.numeric = parse_number(v, n.num);
      }
      break;
    }
    case ExprKind::In:
      if (e.args.empty() || e.args[0]->kind != ExprKind::Field)
        throw spl::Error("unsupported IN in search expression", e.span.begin);
      n.op = Op::In;
      n.field = fields.resolve(e.args[0]->text);
      n.field_name = e.args[0]->text;
      for (size_t i = 1; i < e.args.size(); ++i) n.patterns.emplace_back(e.args[i]->text, !e.args[i]->case_sensitive);
      break;
    case ExprKind::Subsearch:
      // The compiler substitutes a subsearch's formatted results before compiling.
      throw spl::Error("subsearches ([...]) are not supported here", e.span.begin);
    case ExprKind::Term:
    case ExprKind::Literal:
      if (e.text == "*") {
        n.op = Op::True;
        break;
      }
      if (!e.quoted && e.text.starts_with('['))
        throw spl::Error("subsearches ([...]) are not supported", e.span.begin);
      if (!allow_terms)
        throw spl::Error("bare search term \"" + e.text + "\" is not supported here (only field comparisons)",
                         e.span.begin);
      n.op = Op::Term;
      {
        std::string_view t = e.text;
        bool lead = !t.empty() && t.front() == '*', trail = t.size() > 1 && t.back() == '*';
        if (lead) t.remove_prefix(1);
        if (trail) t.remove_suffix(1);
        n.case_sensitive = e.case_sensitive;
        n.major_only = e.whole_term;
        if (!t.empty() && t.find('*') == std::string_view::npos) {
          n.term = e.case_sensitive ? std::string(t) : to_lower(t);
          // A term that starts (ends) with a breaker such as "/i" carries its own edge.
          auto breaker = n.major_only ? is_major_breaker : is_breaker;
          n.bound_left = !lead && !breaker(n.term.front());
          n.bound_right = !trail && !breaker(n.term.back());
        } else {
          n.patterns.emplace_back("*" + e.text + "*", !e.case_sensitive);  // inner '*': a plain wildcard
        }
      }
      break;
    default:
      throw spl::Error("unsupported expression in search", e.span.begin);
  }
  nodes_.push_back(std::move(n));
  return static_cast<int>(nodes_.size() - 1);
}

bool SearchPredicate::value_matches(const Value& v, const Node& n) {
  auto one = [&](std::string_view s) {
    for (auto& p : n.patterns)
      if (p.matches(s)) return true;
    return false;
  };
  switch (v.type) {
    case Value::Type::Str: return one(v.str);
    case Value::Type::Num: return one(v.text());
    case Value::Type::Multi:
      for (auto& s : v.multi)
        if (one(s)) return true;
      return false;
    default: return false;
  }
}

// Splunk's default segmentation breaks on every ASCII punctuation and space (major and
// minor breakers); letters, digits and non-ASCII bytes make up tokens.
bool SearchPredicate::is_breaker(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x80 && !std::isalnum(u);
}

bool SearchPredicate::is_major_breaker(char c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '[': case ']': case '<': case '>': case '(': case ')':
    case '{': case '}': case '|': case '!': case ';': case ',': case '\'': case '"': case '*': case '&':
    case '?': case '+':
      return true;
    default:
      return false;
  }
}

static bool term_in(std::string_view s, const std::string& term, bool left, bool right, bool case_sensitive,
                    bool major_only) {
  auto breaker = major_only ? SearchPredicate::is_major_breaker : SearchPredicate::is_breaker;
  for (size_t from = 0;;) {
    const size_t i = case_sensitive ? s.find(term, from) : ifind_lower(s, term, from);
    if (i == std::string_view::npos) return false;
    const size_t end = i + term.size();
    if ((!left || i == 0 || breaker(s[i - 1])) && (!right || end == s.size() || breaker(s[end]))) return true;
    from = i + 1;
  }
}

bool SearchPredicate::term_matches(const Value& v, const Node& n) {
  if (n.term.empty()) return value_matches(v, n);
  switch (v.type) {
    case Value::Type::Str: return term_in(v.str, n.term, n.bound_left, n.bound_right, n.case_sensitive, n.major_only);
    case Value::Type::Num:
      return term_in(v.text(), n.term, n.bound_left, n.bound_right, n.case_sensitive, n.major_only);
    case Value::Type::Multi:
      for (auto& s : v.multi)
        if (term_in(s, n.term, n.bound_left, n.bound_right, n.case_sensitive, n.major_only)) return true;
      return false;
    default: return false;
  }
}

static int compare_values(const Value& v, const std::string& text, bool numeric, double num) {
  double x;
  if (numeric && v.as_number(x)) return x < num ? -1 : x > num ? 1 : 0;
  std::string s = v.text();
  return s < text ? -1 : s > text ? 1 : 0;
}

bool SearchPredicate::eval(int i, FieldAccess& f) const {
  const Node& n = nodes_[i];
  switch (n.op) {
    case Op::True: return true;
    case Op::And:
      for (int k : n.kids)
        if (!eval(k, f)) return false;
      return true;
    case Op::Or:
      for (int k : n.kids)
        if (eval(k, f)) return true;
      return false;
    case Op::Not: return !eval(n.kids[0], f);
    case Op::Eq:
    case Op::In: {
      const Value* v = f.get(n.field);
      return v && value_matches(*v, n);
    }
    case Op::Ne: {
      const Value* v = f.get(n.field);
      return v && !value_matches(*v, n);
    }
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
      const Value* v = f.get(n.field);
      if (!v) return false;
      int c = compare_values(*v, n.text, n.numeric, n.num);
      return n.op == Op::Lt ? c < 0 : n.op == Op::Le ? c <= 0 : n.op == Op::Gt ? c > 0 : c >= 0;
    }
    case Op::Term: {
      thread_local std::vector<const Value*> all;  // reused: no allocation per event
      all.clear();
      f.all_values(all);
      for (auto* v : all)
        if (v && term_matches(*v, n)) return true;
      return false;
    }
  }
  return false;
}

std::vector<int> SearchPredicate::fields_used() const {
  std::vector<int> out;
  for (auto& n : nodes_)
    if (n.field >= 0 && std::find(out.begin(), out.end(), n.field) == out.end()) out.push_back(n.field);
  return out;
}

}  // namespace splinter::exec
