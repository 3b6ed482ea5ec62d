// Search macros: `name`, `name(arg1, arg2)`, `name(key=value)`. Textual expansion as
// Splunk does it (a macro may hold pipes and whole commands), nested, overloaded by
// argument count, never inside quoted strings, with loop and size limits.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "spl/ast.h"

namespace splinter::spl {

struct MacroDef {
  std::string name;
  std::vector<std::string> args;  // formal argument names; $arg$ in definition
  std::string definition;
  std::string origin;  // file it came from, for error messages
};

class MacroTable {
 public:
  // A later definition with the same name and arity replaces an earlier one
  // (user macro files override content and built-ins).
  void add(MacroDef def);
  const MacroDef* find(std::string_view name, size_t nargs) const;
  size_t size() const { return macros_.size(); }
  // Argument counts this name is defined with (ascending), for error messages.
  std::vector<size_t> arities(std::string_view name) const;
  // Whether any macro in the table came from this origin (file).
  bool defined_from(std::string_view origin) const;

 private:
  std::map<std::pair<std::string, size_t>, MacroDef, std::less<>> macros_;
};

struct ExpandLimits {
  size_t max_depth = 50;
  size_t max_output = 1 << 20;  // bytes
};

// Expands all macros. Throws spl::Error (position in `text`) for an unknown macro,
// a wrong argument count, a loop, an unterminated backtick, or a limit.
std::string expand_macros(std::string_view text, const MacroTable& table, const ExpandLimits& limits = {});

}  // namespace splinter::spl
