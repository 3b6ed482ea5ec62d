#include "spl/lexer.h"

#include <cctype>

namespace splinter::spl {

namespace {
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
}  // namespace

size_t skip_quoted(std::string_view text, size_t pos, size_t limit) {
  const char q = text[pos];
  for (size_t i = pos + 1; i < limit; ++i) {
    if (text[i] == '\\') {
      ++i;  // skip whatever is escaped (it cannot close the string)
    } else if (text[i] == q) {
      return i + 1;
    }
  }
  throw Error(std::string("unterminated ") + (q == '"' ? "double" : "single") + "-quoted string", pos);
}

std::string decode_quoted(std::string_view text, size_t pos, size_t limit, size_t& end) {
  const char q = text[pos];
  std::string out;
  for (size_t i = pos + 1; i < limit; ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < limit && (text[i + 1] == q || text[i + 1] == '\\')) {
      out += text[i + 1];
      ++i;
    } else if (c == q) {
      end = i + 1;
      return out;
    } else {
      out += c;
    }
  }
  throw Error(std::string("unterminated ") + (q == '"' ? "double" : "single") + "-quoted string", pos);
}

std::vector<Span> split_pipes(std::string_view text) {
  // Only double quotes protect a pipe: single quotes are ordinary characters in the
  // search language (apostrophes in terms), and a pipe inside an eval 'field name'
  // does not occur in practice.
  std::vector<Span> out;
  size_t start = 0;
  size_t depth = 0;
  size_t open_bracket = 0;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      i = skip_quoted(text, i, text.size());
      continue;
    }
    if (c == '\\') {  // outside quotes a backslash escapes the next character (\" \|)
      i += 2;
      continue;
    }
    if (c == '[') {
      if (depth++ == 0) open_bracket = i;
    } else if (c == ']') {
      if (depth > 0) --depth;
    } else if (c == '|' && depth == 0) {
      out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(i)});
      start = i + 1;
    }
    ++i;
  }
  if (depth > 0) throw Error("unterminated '[' subsearch", open_bracket);
  out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(text.size())});
  return out;
}

Token SearchLexer::lex(size_t pos, bool value_mode) const {
  Token t;
  const size_t start = pos;
  while (pos < limit_ && is_space(text_[pos])) ++pos;
  t.adjacent = pos == start;
  t.begin = pos;
  if (pos >= limit_) {
    t.kind = Tok::End;
    t.end = pos;
    return t;
  }
  const char c = text_[pos];
  if (c == '"') {
    t.kind = Tok::String;
    t.text = decode_quoted(text_, pos, limit_, t.end);
    return t;
  }
  if (c == ')' || c == ',' || (c == '(' && !value_mode)) {
    t.kind = c == '(' ? Tok::LParen : c == ')' ? Tok::RParen : Tok::Comma;
    t.text = std::string(1, c);
    t.end = pos + 1;
    return t;
  }
  if (!value_mode) {
    auto two = [&](char a, char b) { return c == a && pos + 1 < limit_ && text_[pos + 1] == b; };
    if (two('!', '=') || two('<', '=') || two('>', '=') || two('=', '=')) {
      t.kind = Tok::Op;
      t.text = two('=', '=') ? "=" : std::string(text_.substr(pos, 2));
      t.end = pos + 2;
      return t;
    }
    if (c == '=' || c == '<' || c == '>') {
      t.kind = Tok::Op;
      t.text = std::string(1, c);
      t.end = pos + 1;
      return t;
    }
  }
  // Unquoted words: a backslash keeps the next character in the word (`*System\ Volume*`,
  // `*\"x\"*`); \\, \" and backslash-space decode to the character, any other
  // backslash stays literally as in quoted strings. In value mode a ')' closes the word
  // only when unbalanced, so `process=*GetCurrent()*)` keeps its parentheses.
  size_t i = pos;
  int depth = 0;
  std::string word;
  while (i < limit_) {
    const char d = text_[i];
    if (d == '\\' && i + 1 < limit_) {
      const char e = text_[i + 1];
      if (e == '\\' || e == '"' || is_space(e)) {
        word += e;
      } else {
        word += d;
        word += e;
      }
      i += 2;
      continue;
    }
    if (is_space(d) || d == ',') break;
    if (value_mode) {
      if (d == '(') ++depth;
      if (d == ')' && depth-- == 0) break;
    } else {
      if (d == '(' || d == ')' || d == '"' || d == '=' || d == '<' || d == '>') break;
      if (d == '!' && i + 1 < limit_ && text_[i + 1] == '=') break;
    }
    word += d;
    ++i;
  }
  t.kind = Tok::Word;
  t.text = std::move(word);
  t.end = i;
  return t;
}

