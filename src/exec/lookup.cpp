#include "exec/lookup.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/strings.h"

namespace splinter::exec {

LookupTable LookupTable::parse_csv(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  LookupTable t;
  std::vector<std::string> rec;
  std::string cell;
  bool any = false;  // the current record has content (a blank line is no record)
  auto end_record = [&] {
    if (any || !rec.empty()) {
      rec.push_back(std::move(cell));
      if (t.columns_.empty()) t.columns_ = std::move(rec);
      else t.rows_.push_back(std::move(rec));
    }
    rec.clear();
    cell.clear();
    any = false;
  };
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '"' && cell.empty()) {
      // A quoted cell: "" is a quote; commas and line breaks inside are text.
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= s.size()) throw std::runtime_error("unterminated quoted field");
        if (s[j] == '"') {
          if (j + 1 < s.size() && s[j + 1] == '"') {
            cell += '"';
            ++j;
            continue;
          }
          break;
        }
        cell += s[j];
      }
      any = true;
      i = j + 1;
    } else if (c == ',') {
      rec.push_back(std::move(cell));
      cell.clear();
      any = true;
      ++i;
    } else if (c == '\n' || c == '\r') {
      end_record();
      i += (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
    } else {
      cell += c;
      any = true;
      ++i;
    }
  }
  end_record();
  if (t.columns_.empty()) throw std::runtime_error("no header line");
  // Column names lose surrounding blanks: security_content ships headers written
  // "workflow_name, job_name" and searches that name the column job_name.
  for (auto& c : t.columns_) c = std::string(trim(c));
  return t;
}

int LookupTable::column(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i] == name) return static_cast<int>(i);
  return -1;
}

void LookupCatalog::add(LookupDef d) {
  std::string name = d.name;
  defs_[name] = std::move(d);
}

const LookupDef* LookupCatalog::find(std::string_view name) const {
  if (auto it = defs_.find(name); it != defs_.end()) return &it->second;
  // Splunk also takes the lookup file's name in place of a definition's.
  if (name.ends_with(".csv"))
    for (auto& [n, d] : defs_)
      if (!d.path.empty() && std::filesystem::path(d.path).filename() == name) return &d;
  return nullptr;
}

std::shared_ptr<const LookupTable> LookupCatalog::table(const LookupDef& d) const {
  if (d.path.empty())
    throw std::runtime_error("lookup " + d.name + " is a KV store collection" +
                             (d.collection.empty() ? "" : " (" + d.collection + ")") +
                             ", kept inside Splunk; only CSV lookups can be read");
  std::lock_guard<std::mutex> lock(tables_->mu);
  if (auto it = tables_->by_path.find(d.path); it != tables_->by_path.end()) return it->second;
  std::ifstream in(d.path, std::ios::binary);
  if (!in) throw std::runtime_error("lookup " + d.name + ": cannot read " + d.path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::shared_ptr<const LookupTable> t;
  try {
    t = std::make_shared<const LookupTable>(LookupTable::parse_csv(buf.str()));
  } catch (const std::exception& e) {
    throw std::runtime_error("lookup " + d.name + ": " + d.path + ": " + e.what());
  }
  tables_->by_path[d.path] = t;
  return t;
}

// '*' matches any run of characters; everything else itself.
static bool wildcard_match(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++pi, ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

LookupMatcher::LookupMatcher(const LookupDef& d, std::shared_ptr<const LookupTable> t, std::vector<size_t> in_cols)
    : table_(std::move(t)), in_cols_(std::move(in_cols)), case_sensitive_(d.case_sensitive),
      max_matches_(d.max_matches) {
  const auto& cols = table_->columns();
  norm_cells_.resize(in_cols_.size());
  for (size_t k = 0; k < in_cols_.size(); ++k) {
    const std::string& name = cols[in_cols_[k]];
    wildcard_.push_back(std::find(d.wildcard_columns.begin(), d.wildcard_columns.end(), name) != d.wildcard_columns.end());
    norm_cells_[k].reserve(table_->size());
    for (size_t r = 0; r < table_->size(); ++r) norm_cells_[k].push_back(norm(table_->cell(r, in_cols_[k])));
    if (indexed_ < 0 && !wildcard_[k]) indexed_ = static_cast<int>(k);
  }
  if (indexed_ >= 0)
    for (size_t r = 0; r < table_->size(); ++r) index_[norm_cells_[size_t(indexed_)][r]].push_back(r);
}

std::string LookupMatcher::norm(std::string_view s) const {
  return case_sensitive_ ? std::string(s) : to_lower(s);
}

bool LookupMatcher::cell_matches(size_t row, size_t k, const std::string& value) const {
  const std::string& c = norm_cells_[k][row];
  return wildcard_[k] ? wildcard_match(c, value) : c == value;
}

std::vector<size_t> LookupMatcher::match(const std::vector<std::string>& values) const {
  std::vector<std::string> v;
  v.reserve(values.size());
  for (auto& x : values) v.push_back(norm(x));
  std::vector<size_t> out;
  auto consider = [&](size_t r) {
    for (size_t k = 0; k < v.size(); ++k)
      if (!cell_matches(r, k, v[k])) return;
    out.push_back(r);
  };
  if (indexed_ >= 0) {
    auto it = index_.find(v[size_t(indexed_)]);
    if (it != index_.end())
      for (size_t r : it->second) {
        consider(r);
        if (out.size() >= max_matches_) break;
      }
  } else {
    for (size_t r = 0; r < table_->size() && out.size() < max_matches_; ++r) consider(r);
  }
  return out;
}

}  // namespace splinter::exec
