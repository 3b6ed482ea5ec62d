#include "exec/eval_expr.h"

#include <algorithm>
#include <cmath>
#include <charconv>
#include <climits>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>

#include <openssl/evp.h>

#include "common/strings.h"
#include "common/timefmt.h"
#include "exec/search_predicate.h"
#include "spl/parser.h"

namespace splinter::exec {

using spl::ExprKind;
using R = EvalResult;

struct EvalExpr::Node {
  enum class K { Lit, Field, And, Or, Xor, Not, Cmp, Arith, Concat, Neg, Like, In, Call };
  K kind = K::Lit;
  Value lit;
  int field = -1;
  std::string op;
  std::vector<std::unique_ptr<Node>> args;
  std::function<R(const Node&, FieldAccess&)> fn;  // Call
  std::shared_ptr<Regex> regex;                    // match()/replace()/mvfind() with a literal pattern
  std::shared_ptr<SearchPredicate> search;         // searchmatch() of a literal search
  // A pattern computed per row (from a field): the last one compiled, so rows repeating
  // it do not compile it again.
  mutable std::shared_ptr<Regex> row_regex;
  mutable std::string row_pattern;
};
using Node = EvalExpr::Node;

bool R::truthy() const {
  if (boolean >= 0) return boolean == 1;
  // A non-boolean value in a condition: Splunk treats a present value as true.
  return !value.is_null();
}
Value R::to_value() const {
  if (boolean >= 0) return Value::of_bool(boolean == 1);
  return value;
}

static R val(Value v) { return R{std::move(v), -1}; }
static R boolean(bool b) { return R{Value{}, b ? 1 : 0}; }
static R null() { return R{}; }

static R eval_node(const Node& n, FieldAccess& f);

// Characters (UTF-8 code points) of s: its lead bytes, so a stray continuation byte
// of broken text joins the character before it.
static size_t utf8_length(std::string_view s) {
  size_t c = 0;
  for (unsigned char ch : s) c += (ch & 0xC0) != 0x80;
  return c;
}

// Byte position k characters after byte position i (at most s.size()).
static size_t utf8_advance(std::string_view s, size_t i, size_t k) {
  if (k == 0) return i;
  if (i == 0)  // stray continuation bytes at the start (broken text) go with the first character
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  for (; k > 0 && i < s.size(); --k)
    do ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80);
  return i;
}

static std::string text_of(const R& r) { return r.boolean >= 0 ? (r.boolean ? "true" : "false") : r.value.text(); }
static bool is_null(const R& r) { return r.boolean < 0 && r.value.is_null(); }

