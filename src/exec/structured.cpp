#include "exec/structured.h"

#include <stdexcept>

namespace splinter::exec {

namespace {

constexpr int kMaxDepth = 200;  // deeper documents are cut there (no stack exhaustion)

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ---- JSON ---------------------------------------------------------------------------

class JsonScan {
 public:
  explicit JsonScan(std::string_view t) : t_(t) {}
  std::string_view t_;
  size_t i = 0;

  void ws() {
    while (i < t_.size() && is_ws(t_[i])) ++i;
  }
  bool at(char c) const { return i < t_.size() && t_[i] == c; }

  // At '"': decodes the string into out and moves past it.
  bool string(std::string& out) {
    out.clear();
    ++i;
    while (i < t_.size()) {
      const char c = t_[i];
      if (c == '"') {
        ++i;
        return true;
      }
      if (c != '\\') {
        // Copy the run up to the next quote or backslash in one go.
        size_t e = i + 1;
        while (e < t_.size() && t_[e] != '"' && t_[e] != '\\') ++e;
        out.append(t_.substr(i, e - i));
        i = e;
        continue;
      }
      if (i + 1 >= t_.size()) return false;
      const char x = t_[i + 1];
      i += 2;
      switch (x) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          uint32_t cp;
          if (!u4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < t_.size() && t_[i] == '\\' && t_[i + 1] == 'u') {
            const size_t save = i;
            i += 2;
            uint32_t lo;
            if (u4(lo) && lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else i = save;
          }
          if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // a lone surrogate
          put_utf8(out, cp);
          break;
        }
        default: out += x;  // \" \\ \/ and anything else as itself
      }
    }
    return false;
  }
  bool u4(uint32_t& cp) {
    if (i + 4 > t_.size()) return false;
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const int h = hex(t_[i + k]);
      if (h < 0) return false;
      cp = cp * 16 + static_cast<uint32_t>(h);
    }
    i += 4;
    return true;
  }
  bool skip_string() {
    ++i;
    while (i < t_.size()) {
      if (t_[i] == '\\') {
        i += 2;
        continue;
      }
      if (t_[i++] == '"') return true;
    }
    return false;
  }
  // A number, true, false or null: its text as written.
  bool literal(std::string_view& out) {
    const size_t b = i;
    while (i < t_.size() && !is_ws(t_[i]) && t_[i] != ',' && t_[i] != '}' && t_[i] != ']' && t_[i] != ':') ++i;
    out = t_.substr(b, i - b);
    if (out.empty()) return false;
    const char c = out[0];
    return out == "true" || out == "false" || out == "null" || c == '-' || (c >= '0' && c <= '9');
  }
  bool skip_value(int depth) {
    ws();
    if (i >= t_.size() || depth > kMaxDepth) return false;
    const char c = t_[i];
    if (c == '"') return skip_string();
    if (c == '{') {
      return sequence('}', [&] {
        if (!at('"') || !skip_string()) return false;
        ws();
        if (!at(':')) return false;
        ++i;
        return skip_value(depth + 1);
      });
    }
    if (c == '[') return sequence(']', [&] { return skip_value(depth + 1); });
    std::string_view lit;
    return literal(lit);
  }
  // Iterates the members of an object (at '{'): f(key) is called at each value and
  // must consume it. False on malformed text or when f returns false.
  template <class F>
  bool object(std::string& key, F&& f) {
    return sequence('}', [&] {
      if (!at('"') || !string(key)) return false;
      ws();
      if (!at(':')) return false;
      ++i;
      ws();
      return static_cast<bool>(f());
    });
  }
  template <class F>
  bool array(F&& f) {
    return sequence(']', f);
  }
  // The comma-separated items of an object or array (at its opening bracket), up to close.
  template <class F>
  bool sequence(char close, F&& item) {
    ++i;
    ws();
    if (at(close)) return ++i, true;
    for (;;) {
      ws();
      if (!item()) return false;
      ws();
      if (at(',')) {
        ++i;
        continue;
      }
      if (at(close)) return ++i, true;
      return false;
    }
  }
};

