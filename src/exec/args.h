// Argument words of the commands the parser keeps as raw text (dedup, mvexpand, spath, ...).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace splinter::exec {

struct ArgWord {
  std::string text;
  bool quoted = false;
  size_t offset = 0;  // where the word starts in the text that was split
};

// Splits "a=1 b, \"x y\" -c" into words, honouring double quotes (\" and \\ decode,
// other backslashes stay, as in SPL quoted strings). Commas separate like spaces.
// pos is the text's offset in the search, for errors.
std::vector<ArgWord> split_args(std::string_view s, size_t pos);

}  // namespace splinter::exec
