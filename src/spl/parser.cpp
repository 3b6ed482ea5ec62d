// SPL parser: pipeline splitting, per-command argument parsing and the two
// expression grammars (see parser.h for the semantics).
//
// Grammar (EBNF; keywords in search expressions are upper case only, in eval any case):
//
//   pipeline     = [ "|" ] command { "|" command } ;          (first piece without "|"
//                                                            and not a generating command
//                                                            is an implicit "search")
//   command      = name args ;                               name = [A-Za-z0-9_]+
//   tstats       = "tstats" { opt "=" value } { agg [","] }
//                  [ "from" "datamodel" "=" value ] [ "where" search_expr ]
//                  [ "by" { field [","] | "span" "=" value } ] ;
//                  ("where nodename=X" inside the where clause fills nodename)
//   stats        = ("stats"|"eventstats"|"streamstats") { opt "=" value } agg { [","] agg }
//                  [ "by" { field [","] } ] ;
//   agg          = func [ "(" raw ")" ] [ "as" name ] ;        raw = balanced text, e.g. eval(...)
//   rename       = "rename" name "as" name { [","] name "as" name } ;
//   convert      = "convert" { "timeformat" "=" value } func "(" field ")" [ "as" name ] { [","] ... } ;
//   where        = "where" eval_expr ;
//   eval         = "eval" name "=" eval_expr { "," name "=" eval_expr } ;
//   search       = "search" [ search_expr ] ;                "search *" -> null
//   table|fields = ("table"|"fields") [ "+" | "-" ] { name [","] } ;
//   bin|bucket   = ("bin"|"bucket") { "span" "=" value | field | "as" name } ;   (one field)
//   rex          = "rex" { ("field"|"max_match"|"mode") "=" value | "string" } ;  (one string)
//
//   search_expr  = and_s ;
//   and_s        = or_s { [ "AND" ] or_s } ;                  implicit AND; loosest
//   or_s         = not_s { "OR" not_s } ;                     OR binds tighter than AND
//   not_s        = "NOT" not_s | prim_s ;
//   prim_s       = "(" and_s ")" | key op value | key "IN" "(" value { [","] value } ")" | term ;
//   op           = "=" | "!=" | "<" | "<=" | ">" | ">=" ;
//   key, term    = word | "string" ;   value = word-to-whitespace | "string"
//
//   eval_expr    = or_e ;
//   or_e         = xor_e { "OR" xor_e } ;
//   xor_e        = and_e { "XOR" and_e } ;
//   and_e        = not_e { "AND" not_e } ;
//   not_e        = "NOT" not_e | cmp_e ;
//   cmp_e        = add_e { ("="|"=="|"!="|"<"|"<="|">"|">="|"LIKE") add_e | "IN" "(" [ eval_expr { "," eval_expr } ] ")" } ;
//   add_e        = mul_e { ("+"|"-"|".") mul_e } ;
//   mul_e        = unary_e { ("*"|"/"|"%") unary_e } ;
//   unary_e      = ("-"|"+") unary_e | prim_e ;
//   prim_e       = number | "string" | 'field' | ident "(" [ eval_expr { "," eval_expr } ] ")"
//                | ident | "(" eval_expr ")" ;
#include "spl/parser.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <set>

#include "common/strings.h"
#include "spl/lexer.h"