Token EvalLexer::lex(size_t pos) const {
  Token t;
  const size_t start = pos;
  while (pos < limit_ && is_space(text_[pos])) ++pos;
  t.adjacent = pos == start;
  t.begin = pos;
  if (pos >= limit_) {
    t.kind = Tok::End;
    t.end = pos;
    return t;
  }
  const char c = text_[pos];
  if (c == '"' || c == '\'') {
    t.kind = c == '"' ? Tok::String : Tok::Field;
    t.text = decode_quoted(text_, pos, limit_, t.end);
    return t;
  }
  auto ident_end = [&](size_t i) {
    // As in Splunk's eval, '.' is always the concatenation operator: a field name with
    // a dot is written quoted ('Processes.dest'), and `a.b` is a . b (ESCU relies on it:
    // eval file_name=RTLO_file_1.RTLO_file_2).
    while (i < limit_ && is_ident_char(text_[i])) ++i;
    return i;
  };
  if (is_digit(c) || (c == '.' && pos + 1 < limit_ && is_digit(text_[pos + 1]))) {  // 5, 2.5, .5
    size_t i = pos;
    while (i < limit_ && is_digit(text_[i])) ++i;
    if (i + 1 < limit_ && text_[i] == '.' && is_digit(text_[i + 1]) && (i == pos || c != '.')) {
      ++i;
      while (i < limit_ && is_digit(text_[i])) ++i;
    }
    if (i < limit_ && (text_[i] == 'e' || text_[i] == 'E')) {
      size_t j = i + 1;
      if (j < limit_ && (text_[j] == '+' || text_[j] == '-')) ++j;
      if (j < limit_ && is_digit(text_[j])) {
        i = j;
        while (i < limit_ && is_digit(text_[i])) ++i;
      }
    }
    if (i < limit_ && (is_alpha(text_[i]) || text_[i] == '_')) {
      // "1st_field": a name that starts with digits
      t.kind = Tok::Word;
      t.end = ident_end(i);
    } else {
      t.kind = Tok::Number;
      t.end = i;
    }
    t.text = std::string(text_.substr(pos, t.end - pos));
    return t;
  }
  if (is_alpha(c) || c == '_') {
    t.kind = Tok::Word;
    t.end = ident_end(pos);
    t.text = std::string(text_.substr(pos, t.end - pos));
    return t;
  }
  if (c == '(' || c == ')' || c == ',') {
    t.kind = c == '(' ? Tok::LParen : c == ')' ? Tok::RParen : Tok::Comma;
    t.text = std::string(1, c);
    t.end = pos + 1;
    return t;
  }
  static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">="};
  for (auto op : kTwo) {
    if (text_.substr(pos, 2) == op && pos + 2 <= limit_) {
      t.kind = Tok::Op;
      t.text = std::string(op);
      t.end = pos + 2;
      return t;
    }
  }
  if (std::string_view("=<>+-*/%.").find(c) != std::string_view::npos) {
    t.kind = Tok::Op;
    t.text = std::string(1, c);
    t.end = pos + 1;
    return t;
  }
  throw Error(std::string("unexpected character '") + c + "' in eval expression", pos);
}

}  // namespace splinter::spl