static int compare(const R& a, const R& b, bool& ok) {
  ok = true;
  double x, y;
  if (a.value.as_number(x) && b.value.as_number(y)) return x < y ? -1 : x > y ? 1 : 0;
  std::string s = text_of(a), t = text_of(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

// The single values of a result: each value of a multivalue, else the result itself.
static std::vector<R> singles(const R& r) {
  if (r.boolean >= 0 || r.value.type != Value::Type::Multi) return {r};
  std::vector<R> out;
  out.reserve(r.value.multi.size());
  for (auto& v : r.value.multi) out.push_back(R{Value::of(v), -1});
  return out;
}

// Decision (tests/golden/where_multivalue_any_value.test): an eval/where comparison with a
// multivalue operand holds when it holds for any one of its values, as search's field=value
// does; Splunk documents no other rule for eval comparisons on multivalue fields.
template <typename Test>
static bool any_pair(const R& a, const R& b, Test test) {
  if (a.value.type != Value::Type::Multi && b.value.type != Value::Type::Multi) return test(a, b);
  for (const R& x : singles(a))
    for (const R& y : singles(b))
      if (test(x, y)) return true;
  return false;
}

// SQL LIKE: % any run, _ one character; case-sensitive like the rest of eval.
static bool like_match(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '_' || (p[pi] != '%' && p[pi] == s[si]))) {
      ++si, ++pi;
    } else if (pi < p.size() && p[pi] == '%') {
      star_p = pi++;
      star_s = si;
    } else if (star_p != std::string_view::npos) {
      pi = star_p + 1;
      si = ++star_s;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

static R eval_node(const Node& n, FieldAccess& f) {
  using K = Node::K;
  switch (n.kind) {
    case K::Lit: return val(n.lit);
    case K::Field: {
      const Value* v = f.get(n.field);
      return v ? val(*v) : null();
    }
    case K::And:
      for (auto& a : n.args)
        if (!eval_node(*a, f).truthy()) return boolean(false);
      return boolean(true);
    case K::Or:
      for (auto& a : n.args)
        if (eval_node(*a, f).truthy()) return boolean(true);
      return boolean(false);
    case K::Xor: return boolean(eval_node(*n.args[0], f).truthy() != eval_node(*n.args[1], f).truthy());
    case K::Not: return boolean(!eval_node(*n.args[0], f).truthy());
    case K::Cmp: {
      R a = eval_node(*n.args[0], f), b = eval_node(*n.args[1], f);
      if (is_null(a) || is_null(b)) return boolean(false);
      const std::string& op = n.op;
      return boolean(any_pair(a, b, [&](const R& x, const R& y) {
        bool ok;
        const int c = compare(x, y, ok);
        if (op == "=" || op == "==") return c == 0;
        if (op == "!=") return c != 0;
        if (op == "<") return c < 0;
        if (op == "<=") return c <= 0;
        if (op == ">") return c > 0;
        return c >= 0;
      }));
    }
    case K::Like: {
      R a = eval_node(*n.args[0], f), b = eval_node(*n.args[1], f);
      if (is_null(a) || is_null(b)) return boolean(false);
      return boolean(any_pair(a, b, [](const R& x, const R& y) { return like_match(text_of(x), text_of(y)); }));
    }
    case K::In: {
      R a = eval_node(*n.args[0], f);
      if (is_null(a)) return boolean(false);
      for (size_t i = 1; i < n.args.size(); ++i) {
        R b = eval_node(*n.args[i], f);
        if (!is_null(b) && any_pair(a, b, [](const R& x, const R& y) {
              bool ok;
              return compare(x, y, ok) == 0;
            }))
          return boolean(true);
      }
      return boolean(false);
    }
    case K::Concat: {
      R a = eval_node(*n.args[0], f), b = eval_node(*n.args[1], f);
      if (is_null(a) || is_null(b)) return null();
      return val(Value::of(text_of(a) + text_of(b)));
    }
    case K::Arith: {
      R a = eval_node(*n.args[0], f), b = eval_node(*n.args[1], f);
      if (is_null(a) || is_null(b)) return null();
      double x, y;
      bool nx = a.value.as_number(x), ny = b.value.as_number(y);
      if (n.op == "+" && !(nx && ny)) return val(Value::of(text_of(a) + text_of(b)));
      if (!nx || !ny) return null();
      if (n.op == "+") return val(Value::of(x + y));
      if (n.op == "-") return val(Value::of(x - y));
      if (n.op == "*") return val(Value::of(x * y));
      if (y == 0) return null();
      if (n.op == "/") return val(Value::of(x / y));
      return val(Value::of(std::fmod(x, y)));
    }
    case K::Neg: {
      R a = eval_node(*n.args[0], f);
      double x;
      if (!a.value.as_number(x)) return null();
      return val(Value::of(-x));
    }
    case K::Call: return n.fn(n, f);
  }
  return null();
}

// ---- functions ---------------------------------------------------------------

using Fn = std::function<R(const Node&, FieldAccess&)>;
struct FnSpec {
  size_t min_args, max_args;
  Fn fn;
};

static R arg(const Node& n, FieldAccess& f, size_t i) { return eval_node(*n.args[i], f); }
static std::vector<std::string> mv(const R& r) {
  if (r.boolean >= 0) return {text_of(r)};
  return r.value.texts();
}
// A one-value text function applied to each value of a multivalue (decision,
// tests/golden/eval_multivalue_per_value.test: upper(m), len(m), trim(m) give one result
// per value rather than looking at the first value only).
template <typename Op>
static R per_value(const R& a, Op op) {
  if (is_null(a)) return null();
  if (a.boolean >= 0 || a.value.type != Value::Type::Multi) return val(op(text_of(a)));
  Value v;
  v.type = Value::Type::Multi;
  for (auto& one : a.value.multi) v.multi.push_back(op(one).text());
  return val(std::move(v));
}
static R string_fn(const Node& n, FieldAccess& f, std::string (*op)(std::string_view)) {
  return per_value(arg(n, f, 0), [op](std::string_view s) { return Value::of(op(s)); });
}

// The regex of argument i: the literal compiled with the expression, else the row's
// value compiled (kept while rows repeat it). Null when the value is null or invalid.
static const Regex* regex_arg(const Node& n, FieldAccess& f, size_t i) {
  if (n.regex) return n.regex.get();
  R p = arg(n, f, i);
  if (is_null(p)) return nullptr;
  std::string pat = text_of(p);
  if (!n.row_regex || pat != n.row_pattern) {
    n.row_regex.reset();
    n.row_pattern = pat;
    try {
      n.row_regex = std::make_shared<Regex>(pat);
    } catch (const std::exception&) {
      return nullptr;  // stays null for this pattern until another comes
    }
  }
  return n.row_regex.get();
}

// A multivalue result: null for no values, a single value for one, as Splunk shows them.
static R mv_result(std::vector<std::string> vs) {
  if (vs.empty()) return null();
  if (vs.size() == 1) return val(Value::of(std::move(vs[0])));
  Value v;
  v.type = Value::Type::Multi;
  v.multi = std::move(vs);
  return val(std::move(v));
}

// The row seen by mvmap()/mvfilter()'s expression: one field holds one value at a time.
class OneValueAccess : public FieldAccess {
 public:
  OneValueAccess(FieldAccess& base, int id, const Value& v) : base_(base), id_(id), v_(v) {}
  const Value* get(int id) override { return id == id_ ? &v_ : base_.get(id); }
  void all_values(std::vector<const Value*>& out) override { base_.all_values(out); }

 private:
  FieldAccess& base_;
  int id_;
  const Value& v_;
};

// Evaluates `expr` once per value of field `id`, that field holding just that value.
template <typename Each>
static void for_each_value(FieldAccess& f, int id, const Node& expr, Each each) {
  const Value* v = f.get(id);
  if (!v) return;
  for (auto& one : v->texts()) {
    Value cur = Value::of(one);
    OneValueAccess a(f, id, cur);
    each(one, eval_node(expr, a));
  }
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}


// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
static void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y = yoe + era * 400 + (m <= 2);
}

// Splunk's relative time modifier ("-1d@d", "@h", "+30m", "-7d@w1", "now"): offsets
// ([+|-]<int><unit>, 1 when the number is left out), then an optional @<unit> snap
// (down to the start of that unit; @w0..@w7 to that weekday, w0/w7 = Sunday) and
// offsets after it. Decisions: calendar units (mon, q, y) keep the day of month,
// clamped to the month's length; snapping and calendar arithmetic are in UTC (Splunk
// uses the user's time zone). False for a modifier it does not understand.
bool apply_relative_time(double t, std::string_view mod, double& out) {
  if (mod == "now" || mod.empty()) return out = t, true;
  int64_t secs = static_cast<int64_t>(std::floor(t));
  double frac = t - static_cast<double>(secs);
  auto unit_of = [](std::string_view u, char& kind, int64_t& mult) {
    static const std::pair<const char*, std::pair<char, int64_t>> units[] = {
        {"s", {'s', 1}},         {"sec", {'s', 1}},      {"secs", {'s', 1}},       {"second", {'s', 1}},
        {"seconds", {'s', 1}},   {"m", {'s', 60}},       {"min", {'s', 60}},       {"mins", {'s', 60}},
        {"minute", {'s', 60}},   {"minutes", {'s', 60}}, {"h", {'s', 3600}},       {"hr", {'s', 3600}},
        {"hrs", {'s', 3600}},    {"hour", {'s', 3600}},  {"hours", {'s', 3600}},   {"d", {'s', 86400}},
        {"day", {'s', 86400}},   {"days", {'s', 86400}}, {"w", {'s', 604800}},     {"week", {'s', 604800}},
        {"weeks", {'s', 604800}}, {"mon", {'M', 1}},     {"month", {'M', 1}},      {"months", {'M', 1}},
        {"q", {'M', 3}},         {"qtr", {'M', 3}},      {"qtrs", {'M', 3}},       {"quarter", {'M', 3}},
        {"quarters", {'M', 3}},  {"y", {'M', 12}},       {"yr", {'M', 12}},        {"yrs", {'M', 12}},
        {"year", {'M', 12}},     {"years", {'M', 12}}};
    for (auto& [name, km] : units)
      if (iequals(u, name)) return kind = km.first, mult = km.second, true;
    return false;
  };
  auto add_months = [&](int64_t months) {
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400, y, m, d;
    civil_from_days(days, y, m, d);
    int64_t total = y * 12 + (m - 1) + months;
    y = total >= 0 ? total / 12 : -((-total + 11) / 12);
    m = total - y * 12 + 1;
    static const int kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t len = kLen[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    secs = days_from_civil(y, m, std::min(d, len)) * 86400 + sod;
  };
  size_t i = 0;
  // Offsets until '@' or the end.
  auto offsets = [&]() -> bool {
    while (i < mod.size() && mod[i] != '@') {
      int sign = 1;
      if (mod[i] == '+' || mod[i] == '-') sign = mod[i++] == '-' ? -1 : 1;
      else return false;
      int64_t n = 0;
      size_t digits = 0;
      while (i < mod.size() && mod[i] >= '0' && mod[i] <= '9' && digits < 12) n = n * 10 + (mod[i++] - '0'), ++digits;
      if (!digits) n = 1;
      size_t u = i;
      while (i < mod.size() && std::isalpha(static_cast<unsigned char>(mod[i]))) ++i;
      char kind;
      int64_t mult;
      if (!unit_of(mod.substr(u, i - u), kind, mult)) return false;
      if (kind == 's') secs += sign * n * mult;
      else add_months(sign * n * mult);
    }
    return true;
  };
  if (!offsets()) return false;
  if (i < mod.size() && mod[i] == '@') {
    ++i;
    size_t u = i;
    while (i < mod.size() && std::isalnum(static_cast<unsigned char>(mod[i]))) ++i;
    std::string_view snap = mod.substr(u, i - u);
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    frac = 0;
    if (snap.size() == 2 && (snap[0] == 'w' || snap[0] == 'W') && snap[1] >= '0' && snap[1] <= '7') {
      const int64_t want = (snap[1] - '0') % 7;           // 0 = Sunday
      const int64_t dow = ((days % 7) + 7 + 4) % 7;        // 1970-01-01 was a Thursday
      secs = (days - ((dow - want + 7) % 7)) * 86400;
    } else {
      char kind;
      int64_t mult;
      if (!unit_of(snap, kind, mult)) return false;
      if (kind == 's') {
        if (mult == 604800) {  // @w: the week starts on Sunday
          const int64_t dow = ((days % 7) + 7 + 4) % 7;
          secs = (days - dow) * 86400;
        } else {
          secs = (secs >= 0 ? secs / mult : -((-secs + mult - 1) / mult)) * mult;
        }
      } else {
        int64_t y, m, d;
        civil_from_days(days, y, m, d);
        m = mult == 1 ? m : mult == 3 ? ((m - 1) / 3) * 3 + 1 : 1;
        secs = days_from_civil(y, m, 1) * 86400;
      }
    }
    if (!offsets()) return false;
  }
  out = static_cast<double>(secs) + frac;
  return true;
}


static bool parse_ipv4(std::string_view s, uint32_t& out) {
  out = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    uint32_t v = 0;
    size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 4) v = v * 10 + (s[i++] - '0'), ++digits;
    if (v > 255 || digits > 3) return false;
    out = (out << 8) | v;
    if (++parts < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

bool cidr_match(std::string_view cidr, std::string_view ip) {
  uint32_t net, addr;
  int bits = 32;
  if (auto slash = cidr.find('/'); slash != std::string_view::npos) {
    std::string_view b = cidr.substr(slash + 1);
    if (b.empty() || b.size() > 2 || !std::all_of(b.begin(), b.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    bits = std::stoi(std::string(b));
    if (bits > 32) return false;
    cidr = cidr.substr(0, slash);
  }
  if (!parse_ipv4(cidr, net) || !parse_ipv4(ip, addr)) return false;
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t(0) << (32 - bits);
  return (net & mask) == (addr & mask);
}

static R trim_fn(const Node& n, FieldAccess& f, bool left, bool right) {
  std::string chars = " \t";
  if (n.args.size() == 2) {
    R c = arg(n, f, 1);
    if (is_null(c)) return null();
    chars = text_of(c);
  }
  // Whole characters are compared, never single bytes: trim("è","é") must not strip the
  // lead byte the two share. A character found in chars starts at a lead byte there too.
  const std::string_view set = chars;
  return per_value(arg(n, f, 0), [&](std::string_view s) {
    size_t b = 0, e = s.size();
    if (left)
      while (b < e) {
        const size_t next = std::min(utf8_advance(s, b, 1), e);
        if (set.find(s.substr(b, next - b)) == std::string_view::npos) break;
        b = next;
      }
    if (right)
      while (e > b) {
        size_t start = e - 1;
        while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        if (set.find(s.substr(start, e - start)) == std::string_view::npos) break;
        e = start;
      }
    return Value::of(std::string(s.substr(b, e - b)));
  });
}

template <typename Op>
static R math1(const Node& n, FieldAccess& f, Op op) {
  double x;
  if (!arg(n, f, 0).value.as_number(x)) return null();
  const double r = op(x);
  return std::isfinite(r) ? val(Value::of(r)) : null();
}

static R min_max(const Node& n, FieldAccess& f, bool want_max) {
  bool have_num = false, have_str = false;
  double best_num = 0;
  std::string best_str;
  for (size_t i = 0; i < n.args.size(); ++i) {
    R a = arg(n, f, i);
    if (is_null(a)) continue;
    for (auto& v : mv(a)) {
      double x;
      if (parse_number(v, x)) {
        if (!have_num || (want_max ? x > best_num : x < best_num)) best_num = x;
        have_num = true;
      } else {
        if (!have_str || (want_max ? v > best_str : v < best_str)) best_str = v;
        have_str = true;
      }
    }
  }
  // Strings are greater than numbers.
  if (want_max ? have_str : !have_num && have_str) return val(Value::of(best_str));
  if (have_num) return val(Value::of(best_num));
  return null();
}

// Splunk's type of an argument: "Number", "String", "Boolean", "Multivalue" or "Invalid" (null).
static std::string type_name(const Node& n, FieldAccess& f) {
  R a = arg(n, f, 0);
  if (a.boolean >= 0) return "Boolean";
  double x;
  switch (a.value.type) {
    case Value::Type::Null: return "Invalid";
    case Value::Type::Num: return "Number";
    case Value::Type::Multi: return "Multivalue";
    case Value::Type::Str:
      // A field's value is typed from its text; a literal or a function's text stays text.
      return n.args[0]->kind == Node::K::Field && parse_number(a.value.str, x) ? "Number" : "String";
  }
  return "Invalid";
}

static R digest_fn(const Node& n, FieldAccess& f, const EVP_MD* md) {
  return per_value(arg(n, f, 0), [md](std::string_view s) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(s.data(), s.size(), out, &len, md, nullptr)) return Value();
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < len; ++i) hex += kHex[out[i] >> 4], hex += kHex[out[i] & 15];
    return Value::of(std::move(hex));
  });
}

// A time span such as "7d", "30m", "2h" in seconds (for mvrange's step).
static bool span_seconds(std::string_view s, double& out) {
  size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  double x;
  if (!i || !parse_number(s.substr(0, i), x)) return false;
  std::string u = to_lower(s.substr(i));
  static const std::pair<const char*, double> units[] = {
      {"s", 1}, {"sec", 1}, {"secs", 1}, {"m", 60}, {"min", 60}, {"mins", 60}, {"h", 3600}, {"hr", 3600},
      {"hrs", 3600}, {"d", 86400}, {"day", 86400}, {"days", 86400}, {"w", 604800}, {"week", 604800}, {"weeks", 604800}};
  for (auto& [name, mult] : units)
    if (u == name) return out = x * mult, true;
  return false;
}

static std::string group_thousands(const std::string& s) {
  // Commas into the first run of digits (the integer part).
  size_t b = s.find_first_of("0123456789");
  if (b == std::string::npos) return s;
  size_t e = b;
  while (e < s.size() && s[e] >= '0' && s[e] <= '9') ++e;
  std::string out = s.substr(0, b);
  for (size_t i = b; i < e; ++i) {
    if (i > b && (e - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out + s.substr(e);
}

static std::string splunk_printf(const std::string& fmt, const std::vector<R>& args) {
  std::string out;
  size_t next = 0;
  auto take = [&]() -> const R* { return next < args.size() ? &args[next++] : nullptr; };
  auto take_int = [&]() {
    double x = 0;
    const R* r = take();
    if (r) r->value.as_number(x);
    return static_cast<int>(std::clamp(x, -1000.0, 1000.0));
  };
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    size_t j = i + 1;
    std::string flags;
    bool thousands = false;
    while (j < fmt.size() && std::string_view("-+ #0'").find(fmt[j]) != std::string_view::npos) {
      if (fmt[j] == '\'') thousands = true;
      else flags += fmt[j];
      ++j;
    }
    std::string width, prec;
    if (j < fmt.size() && fmt[j] == '*') width = std::to_string(take_int()), ++j;
    else
      while (j < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[j])) && width.size() < 4) width += fmt[j++];
    if (j < fmt.size() && fmt[j] == '.') {
      prec = ".";
      ++j;
      if (j < fmt.size() && fmt[j] == '*') prec += std::to_string(std::max(0, take_int())), ++j;
      else
        while (j < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[j])) && prec.size() < 4) prec += fmt[j++];
    }
    while (j < fmt.size() && std::string_view("hlLqjzt").find(fmt[j]) != std::string_view::npos) ++j;  // length modifiers
    if (j >= fmt.size()) {
      out += fmt.substr(i);
      break;
    }
    const char conv = fmt[j];
    if (conv == '%') {
      out += '%';
      i = j;
      continue;
    }
    if (std::string_view("diuoxXfFeEgGaAsc").find(conv) == std::string_view::npos) {
      out += fmt.substr(i, j - i + 1);  // not a conversion: kept as written
      i = j;
      continue;
    }
    i = j;
    const R* a = take();
    const std::string spec = "%" + flags + width + prec;
    char buf[512];
    std::string piece;
    double x = 0;
    const bool numeric = a && !is_null(*a) && a->value.as_number(x);
    switch (conv) {
      case 'd':
      case 'i': {
        const long long v = std::isfinite(x) ? static_cast<long long>(std::clamp(x, -9.2e18, 9.2e18)) : 0;
        std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), v);
        piece = buf;
        break;
      }
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        const long long v = std::isfinite(x) ? static_cast<long long>(std::clamp(x, -9.2e18, 9.2e18)) : 0;
        std::snprintf(buf, sizeof buf, (spec + "ll" + conv).c_str(), static_cast<unsigned long long>(v));
        piece = buf;
        break;
      }
      case 's':
      case 'c': {
        if (conv == 'c' && numeric) {
          std::snprintf(buf, sizeof buf, (spec + "c").c_str(), static_cast<int>(x) & 0xFF);
          piece = buf;
          break;
        }
        // Width and precision count characters, as len() and substr() do (snprintf counts
        // bytes: "%.1s" would cut a character in half, "%-6s" pad 日本 short). %c of text
        // is its first character.
        piece = a && !is_null(*a) ? text_of(*a) : "";
        if (conv == 'c') piece.resize(utf8_advance(piece, 0, 1));
        else if (!prec.empty())  // "." alone is precision 0, as in C
          piece.resize(utf8_advance(piece, 0, prec.size() > 1 ? size_t(std::stoi(prec.substr(1))) : 0));
        const int w = width.empty() ? 0 : std::stoi(width);  // "*" may give a negative width: left-justified
        const size_t chars = utf8_length(piece), want = size_t(w < 0 ? -w : w);
        if (chars < want) {
          if (w < 0 || flags.find('-') != std::string::npos) piece.append(want - chars, ' ');
          else piece.insert(0, want - chars, ' ');
        }
        break;
      }
      default:
        std::snprintf(buf, sizeof buf, (spec + conv).c_str(), numeric ? x : 0.0);
        piece = buf;
        break;
    }
    out += thousands ? group_thousands(piece) : piece;
  }
  return out;
}

