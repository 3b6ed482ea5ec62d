// A search-semantics boolean expression (tstats where, search) compiled to a flat
// node array: field=value is case-insensitive with '*' wildcards over the whole
// value, != needs the field present, NOT also keeps events without the field.
#pragma once
#include <string>
#include <vector>

#include "common/strings.h"
#include "exec/fields.h"
#include "spl/ast.h"

namespace splinter::exec {

class SearchPredicate {
 public:
  SearchPredicate() = default;  // matches everything
  // Throws spl::Error for constructs it cannot evaluate (with the node's position).
  static SearchPredicate compile(const spl::Expr* e, FieldResolver& fields, bool allow_terms);
  bool matches(FieldAccess& f) const { return nodes_.empty() || eval(0, f); }
  bool match_all() const { return nodes_.empty(); }
  // Field ids the expression reads.
  std::vector<int> fields_used() const;
  // A necessary condition, for prefiltering many searches in one pass: the expression
  // can hold only if one of these fields has a value equal to (exact) or containing
  // the anchor's lower-cased text, ASCII case-insensitively. Taken from one conjunct of
  // comparisons (`process_name=regsvr32.exe OR original_file_name=REGSVR32.EXE`,
  // `process=*-enc*`: the longest literal piece of a wildcard). Empty: none found.
  struct Anchor {
    int field;
    std::string value;
    bool exact = true;
  };
  const std::vector<Anchor>& anchors() const { return anchors_; }
  // Splunk's default segmenters: a bare term matches only between breakers.
  static bool is_breaker(char c);
  // Splunk's major breakers (segmenters.conf): what bounds a TERM().
  static bool is_major_breaker(char c);

 private:
  enum class Op { Eq, Ne, Lt, Le, Gt, Ge, In, And, Or, Not, Term, True };
  struct Node {
    Op op = Op::True;
    int field = -1;
    std::vector<Wildcard> patterns;  // Eq/Ne/In/Term
    // Term without inner '*' (otherwise patterns holds it as "*term*"): lower-cased text matched as whole tokens (Splunk matches
    // bare terms against the event's segments, so "regsvr" is not in "regsvr32.exe").
    // bound_left/right: a breaker (or the value's edge) must stand on that side.
    std::string term;
    bool bound_left = true, bound_right = true;
    bool case_sensitive = false;  // CASE(term): term kept as written
    bool major_only = false;      // TERM(term): bounded by major breakers only
    std::string text;                // Lt..Ge literal
    double num = 0;
    bool numeric = false;
    std::vector<int> kids;
    std::string field_name;  // as written, for choosing anchors
  };
  int build(const spl::Expr& e, FieldResolver& fields, bool allow_terms, int depth);
  bool eval(int i, FieldAccess& f) const;
  static bool value_matches(const Value& v, const Node& n);
  static bool term_matches(const Value& v, const Node& n);
  struct AnchorQuality {
    bool weak = false;      // on a field most events share (EventCode, source, ...)
    bool contains = false;  // some anchor is a piece of a wildcard, not a whole value
  };
  bool collect_anchors(int i, std::vector<Anchor>& out, AnchorQuality& q) const;
  void choose_anchors();
  std::vector<Node> nodes_;
  std::vector<Anchor> anchors_;
};

}  // namespace splinter::exec