bool looks_json(std::string_view t, size_t& start) {
  start = 0;
  while (start < t.size() && is_ws(t[start])) ++start;
  return start < t.size() && (t[start] == '{' || t[start] == '[');
}

class JsonLeaves {
 public:
  JsonLeaves(std::string_view t, size_t cutoff, KvSink& sink) : s_(t), cutoff_(cutoff), sink_(sink) {}
  JsonScan s_;
  size_t cutoff_;
  KvSink& sink_;
  std::string path_, key_, val_;
  bool cut_ = false;

  bool value(int depth) {
    if (depth > kMaxDepth || s_.i >= s_.t_.size()) return false;
    const size_t len = path_.size();
    const char c = s_.t_[s_.i];
    if (c == '{') {
      std::string key;  // per level: the scratch key is reused below
      return s_.object(key, [&] {
        if (len) path_ += '.';
        path_ += key;
        const bool ok = value(depth + 1);
        path_.resize(len);
        return ok;
      });
    }
    if (c == '[') {
      path_ += "{}";
      const bool ok = s_.array([&] { return value(depth + 1); });
      path_.resize(len);
      return ok;
    }
    std::string_view v;
    if (c == '"') {
      if (!s_.string(val_)) return false;
      v = val_;
    } else if (!s_.literal(v)) {
      return false;
    }
    if (s_.i > cutoff_) {
      cut_ = true;
      return false;
    }
    if (len) sink_.add(path_, v);
    return true;
  }
};

class JsonPath {
 public:
  JsonPath(std::string_view t, const std::vector<PathStep>& p, std::vector<std::string>& out) : s_(t), p_(p), out_(out) {}
  JsonScan s_;
  const std::vector<PathStep>& p_;
  std::vector<std::string>& out_;
  std::string key_, val_;

  // At a value; `rem` "{}" of the previous step remain to be applied before step s.
  bool walk(size_t s, size_t rem, int depth) {
    if (depth > kMaxDepth || s_.i >= s_.t_.size()) return false;
    const char c = s_.t_[s_.i];
    if (rem > 0) {
      if (c != '[') return s_.skip_value(depth);
      return s_.array([&] { return walk(s, rem - 1, depth + 1); });
    }
    if (s == p_.size()) return emit(depth);
    const PathStep& step = p_[s];
    if (step.name.empty()) return walk(s + 1, step.iterate, depth);
    if (c != '{') return s_.skip_value(depth);
    std::string key;
    return s_.object(key, [&] {
      if (key == step.name) return walk(s + 1, step.iterate, depth + 1);
      return s_.skip_value(depth + 1);
    });
  }
  bool emit(int depth) {
    const char c = s_.t_[s_.i];
    if (c == '"') {
      if (!s_.string(val_)) return false;
      out_.push_back(val_);
      return true;
    }
    const size_t b = s_.i;
    if (c == '{' || c == '[') {
      if (!s_.skip_value(depth)) return false;
      out_.emplace_back(s_.t_.substr(b, s_.i - b));
      return true;
    }
    std::string_view lit;
    if (!s_.literal(lit)) return false;
    out_.emplace_back(lit);
    return true;
  }
};

// ---- XML ----------------------------------------------------------------------------

void decode_entities(std::string_view in, std::string& out) {
  for (size_t i = 0; i < in.size();) {
    if (in[i] != '&') {
      size_t e = in.find('&', i);
      if (e == std::string_view::npos) e = in.size();
      out.append(in.substr(i, e - i));
      i = e;
      continue;
    }
    const size_t semi = in.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += in[i++];
      continue;
    }
    const std::string_view name = in.substr(i + 1, semi - i - 1);
    if (name == "lt") out += '<';
    else if (name == "gt") out += '>';
    else if (name == "amp") out += '&';
    else if (name == "quot") out += '"';
    else if (name == "apos") out += '\'';
    else if (name.size() > 1 && name[0] == '#') {
      uint32_t cp = 0;
      bool ok = true;
      const bool hx = name[1] == 'x' || name[1] == 'X';
      for (size_t k = hx ? 2 : 1; k < name.size() && ok; ++k) {
        const int d = hx ? hex(name[k]) : (name[k] >= '0' && name[k] <= '9' ? name[k] - '0' : -1);
        ok = d >= 0 && cp < 0x110000;
        cp = cp * (hx ? 16 : 10) + static_cast<uint32_t>(d);
      }
      if (!ok || cp >= 0x110000 || (cp >= 0xD800 && cp < 0xE000)) {
        out += in[i++];
        continue;
      }
      put_utf8(out, cp);
    } else {
      out += in[i++];
      continue;
    }
    i = semi + 1;
  }
}

