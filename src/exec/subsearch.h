// Subsearches used as search terms ("search [| inputlookup x | fields a]", "tstats ...
// where [...]") and the inputlookup generating command.
//
// Splunk runs such a subsearch first and puts its results, rewritten by the format
// command, in its place (Search Manual, "Change the format of subsearch results"):
// each row becomes ( f1="v1" AND f2="v2" ), rows are joined by OR, a multivalue field
// becomes ( f="a" OR f="b" ), fields whose name starts with '_' are left out, and the
// value of a field named search or query is inserted as search text as it is. No
// results at all give NOT ( ), which matches nothing. limits.conf [subsearch] maxout
// (default 10,000) caps the rows used.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "common/value.h"
#include "spl/ast.h"

namespace splinter::exec {

class LookupCatalog;

// Rows of a subsearch used as search terms: limits.conf [subsearch] maxout default.
inline constexpr size_t kSubsearchMaxRows = 10'000;

// Splunk's format over rows (at most max_rows of them), as a search expression whose
// nodes point at `at` (the subsearch) for errors. Throws spl::Error when the text of a
// search/query field does not parse.
spl::ExprPtr format_results(const std::vector<Row>& rows, size_t max_rows, const spl::Expr& at);

// A deep copy of an expression (the subsearch pipelines are shared, not copied).
spl::ExprPtr clone_expr(const spl::Expr& e);

// inputlookup [append=<bool>] [strict=<bool>] [start=<int>] [max=<int>] <name> [WHERE <search>]
// over a CSV lookup the catalog knows: its rows in file order (an empty cell is no
// field, as in Splunk), filtered by the where clause. args: the argument text, at
// offset args_pos of the search. Throws spl::Error naming what is unsupported.
struct Inputlookup {
  bool append = false;
  std::vector<Row> rows;
};
Inputlookup read_inputlookup(const std::string& args, size_t args_pos, const LookupCatalog* catalog);

}  // namespace splinter::exec
