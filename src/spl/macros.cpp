// Macro expansion, done textually before parsing as Splunk does: a macro may expand to
// whole commands and pipes, so it cannot be an AST-level operation.
#include "spl/macros.h"

#include <algorithm>
#include <cctype>

namespace splinter::spl {

void MacroTable::add(MacroDef def) {
  auto key = std::make_pair(def.name, def.args.size());
  macros_.insert_or_assign(std::move(key), std::move(def));
}

const MacroDef* MacroTable::find(std::string_view name, size_t nargs) const {
  auto it = macros_.find(std::make_pair(std::string(name), nargs));
  return it == macros_.end() ? nullptr : &it->second;
}

bool MacroTable::defined_from(std::string_view origin) const {
  for (auto& [k, m] : macros_)
    if (m.origin == origin) return true;
  return false;
}

std::vector<size_t> MacroTable::arities(std::string_view name) const {
  std::vector<size_t> out;
  for (auto it = macros_.lower_bound(std::make_pair(std::string(name), size_t{0}));
       it != macros_.end() && it->first.first == name; ++it) {
    out.push_back(it->first.second);
  }
  return out;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Offset just past the double-quoted string starting at text[i], or text.size() when it
// is unterminated (the parser reports that with a better message).
size_t skip_string(std::string_view text, size_t i) {
  for (size_t j = i + 1; j < text.size(); ++j) {
    if (text[j] == '\\') {
      ++j;
    } else if (text[j] == '"') {
      return j + 1;
    }
  }
  return text.size();
}

// Splits macro arguments on commas outside quotes and parentheses.
std::vector<std::string> split_args(std::string_view inner) {
  std::vector<std::string> out;
  if (trim(inner).empty()) return out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < inner.size();) {
    const char c = inner[i];
    if (c == '"') {
      i = skip_string(inner, i);
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (c == ',' && depth == 0) {
      out.emplace_back(trim(inner.substr(start, i - start)));
      start = i + 1;
    }
    ++i;
  }
  out.emplace_back(trim(inner.substr(start)));
  return out;
}

bool is_ident(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string join_chain(const std::vector<std::string>& chain) {
  std::string out;
  for (const auto& c : chain) {
    if (!out.empty()) out += " -> ";
    out += "`" + c + "`";
  }
  return out;
}

class Expander {
 public:
  Expander(const MacroTable& table, const ExpandLimits& limits) : table_(table), limits_(limits) {}

  // outer_pos: for text that came from a macro definition, errors point at the
  // outermost call in the user's text (positions inside definitions mean nothing there).
  std::string expand(std::string_view text, size_t outer_pos, bool nested) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
      const size_t here = nested ? outer_pos : i;
      const char c = text[i];
      if (c == '"') {
        // Macros inside quoted values are not expanded (Splunk docs).
        const size_t j = skip_string(text, i);
        out.append(text.substr(i, j - i));
        i = j;
      } else if (c == '\\' && i + 1 < text.size()) {
        // Outside quotes a backslash escapes the next character: \" opens no string.
        out.append(text.substr(i, 2));
        i += 2;
      } else if (c == '`') {
        if (text.substr(i, 3) == "```") {
          // ```comment``` is an SPL comment; it may span pipes, so drop it here.
          const size_t k = text.find("```", i + 3);
          if (k == std::string_view::npos) fail("unterminated ``` comment", here);
          out += ' ';
          i = k + 3;
          continue;
        }
        const size_t k = text.find('`', i + 1);
        if (k == std::string_view::npos) fail("unterminated macro call: missing closing backtick", here);
        out += call(text.substr(i + 1, k - i - 1), nested ? outer_pos : i);
        i = k + 1;
      } else {
        out += c;
        ++i;
      }
      if (out.size() > limits_.max_output)
        fail("macro expansion exceeds " + std::to_string(limits_.max_output) + " bytes", here);
    }
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& msg, size_t pos) const {
    if (chain_.empty()) throw Error(msg, pos);
    throw Error(msg + " (while expanding " + join_chain(chain_) + ")", pos);
  }

  std::string call(std::string_view raw, size_t pos) {
    const std::string_view body = trim(raw);
    const size_t paren = body.find('(');
    const std::string name(trim(body.substr(0, paren)));
    std::vector<std::string> args;
    if (paren != std::string_view::npos) {
      if (body.back() != ')') fail("malformed macro call `" + std::string(body) + "`: expected ')' at the end", pos);
      args = split_args(body.substr(paren + 1, body.size() - paren - 2));
    }
    if (!is_ident(name)) fail("invalid macro name in `" + std::string(body) + "`", pos);

    const MacroDef* def = table_.find(name, args.size());
    if (!def) {
      const auto ar = table_.arities(name);
      if (ar.empty()) fail("unknown macro `" + name + "`", pos);
      std::string list;
      for (size_t n : ar) list += (list.empty() ? "" : ", ") + std::to_string(n);
      fail("macro `" + name + "` is not defined with " + std::to_string(args.size()) +
               " argument(s); defined with: " + list,
           pos);
    }
    bind_named(*def, args);

    const std::string key = name + "(" + std::to_string(args.size()) + ")";
    if (std::find(chain_.begin(), chain_.end(), key) != chain_.end()) {
      std::vector<std::string> loop = chain_;
      loop.push_back(key);
      throw Error("macro loop: " + join_chain(loop), pos);
    }
    if (chain_.size() >= limits_.max_depth)
      fail("macro nesting deeper than " + std::to_string(limits_.max_depth), pos);

    chain_.push_back(key);
    std::string body_text = substitute(*def, args);
    // Arguments repeated in the definition can grow the text before it is expanded.
    if (body_text.size() > limits_.max_output)
      fail("macro expansion exceeds " + std::to_string(limits_.max_output) + " bytes", pos);
    std::string result = expand(body_text, pos, /*nested=*/true);
    chain_.pop_back();
    return result;
  }

  // `name(field=x)`: when every argument is formal=value over the formal names
  // (each once), reorder them to the formal order; otherwise they are positional.
  static void bind_named(const MacroDef& def, std::vector<std::string>& args) {
    if (args.empty()) return;
    std::vector<std::string> ordered(def.args.size());
    std::vector<bool> seen(def.args.size(), false);
    for (const auto& a : args) {
      const size_t eq = a.find('=');
      if (eq == std::string::npos) return;
      const std::string_view key = trim(std::string_view(a).substr(0, eq));
      auto it = std::find(def.args.begin(), def.args.end(), key);
      if (it == def.args.end()) return;
      const size_t idx = static_cast<size_t>(it - def.args.begin());
      if (seen[idx]) return;
      seen[idx] = true;
      ordered[idx] = std::string(trim(std::string_view(a).substr(eq + 1)));
    }
    args = std::move(ordered);
  }

  // One pass over the definition so that a value containing $x$ is not substituted again.
  static std::string substitute(const MacroDef& def, const std::vector<std::string>& args) {
    const std::string& d = def.definition;
    if (args.empty()) return d;
    std::string out;
    for (size_t i = 0; i < d.size();) {
      if (d[i] == '$') {
        const size_t j = d.find('$', i + 1);
        if (j != std::string::npos) {
          const std::string_view key(d.data() + i + 1, j - i - 1);
          auto it = std::find(def.args.begin(), def.args.end(), key);
          if (it != def.args.end()) {
            out += args[static_cast<size_t>(it - def.args.begin())];
            i = j + 1;
            continue;
          }
        }
      }
      out += d[i++];
    }
    return out;
  }

  const MacroTable& table_;
  const ExpandLimits& limits_;
  std::vector<std::string> chain_;
};

}  // namespace

std::string expand_macros(std::string_view text, const MacroTable& table, const ExpandLimits& limits) {
  Expander e(table, limits);
  return e.expand(text, 0, /*nested=*/false);
}

}  // namespace splinter::spl