// Value and precision of an expression for sigfig(): significant figures of a number as
// written, and its decimal places.
struct Sig {
  double value = 0;
  int figs = 15, decimals = 15;
};
static void sig_from_text(std::string_view t, Sig& s) {
  std::string_view m = t.substr(0, t.find_first_of("eE"));
  if (!m.empty() && (m[0] == '-' || m[0] == '+')) m.remove_prefix(1);
  const size_t dot = m.find('.');
  s.decimals = dot == std::string_view::npos ? 0 : static_cast<int>(m.size() - dot - 1);
  std::string digits;
  for (char c : m)
    if (c != '.') digits += c;
  const size_t lead = digits.find_first_not_of('0');
  if (lead == std::string::npos) {
    s.figs = 1;
    return;
  }
  std::string sig = digits.substr(lead);
  // Trailing zeros of a whole number without a decimal point are not significant.
  if (dot == std::string_view::npos)
    while (sig.size() > 1 && sig.back() == '0') sig.pop_back();
  s.figs = static_cast<int>(sig.size());
}
static bool sig_of(const Node& n, FieldAccess& f, Sig& s) {
  using K = Node::K;
  if (n.kind == K::Arith && (n.op == "+" || n.op == "-" || n.op == "*" || n.op == "/")) {
    Sig a, b;
    if (!sig_of(*n.args[0], f, a) || !sig_of(*n.args[1], f, b)) return false;
    if (n.op == "*" || n.op == "/") {
      if (n.op == "/" && b.value == 0) return false;
      s.value = n.op == "*" ? a.value * b.value : a.value / b.value;
      s.figs = std::min(a.figs, b.figs);
      s.decimals = 15;
      // Expressed as decimals: figures left after the integer digits.
      const int int_digits = s.value == 0 ? 1 : static_cast<int>(std::floor(std::log10(std::fabs(s.value)))) + 1;
      s.decimals = s.figs - int_digits;
      return true;
    }
    s.value = n.op == "+" ? a.value + b.value : a.value - b.value;
    s.decimals = std::min(a.decimals, b.decimals);
    const int int_digits = s.value == 0 ? 1 : static_cast<int>(std::floor(std::log10(std::fabs(s.value)))) + 1;
    s.figs = int_digits + s.decimals;
    return true;
  }
  if (n.kind == K::Lit && n.lit.type == Value::Type::Num && !n.op.empty()) {
    s.value = n.lit.num;
    sig_from_text(n.op, s);  // the literal as written
    return true;
  }
  R r = eval_node(n, f);
  if (!r.value.as_number(s.value)) return false;
  if (r.value.type == Value::Type::Str) sig_from_text(trim(r.value.str), s);
  else sig_from_text(format_number(s.value), s);
  return true;
}
static double round_sig(const Sig& s) {
  // Round to the place the decimals name (negative: tens, hundreds, ...).
  const double m = std::pow(10.0, s.decimals);
  return std::round(s.value * m) / m;
}

