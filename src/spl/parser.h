// SPL text -> Pipeline. Works on macro-expanded text. Quoting is respected everywhere:
// a '|' or newline inside a quoted string never splits a command.
//
// Two expression grammars:
//  - search semantics (tstats where, search): implicit AND between terms, OR binds
//    tighter than AND, NOT, parentheses, field=value / != / < <= > >=, field IN (v, ...),
//    bare terms; values keep their '*' wildcards; AND/OR/NOT/IN must be upper case.
//  - eval semantics (where, eval): usual precedence, OR < XOR < AND < NOT < comparison
//    (= == != < <= > >= LIKE IN) < additive (+ - .) < multiplicative (* / %) < unary minus
//    < call/primary; "double quoted" = string, 'single quoted' = field name.
#pragma once
#include <string_view>

#include "spl/ast.h"

namespace splinter::spl {

// Throws spl::Error with the byte position for any syntax error.
Pipeline parse_pipeline(std::string_view text);
ExprPtr parse_search_expression(std::string_view text);  // for tests and tools
ExprPtr parse_eval_expression(std::string_view text);

// Canonical, fully parenthesised rendering (for tests and `splinter explain`).
std::string to_string(const Expr& e);

}  // namespace splinter::spl