namespace splinter::spl {

namespace {

constexpr int kMaxDepth = 256;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

Span mkspan(size_t b, size_t e) { return {static_cast<uint32_t>(b), static_cast<uint32_t>(e)}; }

ExprPtr make(ExprKind k, std::string text, size_t b, size_t e) {
  auto x = std::make_unique<Expr>();
  x->kind = k;
  x->text = std::move(text);
  x->span = mkspan(b, e);
  return x;
}

bool parse_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  const char c = s[0];
  const bool starts_ok = (c >= '0' && c <= '9') || ((c == '-' || c == '+' || c == '.') && s.size() > 1);
  if (!starts_ok) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// Unwraps Splunk's CASE(x) / TERM(x) directives (unquoted, upper case as documented)
// from a search term or value into flags.
void apply_directives(Expr& x) {
  if (x.quoted) return;
  for (;;) {
    bool* flag = x.text.starts_with("CASE(") ? &x.case_sensitive : x.text.starts_with("TERM(") ? &x.whole_term : nullptr;
    if (!flag) return;
    const std::string name = x.text.substr(0, 4);
    if (!x.text.ends_with(")")) throw Error("expected ')' to close " + name + "(", x.span.end);
    *flag = true;
    x.text = x.text.substr(5, x.text.size() - 6);
    if (x.text.size() >= 2 && x.text.front() == '"' && x.text.back() == '"')
      x.text = x.text.substr(1, x.text.size() - 2);
    if (x.text.empty()) throw Error("expected a term inside " + name + "(...)", x.span.begin + 5);
  }
}

ExprPtr make_literal(const Token& t) {
  auto x = make(ExprKind::Literal, t.text, t.begin, t.end);
  x->quoted = t.kind == Tok::String;
  if (!x->quoted) x->number = parse_number(x->text, x->num);
  return x;
}

// Builds an And/Or over the operands, or returns the single operand unchanged.
ExprPtr combine(ExprKind k, std::vector<ExprPtr> ops) {
  if (ops.size() == 1) return std::move(ops[0]);
  auto x = make(k, "", ops.front()->span.begin, ops.back()->span.end);
  x->args = std::move(ops);
  return x;
}

ExprPtr binary(std::string op, ExprPtr l, ExprPtr r) {
  auto x = make(ExprKind::Binary, std::move(op), l->span.begin, r->span.end);
  x->args.push_back(std::move(l));
  x->args.push_back(std::move(r));
  return x;
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::End: return "end of input";
    case Tok::String: return "\"" + t.text + "\"";
    case Tok::Field: return "'" + t.text + "'";
    default: return "'" + t.text + "'";
  }
}

struct DepthGuard {
  DepthGuard(int& d, size_t pos) : depth(d) {
    if (++depth > kMaxDepth) {
      --depth;
      throw Error("expression nested too deeply (limit " + std::to_string(kMaxDepth) + ")", pos);
    }
  }
  ~DepthGuard() { --depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  int& depth;
};

// Returns the offset of the ')' matching the '(' at open, skipping quoted strings.
size_t matching_paren(std::string_view text, size_t open, size_t limit) {
  int depth = 0;
  for (size_t i = open; i < limit;) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      i = skip_quoted(text, i, limit);
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return i;
    ++i;
  }
  throw Error("unbalanced '(': missing ')'", open);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Offset of the ']' closing the subsearch '[' at open (quote-aware, nested brackets
// balance); throws when unclosed.
size_t subsearch_close(std::string_view text, size_t open, size_t end);
// Parses text[open+1, close) as its own pipeline, positions pointing into text.
std::shared_ptr<Pipeline> parse_subsearch(std::string_view text, size_t open, size_t close);

// ---------------------------------------------------------------- search expressions

class SearchParser {
 public:
  SearchParser(std::string_view text, size_t begin, size_t end, bool stop_at_by = false)
      : lx_(text, end), pos_(begin), stop_at_by_(stop_at_by) {}

  Token peek(bool value_mode = false) const { return lx_.lex(pos_, value_mode); }
  Token next(bool value_mode = false) {
    Token t = lx_.lex(pos_, value_mode);
    pos_ = t.end;
    return t;
  }
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }
  const SearchLexer& lexer() const { return lx_; }

  bool at_end() const { return peek().kind == Tok::End; }

  // Parses an expression; null when there is nothing to parse (at End / stop word).
  ExprPtr parse_expression() {
    if (!starts_operand(peek())) return nullptr;
    return parse_and();
  }

 private:
  static bool is_word(const Token& t, std::string_view w) { return t.kind == Tok::Word && t.text == w; }

  bool starts_operand(const Token& t) const {
    if (t.kind == Tok::String || t.kind == Tok::LParen) return true;
    if (t.kind != Tok::Word) return false;
    if (t.text == "OR" || t.text == "AND") return false;
    if (stop_at_by_ && ieq(t.text, "by")) return false;
    return true;
  }

  ExprPtr parse_and() {
    std::vector<ExprPtr> ops;
    ops.push_back(parse_or());
    for (;;) {
      Token t = peek();
      if (is_word(t, "AND")) {
        next();
        if (!starts_operand(peek())) throw Error("expected a search term after AND, found " + describe(peek()), peek().begin);
        ops.push_back(parse_or());
      } else if (starts_operand(t)) {
        ops.push_back(parse_or());  // implicit AND
      } else {
        break;
      }
    }
    return combine(ExprKind::And, std::move(ops));
  }

  ExprPtr parse_or() {
    std::vector<ExprPtr> ops;
    ops.push_back(parse_not());
    while (is_word(peek(), "OR")) {
      next();
      if (!starts_operand(peek())) throw Error("expected a search term after OR, found " + describe(peek()), peek().begin);
      ops.push_back(parse_not());
    }
    return combine(ExprKind::Or, std::move(ops));
  }

  ExprPtr parse_not() {
    Token t = peek();
    if (is_word(t, "NOT")) {
      next();
      DepthGuard g(depth_, t.begin);
      if (!starts_operand(peek()) && !is_word(peek(), "NOT"))
        throw Error("expected a search term after NOT, found " + describe(peek()), peek().begin);
      auto operand = parse_not();
      auto x = make(ExprKind::Not, "", t.begin, operand->span.end);
      x->args.push_back(std::move(operand));
      return x;
    }
    return parse_primary();
  }

  ExprPtr parse_primary() {
    Token t = next();
    switch (t.kind) {
      case Tok::LParen: {
        DepthGuard g(depth_, t.begin);
        if (!starts_operand(peek())) {
          throw Error(peek().kind == Tok::RParen ? std::string("empty parentheses")
                                                 : "expected a search term after '(', found " + describe(peek()),
                      peek().begin);
        }
        auto e = parse_and();
        Token close = next();
        if (close.kind != Tok::RParen)
          throw Error("expected ')' to close the '(' at offset " + std::to_string(t.begin) + ", found " + describe(close),
                      close.begin);
        return e;
      }
      case Tok::Word:
      case Tok::String: {
        if (t.kind == Tok::Word && lx_.text()[t.begin] == '[') {
          // [subsearch]: its formatted results stand here (resolved by the compiler).
          const size_t close = subsearch_close(lx_.text(), t.begin, lx_.limit());
          auto x = make(ExprKind::Subsearch, std::string(lx_.text().substr(t.begin + 1, close - t.begin - 1)), t.begin,
                        close + 1);
          x->subsearch = parse_subsearch(lx_.text(), t.begin, close);
          pos_ = close + 1;
          return x;
        }
        Token after = peek();
        if (after.kind == Tok::Op) {
          next();
          Token v = next(/*value_mode=*/true);
          if ((v.kind != Tok::Word && v.kind != Tok::String) ||
              (v.kind == Tok::Word && (v.text.starts_with('(') || v.text.starts_with(')'))))
            throw Error("expected a value after '" + t.text + after.text + "', found " + describe(v), v.begin);
          auto x = make(ExprKind::Compare, after.text, t.begin, v.end);
          auto f = make(ExprKind::Field, t.text, t.begin, t.end);
          f->quoted = t.kind == Tok::String;
          x->args.push_back(std::move(f));
          x->args.push_back(make_literal(v));
          apply_directives(*x->args.back());
          return x;
        }
        if (is_word(after, "IN")) {
          next();
          return parse_in(t);
        }
        if (t.kind == Tok::Word && (t.text == "AND" || t.text == "OR" || t.text == "IN"))
          throw Error("unexpected " + t.text, t.begin);
        if (t.kind == Tok::Word && (t.text == "TERM" || t.text == "CASE") && after.kind == Tok::LParen &&
            after.begin == t.end) {
          // Search directive on a bare term: TERM(x), CASE(x).
          next();
          Token inner = next(/*value_mode=*/true);
          if (inner.kind != Tok::Word && inner.kind != Tok::String)
            throw Error("expected a term inside " + t.text + "(...), found " + describe(inner), inner.begin);
          Token close = next();
          if (close.kind != Tok::RParen)
            throw Error("expected ')' to close " + t.text + "(, found " + describe(close), close.begin);
          auto x = make(ExprKind::Term, inner.text, t.begin, close.end);
          (t.text == "TERM" ? x->whole_term : x->case_sensitive) = true;
          return x;
        }
        auto x = make(ExprKind::Term, t.text, t.begin, t.end);
        x->quoted = t.kind == Tok::String;
        apply_directives(*x);
        return x;
      }
      case Tok::End:
        throw Error("expected a search term, found end of input", t.begin);
      default:
        throw Error("unexpected " + describe(t) + " in search expression", t.begin);
    }
  }

  ExprPtr parse_in(const Token& field) {
    Token open = next();
    if (open.kind != Tok::LParen) throw Error("expected '(' after IN, found " + describe(open), open.begin);
    auto x = make(ExprKind::In, "", field.begin, open.end);
    auto f = make(ExprKind::Field, field.text, field.begin, field.end);
    f->quoted = field.kind == Tok::String;
    x->args.push_back(std::move(f));
    for (;;) {
      Token v = next(/*value_mode=*/true);
      if (v.kind == Tok::RParen) {
        if (x->args.size() == 1) throw Error("empty IN list", v.begin);
        x->span.end = static_cast<uint32_t>(v.end);
        return x;
      }
      if (v.kind == Tok::Comma) continue;  // Splunk tolerates empty items: IN (,"a",)
      if (v.kind != Tok::Word && v.kind != Tok::String)
        throw Error("expected a value or ')' in IN list, found " + describe(v), v.begin);
      x->args.push_back(make_literal(v));
      apply_directives(*x->args.back());
    }
  }

  SearchLexer lx_;
  size_t pos_;
  bool stop_at_by_;
  int depth_ = 0;
};

// ------------------------------------------------------------------ eval expressions

class EvalParser {
 public:
  EvalParser(std::string_view text, size_t begin, size_t end) : lx_(text, end), pos_(begin) {}

