#include "exec/subsearch.h"

#include <algorithm>
#include <memory>

#include "common/strings.h"
#include "exec/args.h"
#include "exec/fields.h"
#include "exec/lookup.h"
#include "exec/search_predicate.h"
#include "spl/parser.h"

namespace splinter::exec {

using spl::Expr;
using spl::ExprKind;
using spl::ExprPtr;

namespace {

ExprPtr node(ExprKind k, std::string text, const Expr& at) {
  auto e = std::make_unique<Expr>();
  e->kind = k;
  e->text = std::move(text);
  e->span = at.span;
  return e;
}

ExprPtr combine(ExprKind k, std::vector<ExprPtr> parts, const Expr& at) {
  if (parts.size() == 1) return std::move(parts[0]);
  auto e = node(k, "", at);
  e->args = std::move(parts);
  return e;
}

// field="value": quoted, so the value is one literal whatever it holds; '*' in it is
// still a wildcard, as in any quoted search value.
ExprPtr equals(const std::string& field, const std::string& value, const Expr& at) {
  auto c = node(ExprKind::Compare, "=", at);
  c->args.push_back(node(ExprKind::Field, field, at));
  auto lit = node(ExprKind::Literal, value, at);
  lit->quoted = true;
  c->args.push_back(std::move(lit));
  return c;
}

}  // namespace

ExprPtr clone_expr(const Expr& e) {
  auto c = std::make_unique<Expr>();
  c->kind = e.kind;
  c->text = e.text;
  c->quoted = e.quoted;
  c->number = e.number;
  c->num = e.num;
  c->case_sensitive = e.case_sensitive;
  c->whole_term = e.whole_term;
  c->span = e.span;
  c->subsearch = e.subsearch;
  c->args.reserve(e.args.size());
  for (auto& a : e.args) c->args.push_back(clone_expr(*a));
  return c;
}

ExprPtr format_results(const std::vector<Row>& rows, size_t max_rows, const Expr& at) {
  std::vector<ExprPtr> disjuncts;
  const size_t n = std::min(rows.size(), max_rows);
  for (size_t r = 0; r < n; ++r) {
    std::vector<ExprPtr> conj;
    for (auto& [name, v] : rows[r].fields) {
      if (name.empty() || name[0] == '_' || v.is_null()) continue;
      if (name == "search" || name == "query") {
        // The value is search text, inserted as it is.
        for (auto& text : v.texts()) {
          ExprPtr e;
          try {
            e = spl::parse_search_expression(text);
          } catch (const spl::Error& err) {
            throw spl::Error(std::string("subsearch field ") + name + " holds search text that does not parse (" +
                                 err.what() + "): " + text,
                             at.span.begin);
          }
          if (e) conj.push_back(std::move(e));
        }
        continue;
      }
      std::vector<ExprPtr> alts;
      for (auto& t : v.texts()) alts.push_back(equals(name, t, at));
      if (!alts.empty()) conj.push_back(combine(ExprKind::Or, std::move(alts), at));
    }
    // A row with nothing to format adds no condition (decision: Splunk's output for it
    // is an empty "( )" group, which it drops).
    if (!conj.empty()) disjuncts.push_back(combine(ExprKind::And, std::move(conj), at));
  }
  if (disjuncts.empty()) {
    // NOT ( ): matches nothing.
    auto no = node(ExprKind::Not, "", at);
    no->args.push_back(node(ExprKind::Term, "*", at));
    return no;
  }
  return combine(ExprKind::Or, std::move(disjuncts), at);
}

Inputlookup read_inputlookup(const std::string& args, size_t args_pos, const LookupCatalog* catalog) {
  Inputlookup out;
  auto words = split_args(args, args_pos);
  size_t i = 0;
  int64_t start = 0, max = 1'000'000'000;  // Splunk's defaults
  // Options come before the lookup name in Splunk's syntax; they are also taken right
  // after it, as ESCU writes them (`inputlookup s3_deletion_baseline append=t`).
  auto is_option = [&](size_t k) { return k < words.size() && !words[k].quoted && words[k].text.find('=') != std::string::npos; };
  auto option = [&](size_t k) {
    const std::string& w = words[k].text;
    const size_t at = args_pos + words[k].offset;
    const std::string key = to_lower(w.substr(0, w.find('='))), v = w.substr(w.find('=') + 1);
    auto whole = [&](int64_t& n) {
      if (!parse_whole(v, 10, n)) throw spl::Error("inputlookup " + key + "= expects a non-negative whole number", at);
    };
    bool b = false;
    if (key == "append" || key == "strict") {
      if (!parse_bool(v, b)) throw spl::Error("inputlookup " + key + "= expects true or false", at);
      if (key == "append") out.append = b;
    } else if (key == "start") {
      whole(start);
    } else if (key == "max") {
      whole(max);
    } else {
      throw spl::Error("unsupported inputlookup option " + key + "=", at);
    }
  };
  for (; is_option(i); ++i) option(i);
  if (i >= words.size()) throw spl::Error("inputlookup needs a lookup name", args_pos + args.size());
  const std::string name = words[i].text;
  const size_t name_pos = args_pos + words[i].offset;
  for (++i; is_option(i); ++i) option(i);
  ExprPtr where;
  if (i < words.size()) {
    if (words[i].quoted || !iequals(words[i].text, "where"))
      throw spl::Error("unexpected '" + words[i].text + "' after the inputlookup name (only WHERE <search> may follow)",
                       args_pos + words[i].offset);
    const size_t from = words[i].offset + 5;
    std::string masked(args_pos + args.size(), ' ');
    masked.replace(args_pos + from, args.size() - from, args.substr(from));
    where = spl::parse_search_expression(masked);
  }
  const LookupDef* def = catalog ? catalog->find(name) : nullptr;
  if (!def)
    throw spl::Error("unknown lookup " + name + (catalog && catalog->size() ? "" : " (lookups come from the content's lookups/ folder)"),
                     name_pos);
  std::shared_ptr<const LookupTable> table;
  try {
    table = catalog->table(*def);
  } catch (const std::exception& e) {
    throw spl::Error(e.what(), name_pos);
  }
  RowFields fields;
  SearchPredicate pred = SearchPredicate::compile(where.get(), fields, false);
  const auto& cols = table->columns();
  for (size_t r = static_cast<size_t>(start); r < table->size() && out.rows.size() < static_cast<size_t>(max); ++r) {
    Row row;
    for (size_t c = 0; c < cols.size(); ++c)
      if (const std::string& cell = table->cell(r, c); !cell.empty()) row.fields.emplace_back(cols[c], Value::of(cell));
    RowAccess a(fields, row);
    if (pred.matches(a)) out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace splinter::exec
