// Tokenisers for the two SPL expression languages and the pipe splitter. All
// positions are absolute byte offsets into the full (macro-expanded) text, so spans
// and error positions point into what the user wrote after expansion.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spl/ast.h"

namespace splinter::spl {

enum class Tok {
  End,
  Word,     // search: unquoted run (may hold '*', '.', ':', '-', ...); eval: identifier
  String,   // "double quoted" (text decoded)
  Field,    // eval only: 'single quoted' field name (text decoded)
  Number,   // eval only
  LParen,
  RParen,
  Comma,
  Op,       // comparison / arithmetic operator, text = operator
};

struct Token {
  Tok kind = Tok::End;
  std::string text;
  size_t begin = 0;
  size_t end = 0;
  bool adjacent = false;  // no whitespace between the previous character and this token
};

// Skips a quoted string whose opening quote is at text[pos]; returns the offset just
// past the closing quote. Backslash escapes the next character for skipping purposes.
// Throws Error at pos when unterminated.
size_t skip_quoted(std::string_view text, size_t pos, size_t limit);

// Decodes a quoted string starting at text[pos] (the quote). SPL escapes only \" (or
// \' in single quotes) and \\ ; any other backslash stays literally, so regexes such
// as "[\-|\/]" survive unchanged.
std::string decode_quoted(std::string_view text, size_t pos, size_t limit, size_t& end);

// Splits text at top-level '|' (outside "double quotes" and [subsearch brackets]).
// Returns the byte ranges of the pieces, pipes excluded, untrimmed.
std::vector<Span> split_pipes(std::string_view text);

// Search-language tokens. Stateless: lex(pos) returns the token starting at or after
// pos, so the parser can switch to value mode after a comparison operator.
class SearchLexer {
 public:
  SearchLexer(std::string_view text, size_t limit) : text_(text), limit_(limit) {}
  // value_mode: the value after '=' etc.; an unquoted value runs to whitespace, ')' or
  // ',' and may contain '=', '<', '"' ... (Splunk takes `a=b=c` as a = "b=c").
  Token lex(size_t pos, bool value_mode = false) const;
  size_t limit() const { return limit_; }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  size_t limit_;
};

class EvalLexer {
 public:
  EvalLexer(std::string_view text, size_t limit) : text_(text), limit_(limit) {}
  Token lex(size_t pos) const;
  size_t limit() const { return limit_; }

 private:
  std::string_view text_;
  size_t limit_;
};

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace splinter::spl