// Walks the elements of an XML text, calling h.start(name, depth), h.attr(name, value,
// end_offset) and h.end(name, depth, has_child, text, inner, end_offset). Text of an
// element is its character data (entities decoded, CDATA as is) when it has no child.
template <class H>
bool xml_walk(std::string_view t, H& h) {
  struct Frame {
    std::string_view name;
    bool has_child = false;
    size_t content = 0;
    std::string text;
  };
  std::vector<Frame> stack;
  std::string attr_val;
  size_t i = 0;
  bool any = false;
  while (i < t.size()) {
    if (t[i] != '<') {
      size_t e = t.find('<', i);
      if (e == std::string_view::npos) e = t.size();
      if (!stack.empty() && !stack.back().has_child) decode_entities(t.substr(i, e - i), stack.back().text);
      i = e;
      continue;
    }
    if (t.compare(i, 4, "<!--") == 0) {
      const size_t e = t.find("-->", i + 4);
      i = e == std::string_view::npos ? t.size() : e + 3;
      continue;
    }
    if (t.compare(i, 9, "<![CDATA[") == 0) {
      size_t e = t.find("]]>", i + 9);
      if (e == std::string_view::npos) e = t.size();
      if (!stack.empty() && !stack.back().has_child) stack.back().text.append(t.substr(i + 9, e - i - 9));
      i = e == t.size() ? e : e + 3;
      continue;
    }
    if (i + 1 < t.size() && (t[i + 1] == '?' || t[i + 1] == '!')) {
      const size_t e = t.find('>', i);
      i = e == std::string_view::npos ? t.size() : e + 1;
      continue;
    }
    if (i + 1 < t.size() && t[i + 1] == '/') {
      size_t e = t.find('>', i);
      if (e == std::string_view::npos) return any;
      std::string_view name = t.substr(i + 2, e - i - 2);
      while (!name.empty() && is_ws(name.back())) name.remove_suffix(1);
      // Close the matching open element (and any left open inside it).
      size_t k = stack.size();
      while (k > 0 && stack[k - 1].name != name) --k;
      if (k > 0) {
        while (stack.size() >= k) {
          Frame& f = stack.back();
          const std::string_view inner = t.substr(f.content, i - f.content);
          h.end(f.name, stack.size() - 1, f.has_child, f.text, inner, e + 1);
          stack.pop_back();
        }
      }
      i = e + 1;
      continue;
    }
    // Start tag.
    size_t j = i + 1;
    while (j < t.size() && !is_ws(t[j]) && t[j] != '>' && t[j] != '/') ++j;
    const std::string_view name = t.substr(i + 1, j - i - 1);
    if (name.empty()) return any;
    any = true;
    if (!stack.empty()) stack.back().has_child = true, stack.back().text.clear();
    const size_t depth = stack.size();
    h.start(name, depth);
    bool self_close = false;
    for (;;) {
      while (j < t.size() && is_ws(t[j])) ++j;
      if (j >= t.size()) return any;
      if (t[j] == '>') {
        ++j;
        break;
      }
      if (t[j] == '/') {
        self_close = true;
        ++j;
        continue;
      }
      size_t k = j;
      while (k < t.size() && t[k] != '=' && !is_ws(t[k]) && t[k] != '>' && t[k] != '/') ++k;
      const std::string_view an = t.substr(j, k - j);
      while (k < t.size() && is_ws(t[k])) ++k;
      if (k >= t.size() || t[k] != '=') {
        j = k == j ? k + 1 : k;  // an attribute without a value: skipped
        continue;
      }
      ++k;
      while (k < t.size() && is_ws(t[k])) ++k;
      if (k >= t.size() || (t[k] != '"' && t[k] != '\'')) return any;
      const size_t close = t.find(t[k], k + 1);
      if (close == std::string_view::npos) return any;
      attr_val.clear();
      decode_entities(t.substr(k + 1, close - k - 1), attr_val);
      h.attr(an, depth, attr_val, close + 1);
      j = close + 1;
    }
    if (self_close) {
      h.end(name, depth, false, std::string(), std::string_view(), j);
    } else {
      stack.push_back(Frame{name, false, j, {}});
    }
    i = j;
  }
  return any;
}