  Token peek() const { return lx_.lex(pos_); }
  Token next() {
    Token t = lx_.lex(pos_);
    pos_ = t.end;
    return t;
  }
  void set_pos(size_t p) { pos_ = p; }
  size_t pos() const { return pos_; }

  ExprPtr parse_expr() {
    DepthGuard g(depth_, pos_);
    return parse_or();
  }

 private:
  static bool kw(const Token& t, std::string_view w) { return t.kind == Tok::Word && ieq(t.text, w); }
  static bool op(const Token& t, std::string_view o) { return t.kind == Tok::Op && t.text == o; }

  ExprPtr parse_or() {
    std::vector<ExprPtr> ops;
    ops.push_back(parse_xor());
    while (kw(peek(), "OR")) {
      next();
      ops.push_back(parse_xor());
    }
    return combine(ExprKind::Or, std::move(ops));
  }

  ExprPtr parse_xor() {
    auto l = parse_and();
    while (kw(peek(), "XOR")) {
      next();
      l = binary("XOR", std::move(l), parse_and());
    }
    return l;
  }

  ExprPtr parse_and() {
    std::vector<ExprPtr> ops;
    ops.push_back(parse_not());
    while (kw(peek(), "AND")) {
      next();
      ops.push_back(parse_not());
    }
    return combine(ExprKind::And, std::move(ops));
  }

  ExprPtr parse_not() {
    Token t = peek();
    if (kw(t, "NOT")) {
      next();
      DepthGuard g(depth_, t.begin);
      auto operand = parse_not();
      auto x = make(ExprKind::Not, "", t.begin, operand->span.end);
      x->args.push_back(std::move(operand));
      return x;
    }
    return parse_cmp();
  }

  ExprPtr parse_cmp() {
    auto l = parse_add();
    for (;;) {
      Token t = peek();
      if (t.kind == Tok::Op && (t.text == "=" || t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" ||
                                t.text == ">" || t.text == ">=")) {
        next();
        l = binary(t.text, std::move(l), parse_add());
      } else if (kw(t, "LIKE")) {
        next();
        l = binary("LIKE", std::move(l), parse_add());
      } else if (kw(t, "IN")) {
        next();
        Token open = next();
        if (open.kind != Tok::LParen) throw Error("expected '(' after IN, found " + describe(open), open.begin);
        auto x = make(ExprKind::In, "", l->span.begin, open.end);
        x->args.push_back(std::move(l));
        x->span.end = static_cast<uint32_t>(parse_args(x->args, open));
        l = std::move(x);
      } else {
        return l;
      }
    }
  }

  ExprPtr parse_add() {
    auto l = parse_mul();
    for (Token t = peek(); op(t, "+") || op(t, "-") || op(t, "."); t = peek()) {
      next();
      l = binary(t.text, std::move(l), parse_mul());
    }
    return l;
  }

  ExprPtr parse_mul() {
    auto l = parse_unary();
    for (Token t = peek(); op(t, "*") || op(t, "/") || op(t, "%"); t = peek()) {
      next();
      l = binary(t.text, std::move(l), parse_unary());
    }
    return l;
  }

  ExprPtr parse_unary() {
    Token t = peek();
    if (op(t, "-") || op(t, "+")) {
      next();
      DepthGuard g(depth_, t.begin);
      auto operand = parse_unary();
      if (t.text == "+") return operand;
      auto x = make(ExprKind::Negate, "", t.begin, operand->span.end);
      x->args.push_back(std::move(operand));
      return x;
    }
    return parse_primary();
  }

  // Parses "expr, expr ... )" after an opening '('; returns the offset past ')'.
  size_t parse_args(std::vector<ExprPtr>& out, const Token& open) {
    if (peek().kind == Tok::RParen) return next().end;
    for (;;) {
      out.push_back(parse_expr());
      Token t = next();
      if (t.kind == Tok::RParen) return t.end;
      if (t.kind != Tok::Comma)
        throw Error("expected ',' or ')' to close the '(' at offset " + std::to_string(open.begin) + ", found " +
                        describe(t),
                    t.begin);
    }
  }

  ExprPtr parse_primary() {
    Token t = next();
    switch (t.kind) {
      case Tok::Number: {
        auto x = make(ExprKind::Literal, t.text, t.begin, t.end);
        x->number = true;
        x->num = std::strtod(t.text.c_str(), nullptr);
        return x;
      }
      case Tok::String: {
        auto x = make(ExprKind::Literal, t.text, t.begin, t.end);
        x->quoted = true;
        return x;
      }
      case Tok::Field: {
        auto x = make(ExprKind::Field, t.text, t.begin, t.end);
        x->quoted = true;
        return x;
      }
      case Tok::Word: {
        if (peek().kind == Tok::LParen) {
          Token open = next();
          DepthGuard g(depth_, open.begin);
          auto x = make(ExprKind::Call, t.text, t.begin, open.end);
          x->span.end = static_cast<uint32_t>(parse_args(x->args, open));
          return x;
        }
        for (std::string_view k : {"AND", "OR", "NOT", "XOR", "LIKE", "IN"}) {
          if (ieq(t.text, k)) throw Error("unexpected " + t.text + " in eval expression", t.begin);
        }
        return make(ExprKind::Field, t.text, t.begin, t.end);
      }
      case Tok::LParen: {
        DepthGuard g(depth_, t.begin);
        auto e = parse_or();
        Token close = next();
        if (close.kind != Tok::RParen)
          throw Error("expected ')' to close the '(' at offset " + std::to_string(t.begin) + ", found " + describe(close),
                      close.begin);
        return e;
      }
      case Tok::End:
        throw Error("expected an expression, found end of input", t.begin);
      default:
        throw Error("unexpected " + describe(t) + " in eval expression", t.begin);
    }
  }

