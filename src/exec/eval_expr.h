// Eval-semantics expressions (where, eval): case-sensitive comparisons, AND before
// OR, functions (match through PCRE2, like, if, case, coalesce, ...). Compiled once
// from the AST; literal regexes are compiled at compile time, never per row.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/value.h"
#include "exec/fields.h"
#include "exec/regex.h"
#include "spl/ast.h"

namespace splinter::exec {

// Result of evaluating an eval expression: a value, or a boolean (comparisons).
struct EvalResult {
  Value value;
  int boolean = -1;  // -1 = not a boolean, 0 = false, 1 = true
  bool truthy() const;
  Value to_value() const;  // booleans become "true"/"false"
};

class EvalExpr {
 public:
  EvalExpr();
  ~EvalExpr();
  EvalExpr(EvalExpr&&) noexcept;
  EvalExpr& operator=(EvalExpr&&) noexcept;
  // Throws spl::Error for an unknown function, wrong arity or a bad regex literal.
  static EvalExpr compile(const spl::Expr& e, FieldResolver& fields);
  EvalResult eval(FieldAccess& f) const;

  struct Node;

 private:
  std::unique_ptr<Node> root_;
};

// relative_time(t, modifier): t moved by a Splunk relative time modifier ("-1d@d").
// False when the modifier is not understood (relative_time() then gives null).
bool apply_relative_time(double t, std::string_view modifier, double& out);

// cidrmatch(cidr, ip): ip (dotted IPv4) inside cidr ("10.0.0.0/8", or one address).
bool cidr_match(std::string_view cidr, std::string_view ip);

// Names of the eval functions splinter implements (for docs and errors).
std::vector<std::string> eval_function_names();

}  // namespace splinter::exec