static const std::map<std::string, FnSpec>& functions() {
  static const std::map<std::string, FnSpec> fns = {
      {"match", {2, 2, [](const Node& n, FieldAccess& f) {
         R s = arg(n, f, 0);
         if (is_null(s)) return boolean(false);
         const Regex* re = regex_arg(n, f, 1);
         if (!re) return boolean(false);
         for (auto& v : mv(s))
           if (re->search(v)) return boolean(true);
         return boolean(false);
       }}},
      {"like", {2, 2, [](const Node& n, FieldAccess& f) {
         R a = arg(n, f, 0), b = arg(n, f, 1);
         if (is_null(a) || is_null(b)) return boolean(false);
         return boolean(any_pair(a, b, [](const R& x, const R& y) { return like_match(text_of(x), text_of(y)); }));
       }}},
      {"isnull", {1, 1, [](const Node& n, FieldAccess& f) { return boolean(is_null(arg(n, f, 0))); }}},
      {"isnotnull", {1, 1, [](const Node& n, FieldAccess& f) { return boolean(!is_null(arg(n, f, 0))); }}},
      {"null", {0, 0, [](const Node&, FieldAccess&) { return null(); }}},
      {"true", {0, 0, [](const Node&, FieldAccess&) { return boolean(true); }}},
      {"false", {0, 0, [](const Node&, FieldAccess&) { return boolean(false); }}},
      {"lower", {1, 1, [](const Node& n, FieldAccess& f) { return string_fn(n, f, to_lower); }}},
      {"upper", {1, 1, [](const Node& n, FieldAccess& f) { return string_fn(n, f, to_upper); }}},
      {"len", {1, 1, [](const Node& n, FieldAccess& f) {
         // Characters, not bytes.
         return per_value(arg(n, f, 0), [](std::string_view s) { return Value::of(double(utf8_length(s))); });
       }}},
      {"if", {3, 3, [](const Node& n, FieldAccess& f) { return arg(n, f, 0).truthy() ? arg(n, f, 1) : arg(n, f, 2); }}},
      {"case", {2, 1000, [](const Node& n, FieldAccess& f) {
         for (size_t i = 0; i + 1 < n.args.size(); i += 2)
           if (arg(n, f, i).truthy()) return arg(n, f, i + 1);
         return null();
       }}},
      {"coalesce", {1, 1000, [](const Node& n, FieldAccess& f) {
         for (size_t i = 0; i < n.args.size(); ++i) {
           R r = arg(n, f, i);
           if (!is_null(r)) return r;
         }
         return null();
       }}},
      {"tostring", {1, 2, [](const Node& n, FieldAccess& f) {
         R a = arg(n, f, 0);
         if (is_null(a)) return null();
         double x;
         if (n.args.size() < 2 || !a.value.as_number(x) || !std::isfinite(x)) return val(Value::of(text_of(a)));
         // Splunk's formats for a number: "hex" 0xFF, "commas" 12,345.68, "duration" [D+]HH:MM:SS.
         const std::string how = to_lower(text_of(arg(n, f, 1)));
         char buf[64];
         if (how == "hex") {
           if (std::fabs(x) >= 9.2e18) return val(Value::of(text_of(a)));
           const long long v = static_cast<long long>(x);
           std::snprintf(buf, sizeof buf, "%s0x%llX", v < 0 ? "-" : "", static_cast<unsigned long long>(v < 0 ? -v : v));
           return val(Value::of(std::string(buf)));
         }
         if (how == "commas") {
           std::snprintf(buf, sizeof buf, "%.2f", std::fabs(x));
           std::string digits(buf), frac;
           const size_t dot = digits.find('.');
           if (x != std::floor(x)) frac = digits.substr(dot);
           digits.resize(dot);
           std::string out = x < 0 ? "-" : "";
           for (size_t i = 0; i < digits.size(); ++i) {
             if (i && (digits.size() - i) % 3 == 0) out += ',';
             out += digits[i];
           }
           return val(Value::of(out + frac));
         }
         if (how == "duration") {
           if (std::fabs(x) >= 9.2e15) return val(Value::of(text_of(a)));
           long long t = static_cast<long long>(std::fabs(x));
           const long long d = t / 86400;
           t %= 86400;
           std::snprintf(buf, sizeof buf, "%s%s%02lld:%02lld:%02lld", x < 0 ? "-" : "",
                         d ? (std::to_string(d) + "+").c_str() : "", t / 3600, t / 60 % 60, t % 60);
           return val(Value::of(std::string(buf)));
         }
         return val(Value::of(text_of(a)));
       }}},
      {"tonumber", {1, 2, [](const Node& n, FieldAccess& f) {
         R a = arg(n, f, 0);
         if (n.args.size() == 2) {
           // tonumber(str, base): an integer written in base 2..36 ("0A4", 16 -> 164).
           double b;
           if (!arg(n, f, 1).value.as_number(b) || b < 2 || b > 36 || is_null(a)) return null();
           std::string s(trim(text_of(a)));
           bool neg = !s.empty() && s[0] == '-';
           std::string_view digits = std::string_view(s).substr(neg || (!s.empty() && s[0] == '+'));
           long long v = 0;
           auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, int(b));
           if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return null();
           return val(Value::of(double(neg ? -v : v)));
         }
         double x;
         if (a.value.as_number(x)) return val(Value::of(x));
         return null();
       }}},
      // Splunk (Text functions): trim(X,Y)/ltrim(X,Y)/rtrim(X,Y) remove the characters in Y
      // from both ends / the left / the right of X; Y defaults to spaces and tabs.
      {"trim", {1, 2, [](const Node& n, FieldAccess& f) { return trim_fn(n, f, true, true); }}},
      {"ltrim", {1, 2, [](const Node& n, FieldAccess& f) { return trim_fn(n, f, true, false); }}},
      {"rtrim", {1, 2, [](const Node& n, FieldAccess& f) { return trim_fn(n, f, false, true); }}},
      {"replace", {3, 3, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0), r = arg(n, f, 2);
         if (is_null(a) || is_null(r)) return null();
         const Regex* re = regex_arg(n, f, 1);
         if (!re) return null();
         std::string out;
         if (!re->replace_all(text_of(a), text_of(r), out)) return null();
         return val(Value::of(out));
       }}},
      {"substr", {2, 3, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0), st = arg(n, f, 1);
         double start, len = -1;
         if (is_null(a) || !st.value.as_number(start)) return null();
         if (n.args.size() == 3 && !arg(n, f, 2).value.as_number(len)) return null();
         std::string s = text_of(a);
         // 1-based; negative counts from the end. Decision (tests/golden/eval_substr_start_zero.test):
         // a start of 0 (or before the string) is a position before the first character,
         // which the length still counts, so substr("hello",0,2) is "h".
         // Positions count characters (UTF-8 code points), as len() and Splunk do: a cut
         // inside a character would leave half of it.
         const long chars = static_cast<long>(utf8_length(s));
         long b = static_cast<long>(start);
         long e = len < 0 ? LONG_MAX : b + static_cast<long>(len);  // end, exclusive, in the same positions
         if (b < 0) {
           b += chars + 1;
           if (len >= 0) e = b + static_cast<long>(len);
         }
         const long first = std::max(b, 1L), last = std::min(e, chars + 1);
         if (first >= last) return val(Value::of(std::string()));
         const size_t from = utf8_advance(s, 0, static_cast<size_t>(first - 1));
         const size_t to = utf8_advance(s, from, static_cast<size_t>(last - first));
         s.resize(to);  // cut in place: no second string
         s.erase(0, from);
         return val(Value::of(std::move(s)));
       }}},
      {"mvcount", {1, 1, [](const Node& n, FieldAccess& f) {
         R a = arg(n, f, 0);
         if (is_null(a)) return null();
         return val(Value::of(static_cast<double>(mv(a).size())));
       }}},
      {"mvindex", {2, 3, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0);
         double s, e;
         if (is_null(a) || !arg(n, f, 1).value.as_number(s)) return null();
         auto vs = mv(a);
         long sz = static_cast<long>(vs.size());
         long b = static_cast<long>(s) < 0 ? sz + static_cast<long>(s) : static_cast<long>(s);
         long en = b;
         if (n.args.size() == 3) {
           if (!arg(n, f, 2).value.as_number(e)) return null();
           en = static_cast<long>(e) < 0 ? sz + static_cast<long>(e) : static_cast<long>(e);
         }
         if (b < 0 || b >= sz || en < b) return null();
         en = std::min(en, sz - 1);
         if (en == b) return val(Value::of(vs[b]));
         Value v;
         v.type = Value::Type::Multi;
         v.multi.assign(vs.begin() + b, vs.begin() + en + 1);
         return val(v);
       }}},
      {"mvjoin", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0), d = arg(n, f, 1);
         if (is_null(a)) return null();
         std::string out, delim = text_of(d);
         auto vs = mv(a);
         for (size_t i = 0; i < vs.size(); ++i) out += (i ? delim : "") + vs[i];
         return val(Value::of(out));
       }}},
      {"split", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0), d = arg(n, f, 1);
         if (is_null(a)) return null();
         std::string s = text_of(a), delim = text_of(d);
         Value v;
         v.type = Value::Type::Multi;
         if (delim.empty()) {
           for (char c : s) v.multi.emplace_back(1, c);
         } else {
           size_t pos = 0, hit;
           while ((hit = s.find(delim, pos)) != std::string::npos) v.multi.push_back(s.substr(pos, hit - pos)), pos = hit + delim.size();
           v.multi.push_back(s.substr(pos));
         }
         return val(v);
       }}},
      // Splunk (Multivalue eval functions): mvfind(<mv>, <regex>) is "the index of the
      // first value that matches the regular expression" (from 0), null when none does.
      {"mvfind", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0);
         const Regex* re = is_null(a) ? nullptr : regex_arg(n, f, 1);
         if (!re) return null();
         auto vs = mv(a);
         for (size_t i = 0; i < vs.size(); ++i)
           if (re->search(vs[i])) return val(Value::of(static_cast<double>(i)));
         return null();
       }}},
      // mvzip(<mv_left>, <mv_right>[, <delim>]): "combines the values in two multivalue
      // fields", pairwise, joined by the delimiter (default a comma); as many pairs as the
      // shorter field has values.
      {"mvzip", {2, 3, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0), b = arg(n, f, 1);
         if (is_null(a) || is_null(b)) return null();
         std::string delim = ",";
         if (n.args.size() == 3) {
           R d = arg(n, f, 2);
           if (is_null(d)) return null();
           delim = text_of(d);
         }
         auto x = mv(a), y = mv(b);
         std::vector<std::string> out;
         for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) out.push_back(x[i] + delim + y[i]);
         return mv_result(std::move(out));
       }}},
      // mvappend(<values>...): every value of every argument in order; nulls add nothing.
      {"mvappend", {1, 1000, [](const Node& n, FieldAccess& f) -> R {
         std::vector<std::string> out;
         for (size_t i = 0; i < n.args.size(); ++i)
           for (auto& v : mv(arg(n, f, i))) out.push_back(std::move(v));
         return mv_result(std::move(out));
       }}},
      // mvdedup(<mv>): "removes all of the duplicate values", keeping the first of each.
      {"mvdedup", {1, 1, [](const Node& n, FieldAccess& f) -> R {
         std::vector<std::string> out;
         for (auto& v : mv(arg(n, f, 0)))
           if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(std::move(v));
         return mv_result(std::move(out));
       }}},
      // mvmap(<mv>, <expression>): the expression evaluated for each value of the field,
      // which stands for that one value inside it; null results are left out, so
      // ESCU's mvmap(x, if(cond, x, null())) filters.
      {"mvmap", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         std::vector<std::string> out;
         for_each_value(f, n.args[0]->field, *n.args[1], [&](const std::string&, const R& r) {
           if (!is_null(r)) out.push_back(text_of(r));
         });
         return mv_result(std::move(out));
       }}},
      // mvfilter(<predicate>): the values of the one field the predicate names for which
      // it holds (null when none).
      {"mvfilter", {1, 1, [](const Node& n, FieldAccess& f) -> R {
         std::vector<std::string> out;
         for_each_value(f, n.field, *n.args[0], [&](const std::string& v, const R& r) {
           if (r.truthy()) out.push_back(v);
         });
         return mv_result(std::move(out));
       }}},
      // urldecode(<url>): "replaces URL escaped characters with the original characters":
      // each %XX becomes its byte; a '%' not followed by two hex digits, and '+', stay.
      {"urldecode", {1, 1, [](const Node& n, FieldAccess& f) {
         return string_fn(n, f, [](std::string_view s) {
           std::string out;
           out.reserve(s.size());
           for (size_t i = 0; i < s.size(); ++i) {
             int hi, lo;
             if (s[i] == '%' && i + 2 < s.size() && (hi = hex_digit(s[i + 1])) >= 0 && (lo = hex_digit(s[i + 2])) >= 0) {
               out += static_cast<char>(hi * 16 + lo);
               i += 2;
             } else {
               out += s[i];
             }
           }
           return out;
         });
       }}},
      {"pow", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         double x, y;
         if (!arg(n, f, 0).value.as_number(x) || !arg(n, f, 1).value.as_number(y)) return null();
         const double r = std::pow(x, y);
         return std::isfinite(r) ? val(Value::of(r)) : null();
       }}},
      {"abs", {1, 1, [](const Node& n, FieldAccess& f) -> R {
         double x;
         return arg(n, f, 0).value.as_number(x) ? val(Value::of(std::fabs(x))) : null();
       }}},
      {"round", {1, 2, [](const Node& n, FieldAccess& f) -> R {
         double x, d = 0;
         if (!arg(n, f, 0).value.as_number(x)) return null();
         if (n.args.size() == 2) arg(n, f, 1).value.as_number(d);
         double m = std::pow(10.0, d);
         return val(Value::of(std::round(x * m) / m));
       }}},
      {"floor", {1, 1, [](const Node& n, FieldAccess& f) -> R {
         double x;
         return arg(n, f, 0).value.as_number(x) ? val(Value::of(std::floor(x))) : null();
       }}},
      {"ceiling", {1, 1, [](const Node& n, FieldAccess& f) -> R {
         double x;
         return arg(n, f, 0).value.as_number(x) ? val(Value::of(std::ceil(x))) : null();
       }}},
      // Splunk (eval functions, cidrmatch): true when the IP address is in the subnet; an
      // address that is not IPv4 (or a null) gives false. Decision: IPv6 is not matched.
      {"cidrmatch", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         R c = arg(n, f, 0), ip = arg(n, f, 1);
         if (is_null(c) || is_null(ip)) return boolean(false);
         const std::string cs = text_of(c);
         for (auto& v : mv(ip))
           if (cidr_match(cs, v)) return boolean(true);
         return boolean(false);
       }}},
      {"relative_time", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         double t, out;
         if (!arg(n, f, 0).value.as_number(t)) return null();
         return apply_relative_time(t, text_of(arg(n, f, 1)), out) ? val(Value::of(out)) : null();
       }}},
      {"now", {0, 0, [](const Node&, FieldAccess&) { return val(Value::of(static_cast<double>(std::time(nullptr)))); }}},
      {"strftime", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         int64_t t;  // microseconds: exact for _time, whatever the date
         if (!arg(n, f, 0).value.as_time_us(t)) return null();
         return val(Value::of(format_time_us(t, text_of(arg(n, f, 1)))));
       }}},
      // strptime(<str>, <format>): the time the text holds, read by the format, as epoch
      // seconds; null when the text does not match.
      {"strptime", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0), fmt = arg(n, f, 1);
         int64_t us;
         if (is_null(a) || is_null(fmt) || !parse_time_us(text_of(a), text_of(fmt), us)) return null();
         return val(Value::of_time_us(us));
       }}},
      {"ceil", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::ceil(x); }); }}},
      {"sqrt", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::sqrt(x); }); }}},
      {"exp", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::exp(x); }); }}},
      {"ln", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::log(x); }); }}},
      // log(<num>[, <base>]): the base defaults to 10.
      {"log", {1, 2, [](const Node& n, FieldAccess& f) -> R {
         double x, b = 10;
         if (!arg(n, f, 0).value.as_number(x)) return null();
         if (n.args.size() == 2 && !arg(n, f, 1).value.as_number(b)) return null();
         const double r = std::log(x) / std::log(b);
         return std::isfinite(r) ? val(Value::of(r)) : null();
       }}},
      {"pi", {0, 0, [](const Node&, FieldAccess&) { return val(Value::of(M_PI)); }}},
      {"sin", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::sin(x); }); }}},
      {"cos", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::cos(x); }); }}},
      {"tan", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::tan(x); }); }}},
      {"asin", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::asin(x); }); }}},
      {"acos", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::acos(x); }); }}},
      {"atan", {1, 1, [](const Node& n, FieldAccess& f) { return math1(n, f, [](double x) { return std::atan(x); }); }}},
      {"atan2", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         double y, x;
         if (!arg(n, f, 0).value.as_number(y) || !arg(n, f, 1).value.as_number(x)) return null();
         return val(Value::of(std::atan2(y, x)));
       }}},
      {"hypot", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         double x, y;
         if (!arg(n, f, 0).value.as_number(x) || !arg(n, f, 1).value.as_number(y)) return null();
         return val(Value::of(std::hypot(x, y)));
       }}},
      // exact(<expr>): Splunk's full-precision arithmetic; splinter's is always double precision.
      {"exact", {1, 1, [](const Node& n, FieldAccess& f) { return arg(n, f, 0); }}},
      // min/max(<values>...): over every value of every argument; numbers compare as numbers
      // and are less than strings, strings compare lexicographically (Statistical eval functions).
      {"min", {1, 1000, [](const Node& n, FieldAccess& f) { return min_max(n, f, false); }}},
      {"max", {1, 1000, [](const Node& n, FieldAccess& f) { return min_max(n, f, true); }}},
      // nullif(X, Y): X, or null when X equals Y.
      {"nullif", {2, 2, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0), b = arg(n, f, 1);
         bool ok;
         if (!is_null(a) && !is_null(b) && compare(a, b, ok) == 0) return null();
         return a;
       }}},
      // validate(<cond>, <value>, ...): the value paired with the first condition that is
      // false; null when all hold.
      {"validate", {2, 1000, [](const Node& n, FieldAccess& f) -> R {
         if (n.args.size() % 2) return null();
         for (size_t i = 0; i + 1 < n.args.size(); i += 2)
           if (!arg(n, f, i).truthy()) return arg(n, f, i + 1);
         return null();
       }}},
      // in(<value>, <list>...): true when the value (any value of a multivalue) equals one in the list.
      {"in", {2, 1000, [](const Node& n, FieldAccess& f) -> R {
         R a = arg(n, f, 0);
         if (is_null(a)) return boolean(false);
         for (size_t i = 1; i < n.args.size(); ++i) {
           R b = arg(n, f, i);
           if (!is_null(b) && any_pair(a, b, [](const R& x, const R& y) {
                 bool ok;
                 return compare(x, y, ok) == 0;
               }))
             return boolean(true);
         }
         return boolean(false);
       }}},
      // Type tests (Informational functions). A field's text that reads as a number is a
      // number (Splunk types field values); a quoted literal and text functions' results are strings.
      {"isnum", {1, 1, [](const Node& n, FieldAccess& f) { return boolean(type_name(n, f) == "Number"); }}},
      {"isint", {1, 1, [](const Node& n, FieldAccess& f) -> R {
         if (type_name(n, f) != "Number") return boolean(false);
         double x;
         return boolean(arg(n, f, 0).value.as_number(x) && std::isfinite(x) && x == std::floor(x));
       }}},
      {"isstr", {1, 1, [](const Node& n, FieldAccess& f) { return boolean(type_name(n, f) == "String"); }}},
      {"isbool", {1, 1, [](const Node& n, FieldAccess& f) { return boolean(type_name(n, f) == "Boolean"); }}},
      {"typeof", {1, 1, [](const Node& n, FieldAccess& f) { return val(Value::of(type_name(n, f))); }}},
      {"md5", {1, 1, [](const Node& n, FieldAccess& f) { return digest_fn(n, f, EVP_md5()); }}},
      {"sha1", {1, 1, [](const Node& n, FieldAccess& f) { return digest_fn(n, f, EVP_sha1()); }}},
      {"sha256", {1, 1, [](const Node& n, FieldAccess& f) { return digest_fn(n, f, EVP_sha256()); }}},
      {"sha512", {1, 1, [](const Node& n, FieldAccess& f) { return digest_fn(n, f, EVP_sha512()); }}},
      // mvsort(<mv>): the values sorted lexicographically (numbers as text, as Splunk does).
      {"mvsort", {1, 1, [](const Node& n, FieldAccess& f) -> R {
         auto vs = mv(arg(n, f, 0));
         std::sort(vs.begin(), vs.end());
         return mv_result(std::move(vs));
       }}},
      // mvrange(<start>, <end>[, <step>]): start, start+step, ... below end (end excluded);
      // the step is a number (default 1) or a time span such as "7d".
      {"mvrange", {2, 3, [](const Node& n, FieldAccess& f) -> R {
         double a, b, step = 1;
         if (!arg(n, f, 0).value.as_number(a) || !arg(n, f, 1).value.as_number(b)) return null();
         if (n.args.size() == 3) {
           R st = arg(n, f, 2);
           if (!st.value.as_number(step) && !span_seconds(text_of(st), step)) return null();
         }
         if (!(step != 0) || !std::isfinite(step) || (b - a) / step > 100000) return null();  // at most 100000 values
         std::vector<std::string> out;
         for (double x = a; step > 0 ? x < b : x > b; x += step) out.push_back(format_number(x));
         return mv_result(std::move(out));
       }}},
      // printf(<format>, <args>...): C-style conversions %d %i %u %o %x %X %f %F %e %E %g %G
      // %a %A %s %c %%, with flags (- + space # 0 '), width and precision (also *).
      {"printf", {1, 1000, [](const Node& n, FieldAccess& f) -> R {
         R fmt = arg(n, f, 0);
         if (is_null(fmt)) return null();
         std::vector<R> args;
         for (size_t i = 1; i < n.args.size(); ++i) args.push_back(arg(n, f, i));
         return val(Value::of(splunk_printf(text_of(fmt), args)));
       }}},
      // urlencode is not a Splunk eval function; splinter has urldecode only.
      // searchmatch(<search>): true when the row matches the search string (search
      // semantics: case-insensitive, wildcards). The search must be a literal.
      {"searchmatch", {1, 1, [](const Node& n, FieldAccess& f) -> R {
         return boolean(n.search && n.search->matches(f));
       }}},
      // sigfig(<num>): rounded to the significant figures of the operands of its
      // arithmetic: * and / keep the fewest significant figures, + and - the fewest decimals.
      {"sigfig", {1, 1, [](const Node& n, FieldAccess& f) -> R {
         Sig s;
         if (!sig_of(*n.args[0], f, s) || !std::isfinite(s.value)) return null();
         return val(Value::of(round_sig(s)));
       }}},
  };
  return fns;
}