bool looks_xml(std::string_view t) {
  size_t i = 0;
  while (i < t.size() && is_ws(t[i])) ++i;
  return i < t.size() && t[i] == '<';
}

bool blank(std::string_view s) {
  for (char c : s)
    if (!is_ws(c)) return false;
  return true;
}

struct XmlLeaves {
  size_t cutoff;
  KvSink& sink;
  std::vector<size_t> lens;
  std::string path, buf;
  bool cut = false;
  void start(std::string_view name, size_t) {
    lens.push_back(path.size());
    if (!path.empty()) path += '.';
    path += name;
  }
  void attr(std::string_view an, size_t, const std::string& v, size_t end) {
    if (end > cutoff) {
      cut = true;
      return;
    }
    if (cut) return;
    buf.assign(path).append("{@").append(an).append("}");
    sink.add(buf, v);
  }
  void end(std::string_view, size_t, bool has_child, const std::string& text, std::string_view, size_t end) {
    if (end > cutoff) cut = true;
    if (!cut && !has_child && !blank(text)) sink.add(path, text);
    path.resize(lens.back());
    lens.pop_back();
  }
};

struct XmlPath {
  const std::vector<PathStep>& p;
  std::vector<std::string>& out;
  size_t matched = 0;  // number of open elements that match the path so far
  void start(std::string_view name, size_t depth) {
    if (depth == matched && depth < p.size() && p[depth].name == name) ++matched;
  }
  void attr(std::string_view an, size_t depth, const std::string& v, size_t) {
    if (depth + 1 == p.size() && matched == p.size() && !p.back().attribute.empty() && an == p.back().attribute)
      out.push_back(v);
  }
  void end(std::string_view, size_t depth, bool has_child, const std::string& text, std::string_view inner, size_t) {
    if (depth + 1 == matched) {
      if (matched == p.size() && p.back().attribute.empty()) {
        if (has_child) out.emplace_back(inner);
        else if (!blank(text)) out.push_back(text);
      }
      --matched;
    }
  }
};

struct XmlTags {
  KvSink& sink;
  void start(std::string_view, size_t) {}
  void attr(std::string_view, size_t, const std::string&, size_t) {}
  void end(std::string_view name, size_t, bool has_child, const std::string& text, std::string_view, size_t) {
    if (!has_child && !blank(text)) sink.add(name, text);
  }
};

}  // namespace

std::vector<PathStep> parse_spath_path(std::string_view path) {
  std::vector<PathStep> out;
  if (path.empty()) throw std::invalid_argument("empty path");
  size_t i = 0;
  for (;;) {
    PathStep st;
    while (i < path.size() && path[i] != '.' && path[i] != '{') st.name += path[i++];
    while (i < path.size() && path[i] == '{') {
      const size_t close = path.find('}', i);
      if (close == std::string_view::npos) throw std::invalid_argument("unclosed '{' in path");
      const std::string_view inner = path.substr(i + 1, close - i - 1);
      if (inner.empty()) {
        if (!st.attribute.empty()) throw std::invalid_argument("{} after an {@attribute}");
        ++st.iterate;
      } else if (inner[0] == '@' && inner.size() > 1) {
        st.attribute = std::string(inner.substr(1));
      } else {
        throw std::invalid_argument("array index {" + std::string(inner) +
                                    "} is not supported (use {} for every member)");
      }
      i = close + 1;
    }
    if (st.name.empty() && st.iterate == 0) throw std::invalid_argument("empty step in path");
    out.push_back(std::move(st));
    if (i >= path.size()) break;
    if (path[i] != '.') throw std::invalid_argument(std::string("unexpected '") + path[i] + "' in path");
    ++i;
  }
  for (size_t k = 0; k + 1 < out.size(); ++k)
    if (!out[k].attribute.empty()) throw std::invalid_argument("{@attribute} must end the path");
  return out;
}