  EvalLexer lx_;
  size_t pos_;
  int depth_ = 0;
};

// ---------------------------------------------------------------------- commands

bool is_name(const Token& t) { return t.kind == Tok::Word || t.kind == Tok::String; }

bool is_ident(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Is the token after `t` (a Word) an '=' operator?  (key=value option syntax)
bool followed_by_eq(const SearchParser& p, const Token& t) {
  Token n = p.lexer().lex(t.end);
  return n.kind == Tok::Op && n.text == "=";
}

std::string expect_value(SearchParser& p, const std::string& key) {
  Token eq = p.next();
  if (eq.kind != Tok::Op || eq.text != "=") throw Error("expected '=' after " + key, eq.begin);
  Token v = p.next(/*value_mode=*/true);
  if (!is_name(v)) throw Error("expected a value after " + key + "=, found " + describe(v), v.begin);
  return v.text;
}

// A name written without quotes runs to whitespace or ',' (`as aceFlags(inheritance)`,
// `eval inbound:outbound=...`); a quoted one is decoded. Returns End when there is none.
Token raw_name(SearchParser& p, std::string_view stop = ",") {
  Token t = p.peek();
  if (t.kind == Tok::String) return p.next();
  const std::string_view text = p.lexer().text();
  size_t i = t.begin;
  while (i < p.lexer().limit() && !is_space(text[i]) && stop.find(text[i]) == std::string_view::npos) ++i;
  if (i == t.begin) {
    t.kind = Tok::End;
    return t;
  }
  t.kind = Tok::Word;
  t.text = std::string(text.substr(t.begin, i - t.begin));
  t.end = i;
  p.set_pos(i);
  return t;
}

// Adjacent quoted and unquoted parts form one name, as in Splunk: `"Web".*` is Web.*
// (drop_dm_object_name("Web") expands to `rename "Web".* AS *`).
void glue_adjacent(SearchParser& p, Token& t) {
  for (Token n = p.peek(); is_name(n) && n.adjacent; n = p.peek()) {
    p.next();
    t.text += n.text;
    t.end = n.end;
  }
}

std::string expect_name(SearchParser& p, const char* what) {
  Token t = p.peek();
  if (t.kind == Tok::String) {
    p.next();
    glue_adjacent(p, t);
    return t.text;
  }
  t = raw_name(p);  // names such as values(x) or predicted(x) hold parentheses
  if (t.kind == Tok::End) throw Error(std::string("expected ") + what + ", found " + describe(p.peek()), p.peek().begin);
  return t.text;
}

// func[(raw)] [as alias]. The parenthesised text is kept raw so that stats forms such as
// count(eval(x="y")) survive parsing; the executor decides what it supports.
struct AggShape {
  bool parens = false;
  bool alias = false;
};

Aggregation parse_aggregation(SearchParser& p, AggShape* shape = nullptr, bool eval_arg = false) {
  Token f = p.next();
  if (f.kind != Tok::Word || !is_ident(f.text))
    throw Error("expected an aggregation function such as count or values(field), found " + describe(f), f.begin);
  Aggregation a;
  a.func = lower(f.text);
  a.span = mkspan(f.begin, f.end);
  std::string written = f.text;
  Token open = p.peek();
  if (open.kind == Tok::LParen && open.adjacent) {
    const std::string_view text = p.lexer().text();
    size_t close = matching_paren(text, open.begin, p.lexer().limit());
    a.field = std::string(trim(text.substr(open.begin + 1, close - open.begin - 1)));
    // func(eval(<expr>)): the expression is parsed here, over the same text, so its
    // errors point into the search; the executor compiles it once.
    if (eval_arg && a.field.size() > 5 && ieq(std::string_view(a.field).substr(0, 5), "eval(")) {
      size_t eb = open.begin + 1;
      while (is_space(text[eb])) ++eb;
      const size_t ee = matching_paren(text, eb + 4, close);
      size_t rest = ee + 1;
      while (rest < close && is_space(text[rest])) ++rest;
      // eval(...) must be the whole argument: anything after it would otherwise be read
      // as part of a field name that no event has.
      if (rest != close) throw Error("unexpected text after eval(...) in " + a.func + "()", rest);
      EvalParser ep(text, eb + 5, ee);
      a.eval = ep.parse_expr();
      Token t = ep.peek();
      if (t.kind != Tok::End) throw Error("unexpected " + describe(t) + " in eval() expression", t.begin);
    }
    written = std::string(text.substr(f.begin, close + 1 - f.begin));
    p.set_pos(close + 1);
    a.span.end = static_cast<uint32_t>(close + 1);
    if (shape) shape->parens = true;
  }
  Token as = p.peek();
  if (as.kind == Tok::Word && ieq(as.text, "as")) {
    p.next();
    Token n = raw_name(p);
    if (n.kind == Tok::End) throw Error("expected a name after AS, found " + describe(p.peek()), p.peek().begin);
    a.alias = n.text;
    a.alias_given = true;
    a.span.end = static_cast<uint32_t>(n.end);
    if (shape) shape->alias = true;
  } else {
    // Splunk's default output name: "count" for a bare count, else the call as written.
    a.alias = a.field.empty() ? f.text : written;
  }
  return a;
}

bool is_clause_word(const Token& t, std::initializer_list<std::string_view> words) {
  if (t.kind != Tok::Word) return false;
  for (auto w : words) {
    if (ieq(t.text, w)) return true;
  }
  return false;
}

// by f1 f2, f3 [span=1h]
void parse_by_list(SearchParser& p, std::vector<std::string>& by, const std::function<void(std::string, std::string, size_t)>& option) {
  for (Token t = p.peek(); t.kind != Tok::End; t = p.peek()) {
    if (t.kind == Tok::Comma) {
      p.next();
      continue;
    }
    if (!is_name(t)) throw Error("expected a field name in the by clause, found " + describe(t), t.begin);
    p.next();
    glue_adjacent(p, t);
    if (t.kind == Tok::Word && followed_by_eq(p, t)) {
      std::string key = lower(t.text);
      option(key, expect_value(p, key), t.begin);
      continue;
    }
    by.push_back(t.text);
  }
}

ExprPtr take_nodename(ExprPtr e, std::string& nodename) {
  auto is_node = [](const Expr& x) {
    return x.kind == ExprKind::Compare && x.text == "=" && x.args[0]->text == "nodename" && !x.args[0]->quoted;
  };
  if (!e) return e;
  if (is_node(*e)) {
    nodename = e->args[1]->text;
    return nullptr;
  }
  if (e->kind == ExprKind::And) {
    for (auto it = e->args.begin(); it != e->args.end(); ++it) {
      if (is_node(**it)) {
        nodename = (*it)->args[1]->text;
        e->args.erase(it);
        if (e->args.size() == 1) return std::move(e->args[0]);
        return e;
      }
    }
  }
  return e;
}

const std::set<std::string, std::less<>> kTstatsOptions = {
    "summariesonly", "allow_old_summaries", "fillnull_value", "prestats", "local",
    "append",        "chunk_size",          "include_reduced_buckets"};

void parse_tstats(SearchParser& p, TstatsCommand& c) {
  for (Token t = p.peek(); t.kind == Tok::Word && followed_by_eq(p, t); t = p.peek()) {
    std::string key = lower(t.text);
    if (!kTstatsOptions.count(key)) throw Error("unknown tstats option '" + t.text + "'", t.begin);
    p.next();
    c.options.emplace_back(key, expect_value(p, key));
  }
  for (Token t = p.peek(); t.kind != Tok::End && !is_clause_word(t, {"from", "where", "by"}); t = p.peek()) {
    if (t.kind == Tok::Comma) {
      p.next();
      continue;
    }
    c.aggregations.push_back(parse_aggregation(p, nullptr, true));
  }
  if (c.aggregations.empty()) throw Error("tstats needs at least one aggregation (e.g. count)", p.peek().begin);
  for (Token t = p.peek(); t.kind != Tok::End; t = p.peek()) {
    p.next();
    if (is_clause_word(t, {"from"})) {
      Token dm = p.next();
      if (dm.kind != Tok::Word || !ieq(dm.text, "datamodel"))
        throw Error("expected datamodel=<name> after from, found " + describe(dm), dm.begin);
      c.datamodel = expect_value(p, "datamodel");
    } else if (is_clause_word(t, {"where"})) {
      // A sub-parser over the same text that stops at a top-level "by".
      SearchParser w(p.lexer().text(), p.pos(), p.lexer().limit(), /*stop_at_by=*/true);
      c.where = take_nodename(w.parse_expression(), c.nodename);
      if (!c.where && c.nodename.empty()) throw Error("expected a search expression after where", w.peek().begin);
      p.set_pos(w.pos());
    } else if (is_clause_word(t, {"by"})) {
      parse_by_list(p, c.by, [&](std::string key, std::string value, size_t pos) {
        if (key != "span") throw Error("unexpected option '" + key + "' in the tstats by clause", pos);
        if (c.span_pos) throw Error("span= given twice in the tstats by clause", pos);
        c.span = std::move(value);
        c.span_pos = pos;
      });
      if (c.by.empty()) throw Error("expected field names after by", t.end);
    } else {
      throw Error("unexpected " + describe(t) + " in tstats (expected from, where or by)", t.begin);
    }
  }
}

void parse_stats(SearchParser& p, StatsCommand& c, const std::string& name) {
  for (Token t = p.peek(); t.kind == Tok::Word && followed_by_eq(p, t); t = p.peek()) {
    p.next();
    std::string key = lower(t.text);
    c.options.emplace_back(key, expect_value(p, key));
    c.option_pos.push_back(t.begin);
  }
  for (Token t = p.peek(); t.kind != Tok::End && !is_clause_word(t, {"by"}); t = p.peek()) {
    if (t.kind == Tok::Comma) {
      p.next();
      continue;
    }
    c.aggregations.push_back(parse_aggregation(p, nullptr, true));
  }
  if (c.aggregations.empty()) throw Error(name + " needs at least one aggregation (e.g. count)", p.peek().begin);
  Token by = p.next();
  if (by.kind == Tok::End) return;
  parse_by_list(p, c.by, [&](std::string key, std::string value, size_t pos) {
    if (key == "span") {
      if (c.span_pos) throw Error("span= given twice in the " + name + " by clause", pos);
      c.span_pos = pos;
    }
    c.options.emplace_back(key, value);
    c.option_pos.push_back(pos);
  });
  if (c.by.empty()) throw Error("expected field names after by", by.end);
}

void parse_rename(SearchParser& p, RenameCommand& c) {
  for (Token t = p.peek(); t.kind != Tok::End; t = p.peek()) {
    if (t.kind == Tok::Comma) {
      p.next();
      continue;
    }
    std::string from = expect_name(p, "a field name to rename");
    Token as = p.next();
    if (as.kind != Tok::Word || !ieq(as.text, "as"))
      throw Error("expected AS after '" + from + "' in rename, found " + describe(as), as.begin);
    const size_t to_pos = p.peek().begin;
    std::string to = expect_name(p, "a new field name after AS");
    // Splunk (Search Reference, rename): "Both the original and renamed fields must
    // include the same number of wildcards, otherwise a wildcard mismatch error is returned."
    if (std::count(from.begin(), from.end(), '*') != std::count(to.begin(), to.end(), '*'))
      throw Error("rename " + from + " AS " + to + ": both names must have the same number of wildcards (*)", to_pos);
    c.renames.emplace_back(std::move(from), std::move(to));
  }
  if (c.renames.empty()) throw Error("rename needs 'field AS newname'", p.peek().begin);
}

void parse_convert(SearchParser& p, ConvertCommand& c) {
  for (Token t = p.peek(); t.kind != Tok::End; t = p.peek()) {
    if (t.kind == Tok::Comma) {
      p.next();
      continue;
    }
    if (t.kind == Tok::Word && followed_by_eq(p, t)) {
      p.next();
      std::string key = lower(t.text);
      if (key != "timeformat") throw Error("unknown convert option '" + t.text + "'", t.begin);
      c.timeformat = expect_value(p, key);
      continue;
    }
    AggShape shape;
    Aggregation a = parse_aggregation(p, &shape);  // same func(field) [as alias] shape
    if (!shape.parens || a.field.empty())
      throw Error("expected function(field) in convert, e.g. ctime(firstTime), found " + describe(t), t.begin);
    ConvertFunction f;
    f.func = a.func;
    f.field = a.field;
    if (shape.alias) f.alias = a.alias;
    c.functions.push_back(std::move(f));
  }
  if (c.functions.empty()) throw Error("convert needs a function, e.g. ctime(field)", p.peek().begin);
}

// Reads "key=value" after the key token; returns the value token (decoded if quoted).
Token option_value(SearchParser& p, const Token& key) {
  p.next();  // '=' (the caller checked followed_by_eq)
  Token v = p.next(/*value_mode=*/true);
  if (!is_name(v)) throw Error("expected a value after " + key.text + "=, found " + describe(v), v.begin);
  return v;
}

// bin/bucket [span=<span>] <field> [AS <newname>]. Options may stand anywhere: the content
// writes "bucket span=5m _time" and "bin _time as bin_time span=10m" alike.
void parse_bin(SearchParser& p, BinCommand& c, const std::string& name, size_t cmd_pos) {
  // Splunk's other bin options (bins, minspan, start/end, aligntime) derive or shift the
  // buckets; splinter has only fixed epoch-aligned spans, so they are refused, not ignored.
  static const std::set<std::string, std::less<>> kUnsupported = {"bins", "minspan", "start", "end", "aligntime"};
  for (Token t = p.peek(); t.kind != Tok::End; t = p.peek()) {
    if (t.kind == Tok::Comma) {
      p.next();
      continue;
    }
    if (t.kind == Tok::Word && followed_by_eq(p, t)) {
      const std::string key = lower(t.text);
      p.next();
      if (kUnsupported.count(key))
        throw Error(name + " option " + t.text + "= is not supported (only span= is)", t.begin);
      if (key != "span") throw Error("unknown " + name + " option '" + t.text + "'", t.begin);
      if (!c.span.empty()) throw Error(name + " has span= twice", t.begin);
      Token v = option_value(p, t);
      c.span = v.text;
      c.span_pos = v.begin;
      continue;
    }
    if (t.kind == Tok::Word && ieq(t.text, "as") && !c.field.empty() && c.alias.empty()) {
      p.next();
      c.alias = expect_name(p, "a new field name after AS");
      continue;
    }
    if (!c.field.empty()) throw Error(name + " takes one field; unexpected " + describe(t), t.begin);
    c.field = expect_name(p, "a field name");
  }
  if (c.field.empty()) throw Error(name + " needs a field, e.g. " + name + " _time span=5m", p.pos());
  if (c.span.empty())
    throw Error(name + " without span= is not supported (Splunk would derive the span from bins=100)", cmd_pos);
}

// rex [field=<f>] [max_match=<n>] [mode=sed] "<regex or sed expression>", in any order.
void parse_rex(SearchParser& p, RexCommand& c, size_t cmd_pos) {
  bool have_pattern = false;
  bool have_max = false;
  for (Token t = p.peek(); t.kind != Tok::End; t = p.peek()) {
    if (t.kind == Tok::Word && followed_by_eq(p, t)) {
      const std::string key = lower(t.text);
      p.next();
      if (key == "offset_field") throw Error("rex option offset_field= is not supported", t.begin);
      if (key != "field" && key != "max_match" && key != "mode")
        throw Error("unknown rex option '" + t.text + "'", t.begin);
      Token v = option_value(p, t);
      if (key == "field") {
        c.field = v.text;
      } else if (key == "mode") {
        // Splunk: "mode=sed" is the only mode; without it rex extracts.
        if (!ieq(v.text, "sed")) throw Error("rex mode must be sed, found '" + v.text + "'", v.begin);
        c.sed = true;
      } else {
        const std::string& n = v.text;
        if (!parse_whole(n, 9, c.max_match))
          throw Error("rex max_match must be a whole number (0 = unlimited), found '" + n + "'", v.begin);
        c.max_match_pos = t.begin;
        have_max = true;
      }
      continue;
    }
    if (t.kind == Tok::String) {
      if (have_pattern) throw Error("rex takes one quoted regular expression; found a second", t.begin);
      p.next();
      c.pattern = t.text;
      c.pattern_pos = t.begin;
      c.pattern_src = std::string(p.lexer().text().substr(t.begin + 1, t.end - t.begin - 2));
      have_pattern = true;
      continue;
    }
    throw Error("expected a quoted regular expression or field=, max_match=, mode= in rex, found " + describe(t),
                t.begin);
  }
  if (!have_pattern)
    throw Error(std::string("rex needs a quoted ") +
                    (c.sed ? "sed expression, e.g. \"s/a/b/g\"" : "regular expression, e.g. \"(?<name>...)\""),
                cmd_pos);
  // Splunk's syntax pairs max_match with the extracting form only.
  if (c.sed && have_max) throw Error("rex max_match= does not apply to mode=sed", c.max_match_pos);
}

void parse_fields(SearchParser& p, FieldsCommand& c, bool is_fields) {
  Token t = p.peek();
  if (is_fields && t.kind == Tok::Word && (t.text == "-" || t.text == "+")) {
    c.remove = t.text == "-";
    p.next();
  }
  for (t = p.peek(); t.kind != Tok::End; t = p.peek()) {
    if (t.kind == Tok::Comma) {
      p.next();
      continue;
    }
    c.fields.push_back(expect_name(p, "a field name"));
  }
}

void parse_eval(std::string_view text, size_t begin, size_t end, EvalCommand& c) {
  EvalParser p(text, begin, end);
  for (;;) {
    // The target is a name, not an expression: unquoted it runs to '=' or whitespace
    // (eval inbound:outbound=..., eval {key}=value); quoted forms are decoded.
    size_t i = p.pos();
    while (i < end && is_space(text[i])) ++i;
    Token name;
    if (i < end && (text[i] == '"' || text[i] == '\'')) {
      name = p.next();
    } else {
      name.begin = i;
      while (i < end && !is_space(text[i]) && text[i] != '=' && text[i] != ',' && text[i] != '"' && text[i] != '\'') ++i;
      if (i == name.begin) throw Error("expected a field name to assign in eval, found " + describe(name), name.begin);
      name.text = std::string(text.substr(name.begin, i - name.begin));
      p.set_pos(i);
    }
    Token eq = p.next();
    if (eq.kind != Tok::Op || eq.text != "=")
      throw Error("expected '=' after '" + name.text + "' in eval, found " + describe(eq), eq.begin);
    c.assignments.emplace_back(name.text, p.parse_expr());
    Token sep = p.next();
    if (sep.kind == Tok::End) return;
    if (sep.kind != Tok::Comma) throw Error("expected ',' or end of eval, found " + describe(sep), sep.begin);
  }
}

// First offset in [begin, end) outside quoted strings and backslash escapes where
// stop(c) holds, or end.
template <class Stop>
size_t find_unquoted(std::string_view text, size_t begin, size_t end, Stop&& stop) {
  for (size_t i = begin; i < end;) {
    if (text[i] == '"') {
      i = skip_quoted(text, i, end);
      continue;
    }
    if (text[i] == '\\') {
      i += 2;
      continue;
    }
    if (stop(text[i])) return i;
    ++i;
  }
  return end;
}

// Offset of the first '[' outside quotes (a subsearch opens there), or end.
size_t subsearch_at(std::string_view text, size_t begin, size_t end) {
  return find_unquoted(text, begin, end, [](char c) { return c == '['; });
}


ExprPtr parse_search_args(std::string_view text, size_t begin, size_t end) {
  SearchParser p(text, begin, end);
  auto e = p.parse_expression();
  Token t = p.peek();
  if (t.kind != Tok::End) throw Error("unexpected " + describe(t) + " in search expression", t.begin);
  return e;
}

ExprPtr parse_eval_args(std::string_view text, size_t begin, size_t end) {
  EvalParser p(text, begin, end);
  auto e = p.parse_expr();
  Token t = p.peek();
  if (t.kind != Tok::End) throw Error("unexpected " + describe(t) + " after eval expression", t.begin);
  return e;
}

// The subsearch that must end a command (join, append): its brackets, or an error that
// names the command.
std::pair<size_t, size_t> trailing_subsearch(std::string_view text, size_t begin, size_t end, size_t name_begin,
                                             const char* cmd, const char* example) {
  const size_t open = subsearch_at(text, begin, end);
  if (open == end) throw Error(std::string(cmd) + " needs a subsearch, e.g. " + example, name_begin);
  const size_t close = subsearch_close(text, open, end);
  for (size_t i = close + 1; i < end; ++i)
    if (!is_space(text[i])) throw Error(std::string("unexpected text after the ") + cmd + " subsearch", i);
  return {open, close};
}

void set_subsearch(std::string_view text, size_t open, size_t close, const char* cmd, JoinCommand& c) {
  size_t sb = open + 1;
  while (sb < close && is_space(text[sb])) ++sb;
  if (sb == close) throw Error(std::string("empty ") + cmd + " subsearch", open);
  c.subsearch_span = mkspan(open + 1, close);
  c.subsearch_text = std::string(text.substr(open + 1, close - open - 1));
  c.subsearch = parse_subsearch(text, open, close);
}

// join [options] <field-list> [subsearch]. Options (key=value) and fields (separated by
// spaces or commas) may come in any order before the subsearch, which must end the command.
// The subsearch is parsed as its own pipeline over a copy of the text with everything
// outside the brackets blanked, so every position inside it points into the whole text.
void parse_join(std::string_view text, size_t begin, size_t end, size_t name_begin, JoinCommand& c) {
  const auto [open, close] = trailing_subsearch(text, begin, end, name_begin, "join", "join <field> [| tstats ...]");
  // Options and fields.
  for (size_t i = begin; i < open;) {
    if (is_space(text[i]) || text[i] == ',') {
      ++i;
      continue;
    }
    size_t w = i;
    std::string word;
    if (text[i] == '"') {
      size_t e;
      word = decode_quoted(text, i, open, e);
      i = e;
      c.fields.push_back(word);
      continue;
    }
    while (i < open && !is_space(text[i]) && text[i] != ',') ++i;
    word = std::string(text.substr(w, i - w));
    size_t eq = word.find('=');
    if (eq == std::string::npos) {
      c.fields.push_back(word);
      continue;
    }
    const std::string key = lower(word.substr(0, eq));
    std::string value = word.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    const std::string v = lower(value);
    const size_t vpos = w + eq + 1;
    auto boolean = [&](bool& out) {
      if (!parse_bool(v, out)) throw Error("join " + key + "= expects true or false", vpos);
    };
    if (key == "type") {
      if (v != "inner" && v != "outer" && v != "left") throw Error("join type= expects inner, outer or left", vpos);
      c.type = v;
    } else if (key == "max") {
      if (!parse_whole(v, 9, c.max)) throw Error("join max= expects a non-negative whole number", vpos);
    } else if (key == "overwrite") {
      boolean(c.overwrite);
    } else if (key == "usetime") {
      bool usetime = false;
      boolean(usetime);
      if (usetime) throw Error("join usetime=true is not supported", w);
    } else if (key == "earlier") {
      bool earlier = true;
      boolean(earlier);  // only meaningful with usetime=true
    } else {
      throw Error("unsupported join option " + key + "=", w);
    }
  }
  set_subsearch(text, open, close, "join", c);
}

// append [options] [subsearch]: the subsearch's rows go after the current results
// (Search Reference, append). Parsed into a JoinCommand of type "append" (no fields).
// maxtime/timeout/extendtimerange concern Splunk's scheduling and are accepted; maxout
// (rows kept, default 50,000) is taken.
void parse_append(std::string_view text, size_t begin, size_t end, size_t name_begin, JoinCommand& c) {
  const auto [open, close] = trailing_subsearch(text, begin, end, name_begin, "append", "append [| tstats ...]");
  c.type = "append";
  c.max = 50'000;
  for (size_t i = begin; i < open;) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    const size_t w = i;
    while (i < open && !is_space(text[i])) ++i;
    const std::string word(text.substr(w, i - w));
    const size_t eq = word.find('=');
    const std::string key = lower(word.substr(0, eq));
    const std::string v = eq == std::string::npos ? "" : word.substr(eq + 1);
    if (eq == std::string::npos) throw Error("unexpected '" + word + "' before the append subsearch", w);
    if (key == "maxout") {
      if (!parse_whole(v, 9, c.max)) throw Error("append maxout= expects a whole number", w + eq + 1);
    } else if (key != "maxtime" && key != "timeout" && key != "extendtimerange") {
      throw Error("unsupported append option " + key + "=", w);
    }
  }
  set_subsearch(text, open, close, "append", c);
}

size_t subsearch_close(std::string_view text, size_t open, size_t end) {
  size_t depth = 0;
  const size_t close = find_unquoted(text, open, end, [&](char ch) {
    if (ch == '[') ++depth;
    return ch == ']' && --depth == 0;
  });
  if (close == end) throw Error("unterminated '[' subsearch", open);
  return close;
}

std::shared_ptr<Pipeline> parse_subsearch(std::string_view text, size_t open, size_t close) {
  size_t sb = open + 1;
  while (sb < close && is_space(text[sb])) ++sb;
  if (sb == close) throw Error("empty subsearch", open);
  // Subsearches nest (each one is parsed over a copy of the text): a few levels at most.
  static thread_local int nesting = 0;
  if (nesting >= 8) throw Error("subsearches nested too deeply (limit 8)", open);
  struct Nest {
    Nest() { ++nesting; }
    ~Nest() { --nesting; }
  } nest;
  std::string masked(text.size(), ' ');
  masked.replace(open + 1, close - open - 1, text.substr(open + 1, close - open - 1));
  return std::make_shared<Pipeline>(parse_pipeline(masked));
}

// Commands that produce events themselves; any other first piece is search terms.
const std::set<std::string, std::less<>> kGenerating = {
    "search",  "tstats",   "inputlookup", "makeresults", "mstats",     "metadata", "dbinspect", "inputcsv",
    "loadjob", "savedsearch", "multisearch", "gentimes", "eventcount", "metasearch", "mcatalog", "pivot"};

Command parse_command(std::string_view text, size_t name_begin, size_t name_end, size_t args_end) {
  Command c;
  c.name = lower(text.substr(name_begin, name_end - name_begin));
  c.span = mkspan(name_begin, args_end);
  size_t ab = name_end;
  while (ab < args_end && is_space(text[ab])) ++ab;
  const size_t ae = args_end;
  SearchParser p(text, ab, ae);
  auto done = [&] {
    Token t = p.peek();
    if (t.kind != Tok::End) throw Error("unexpected " + describe(t) + " in " + c.name, t.begin);
  };
  if (c.name == "tstats") {
    c.kind = CommandKind::Tstats;
    parse_tstats(p, c.tstats);
  } else if (c.name == "stats" || c.name == "eventstats" || c.name == "streamstats" || c.name == "timechart") {
    c.kind = CommandKind::Stats;
    parse_stats(p, c.stats, c.name);
    done();
  } else if (c.name == "rename") {
    c.kind = CommandKind::Rename;
    parse_rename(p, c.rename);
  } else if (c.name == "convert") {
    c.kind = CommandKind::Convert;
    parse_convert(p, c.convert);
  } else if (c.name == "where") {
    c.kind = CommandKind::Where;
    if (ab >= ae) throw Error("where needs an expression", name_end);
    c.where.expr = parse_eval_args(text, ab, ae);
  } else if (c.name == "eval") {
    c.kind = CommandKind::Eval;
    if (ab >= ae) throw Error("eval needs an assignment, e.g. eval x=1", name_end);
    parse_eval(text, ab, ae, c.eval);
  } else if (c.name == "search") {
    c.kind = CommandKind::Search;
    c.search.expr = parse_search_args(text, ab, ae);
    // "search *" matches everything: represent it as no filter at all.
    if (c.search.expr && c.search.expr->kind == ExprKind::Term && c.search.expr->text == "*" && !c.search.expr->quoted)
      c.search.expr = nullptr;
  } else if (c.name == "bin" || c.name == "bucket") {
    c.kind = CommandKind::Bin;
    parse_bin(p, c.bin, c.name, name_begin);
  } else if (c.name == "rex") {
    c.kind = CommandKind::Rex;
    parse_rex(p, c.rex, name_begin);
  } else if (c.name == "join") {
    c.kind = CommandKind::Join;
    parse_join(text, ab, ae, name_begin, c.join);
  } else if (c.name == "append") {
    c.kind = CommandKind::Join;
    parse_append(text, ab, ae, name_begin, c.join);
  } else if (c.name == "table" || c.name == "fields") {
    c.kind = c.name == "table" ? CommandKind::Table : CommandKind::Fields;
    parse_fields(p, c.fields, c.name == "fields");
  } else {
    // Unknown here (or search with a [subsearch]): keep the raw text; the compiler
    // reports it as unsupported at c.span.
    c.kind = CommandKind::Other;
    c.other.args = std::string(trim(text.substr(ab, ae - ab)));
  }
  return c;
}

}  // namespace

Pipeline parse_pipeline(std::string_view text) {
  if (text.size() > UINT32_MAX) throw Error("search text too long", 0);
  Pipeline out;
  const std::vector<Span> pieces = split_pipes(text);
  for (size_t i = 0; i < pieces.size(); ++i) {
    size_t b = pieces[i].begin, e = pieces[i].end;
    while (b < e && is_space(text[b])) ++b;
    while (e > b && is_space(text[e - 1])) --e;
    if (b == e) {
      // The piece before a leading '|' is empty by design; any other empty piece is an error.
      if (i == 0 && pieces.size() > 1) continue;
      if (pieces.size() == 1) throw Error("empty search", 0);
      // Point at the pipe that closes the empty piece, or the last pipe for a trailing one.
      if (i + 1 == pieces.size()) throw Error("empty command after the last '|'", pieces[i].begin - 1);
      throw Error("empty command between two '|'", pieces[i].end);
    }
    size_t n = b;
    while (n < e && (std::isalnum(static_cast<unsigned char>(text[n])) || text[n] == '_')) ++n;
    const bool has_name = n > b && (n == e || is_space(text[n]));
    if (i == 0) {
      // No leading '|': search terms unless the piece starts with a generating command.
      if (!has_name || !kGenerating.count(lower(text.substr(b, n - b)))) {
        Command c;
        c.kind = CommandKind::Search;
        c.name = "search";
        c.span = mkspan(b, e);
        c.search.expr = parse_search_args(text, b, e);
        if (c.search.expr && c.search.expr->kind == ExprKind::Term && c.search.expr->text == "*" &&
            !c.search.expr->quoted)
          c.search.expr = nullptr;
        out.commands.push_back(std::move(c));
        continue;
      }
    }
    if (!has_name) throw Error("expected a command name after '|'", b);
    out.commands.push_back(parse_command(text, b, n, e));
  }
  return out;
}

ExprPtr parse_search_expression(std::string_view text) { return parse_search_args(text, 0, text.size()); }

ExprPtr parse_eval_expression(std::string_view text) { return parse_eval_args(text, 0, text.size()); }

namespace {

std::string quote(const std::string& s, char q) {
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\') out += '\\';
    out += c;
  }
  out += q;
  return out;
}

void render(const Expr& e, std::string& out) {
  auto join = [&](const char* sep, size_t from) {
    for (size_t i = from; i < e.args.size(); ++i) {
      if (i > from) out += sep;
      render(*e.args[i], out);
    }
  };
  switch (e.kind) {
    case ExprKind::Literal:
    case ExprKind::Term:
      out += e.quoted ? quote(e.text, '"') : e.text;
      break;
    case ExprKind::Field:
      out += e.quoted ? quote(e.text, '\'') : e.text;
      break;
    case ExprKind::Compare:
      render(*e.args[0], out);
      out += e.text;
      render(*e.args[1], out);
      break;
    case ExprKind::In:
      render(*e.args[0], out);
      out += " IN (";
      join(", ", 1);
      out += ")";
      break;
    case ExprKind::And:
    case ExprKind::Or:
      out += "(";
      join(e.kind == ExprKind::And ? " AND " : " OR ", 0);
      out += ")";
      break;
    case ExprKind::Not:
      out += "(NOT ";
      render(*e.args[0], out);
      out += ")";
      break;
    case ExprKind::Call:
      out += e.text;
      out += "(";
      join(", ", 0);
      out += ")";
      break;
    case ExprKind::Binary:
      out += "(";
      render(*e.args[0], out);
      out += " " + e.text + " ";
      render(*e.args[1], out);
      out += ")";
      break;
    case ExprKind::Subsearch:
      out += "[" + e.text + "]";
      break;
    case ExprKind::Negate:
      out += "(-";
      render(*e.args[0], out);
      out += ")";
      break;
  }
}

}  // namespace

std::string to_string(const Expr& e) {
  std::string out;
  render(e, out);
  return out;
}

}  // namespace splinter::spl