std::vector<std::string> eval_function_names() {
  std::vector<std::string> out;
  for (auto& [k, v] : functions()) out.push_back(k);
  return out;
}

static void collect_fields(const Node& n, std::vector<int>& ids) {
  if (n.kind == Node::K::Field && std::find(ids.begin(), ids.end(), n.field) == ids.end()) ids.push_back(n.field);
  for (auto& a : n.args) collect_fields(*a, ids);
}

static std::unique_ptr<Node> build(const spl::Expr& e, FieldResolver& fields, int depth) {
  if (depth > 200) throw spl::Error("eval expression nested too deeply", e.span.begin);
  auto n = std::make_unique<Node>();
  using K = Node::K;
  auto kids = [&] {
    for (auto& a : e.args) n->args.push_back(build(*a, fields, depth + 1));
  };
  switch (e.kind) {
    case ExprKind::Literal:
      n->kind = K::Lit;
      n->lit = e.number ? Value::of(e.num) : Value::of(e.text);
      if (e.number) n->op = e.text;  // as written, for sigfig()
      break;
    case ExprKind::Field:
      n->kind = K::Field;
      n->field = fields.resolve(e.text);
      break;
    case ExprKind::And: n->kind = K::And, kids(); break;
    case ExprKind::Or: n->kind = K::Or, kids(); break;
    case ExprKind::Not: n->kind = K::Not, kids(); break;
    case ExprKind::Negate: n->kind = K::Neg, kids(); break;
    case ExprKind::In: n->kind = K::In, kids(); break;
    case ExprKind::Subsearch: throw spl::Error("a [subsearch] is not allowed in an eval expression", e.span.begin);
    case ExprKind::Compare:
    case ExprKind::Binary: {
      const std::string& op = e.text;
      kids();
      n->op = op;
      if (op == "XOR") n->kind = K::Xor;
      else if (iequals(op, "LIKE")) n->kind = K::Like;
      else if (op == ".") n->kind = K::Concat;
      else if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") n->kind = K::Arith;
      else n->kind = K::Cmp;
      if (n->args.size() != 2) throw spl::Error("operator " + op + " needs two operands", e.span.begin);
      break;
    }
    case ExprKind::Call: {
      std::string name = to_lower(e.text);
      auto it = functions().find(name);
      if (it == functions().end())
        throw spl::Error("unsupported eval function " + e.text + "()", e.span.begin);
      if (e.args.size() < it->second.min_args || e.args.size() > it->second.max_args)
        throw spl::Error("wrong number of arguments to " + e.text + "()", e.span.begin);
      n->kind = K::Call;
      n->op = name;
      n->fn = it->second.fn;
      kids();
      if (name == "mvmap" && n->args[0]->kind != K::Field)
        throw spl::Error("mvmap() needs a field as its first argument", e.args[0]->span.begin);
      if (name == "mvfilter") {
        // Splunk: the expression "can reference only one field"; that field's values are filtered.
        std::vector<int> ids;
        collect_fields(*n->args[0], ids);
        if (ids.size() != 1) throw spl::Error("mvfilter() must name exactly one field", e.span.begin);
        n->field = ids[0];
      }
      if (name == "searchmatch") {
        if (e.args[0]->kind != ExprKind::Literal || e.args[0]->number)
          throw spl::Error("searchmatch() needs a quoted search string", e.args[0]->span.begin);
        try {
          auto parsed = spl::parse_search_expression(e.args[0]->text);
          n->search = std::make_shared<SearchPredicate>(SearchPredicate::compile(parsed.get(), fields, true));
        } catch (const spl::Error& ex) {
          throw spl::Error(std::string("in searchmatch(): ") + ex.what(), e.args[0]->span.begin);
        }
      }
      if ((name == "match" || name == "replace" || name == "mvfind") && e.args[1]->kind == ExprKind::Literal) {
        try {
          n->regex = std::make_shared<Regex>(e.args[1]->text);
        } catch (const std::invalid_argument& ex) {
          throw spl::Error(ex.what(), e.args[1]->span.begin);
        }
      }
      break;
    }
    case ExprKind::Term:
      // A bare word in eval is a field name.
      n->kind = K::Field;
      n->field = fields.resolve(e.text);
      break;
  }
  return n;
}

EvalExpr::EvalExpr() = default;
EvalExpr::~EvalExpr() = default;
EvalExpr::EvalExpr(EvalExpr&&) noexcept = default;
EvalExpr& EvalExpr::operator=(EvalExpr&&) noexcept = default;

EvalExpr EvalExpr::compile(const spl::Expr& e, FieldResolver& fields) {
  EvalExpr x;
  x.root_ = build(e, fields, 0);
  return x;
}

EvalResult EvalExpr::eval(FieldAccess& f) const { return root_ ? eval_node(*root_, f) : EvalResult{}; }

}  // namespace splinter::exec