bool json_leaves(std::string_view text, size_t cutoff, KvSink& sink) {
  size_t start;
  if (!looks_json(text, start)) return false;
  JsonLeaves w(text, cutoff, sink);
  w.s_.i = start;
  w.value(0);
  return true;
}

bool json_path(std::string_view text, const std::vector<PathStep>& path, std::vector<std::string>& out) {
  size_t start;
  if (!looks_json(text, start)) return false;
  JsonPath w(text, path, out);
  w.s_.i = start;
  w.walk(0, 0, 0);
  return true;
}

bool json_members(std::string_view text, JsonMemberSink& sink) {
  size_t start;
  if (!looks_json(text, start) || text[start] != '{') return false;
  JsonScan s(text);
  s.i = start;
  std::string key, val;
  auto one = [&](bool in_array) {
    const char c = s.t_[s.i];
    const size_t b = s.i;
    if (c == '"') {
      if (!s.string(val)) return false;
      sink.value(val);
      return true;
    }
    if (c == '{' || (c == '[' && in_array)) {
      if (!s.skip_value(1)) return false;
      sink.value(s.t_.substr(b, s.i - b));
      return true;
    }
    std::string_view lit;
    if (!s.literal(lit)) return false;
    if (lit != "null") sink.value(lit);  // null: no value
    return true;
  };
  s.object(key, [&] {
    sink.begin(key);
    if (s.at('[')) return s.array([&] { return one(true); });
    return one(false);
  });
  return true;
}

bool xml_leaves(std::string_view text, size_t cutoff, KvSink& sink) {
  if (!looks_xml(text)) return false;
  XmlLeaves h{cutoff, sink, {}, {}, {}};
  return xml_walk(text, h);
}

bool xml_path(std::string_view text, const std::vector<PathStep>& path, std::vector<std::string>& out) {
  if (!looks_xml(text)) return false;
  XmlPath h{path, out};
  return xml_walk(text, h);
}

void xml_tag_values(std::string_view text, KvSink& sink) {
  XmlTags h{sink};
  xml_walk(text, h);
}

bool wildcard_capture(std::string_view pat, std::string_view s, std::vector<std::string_view>& caps) {
  caps.clear();
  // Split the pattern on '*': the first piece anchors at the start, the last at the end,
  // middle pieces take their first occurrence (which leaves the most room after them).
  std::vector<std::string_view> pieces;
  size_t b = 0;
  for (size_t k = 0; k <= pat.size(); ++k)
    if (k == pat.size() || pat[k] == '*') pieces.push_back(pat.substr(b, k - b)), b = k + 1;
  if (pieces.size() == 1) return pat == s;
  const std::string_view first = pieces.front(), last = pieces.back();
  if (s.size() < first.size() + last.size() || s.substr(0, first.size()) != first ||
      s.substr(s.size() - last.size()) != last)
    return false;
  size_t pos = first.size();
  const size_t end = s.size() - last.size();
  for (size_t k = 1; k + 1 < pieces.size(); ++k) {
    const size_t hit = s.substr(0, end).find(pieces[k], pos);
    if (hit == std::string_view::npos) return false;
    caps.push_back(s.substr(pos, hit - pos));
    pos = hit + pieces[k].size();
  }
  caps.push_back(s.substr(pos, end - pos));
  return true;
}

}  // namespace splinter::exec
