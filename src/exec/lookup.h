// File-based lookups (the SPL lookup command): lookup definitions as security_content
// describes them (lookups/<name>.yml: a CSV file beside it plus Splunk's transforms.conf
// matching rules), CSV tables loaded once per run and shared by every plan that uses them.
#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace splinter::exec {

// One lookup definition. Defaults are Splunk's transforms.conf defaults for a lookup
// without a time field ("Add field matching rules to your lookup configuration").
struct LookupDef {
  std::string name;
  std::string path;        // the CSV file; empty for a KV store collection
  std::string collection;  // KV store collection name (not readable here)
  bool case_sensitive = true;
  std::vector<std::string> wildcard_columns;  // match_type WILDCARD(<column>)
  std::string unsupported_match;              // another match_type (CIDR(...), ...), refused on use
  size_t min_matches = 0;
  size_t max_matches = 100;
  std::string default_match;  // given min_matches times over when fewer rows match
};

// A CSV table: the first record names the columns (RFC 4180 quoting; a UTF-8 BOM is skipped).
class LookupTable {
 public:
  // Throws std::runtime_error on malformed CSV (an unterminated quote, no header).
  static LookupTable parse_csv(std::string_view text);
  int column(std::string_view name) const;  // -1 if the table has no such column
  const std::vector<std::string>& columns() const { return columns_; }
  size_t size() const { return rows_.size(); }
  // A cell; empty for a record shorter than the header.
  const std::string& cell(size_t row, size_t col) const {
    static const std::string kEmpty;
    return col < rows_[row].size() ? rows_[row][col] : kEmpty;
  }

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// The definitions of one run. Tables are read on first use and then shared.
class LookupCatalog {
 public:
  void add(LookupDef d);
  // By definition name, or by CSV file name ("foo.csv"); null if none.
  const LookupDef* find(std::string_view name) const;
  // The table of a CSV lookup, read once. Throws std::runtime_error (unreadable or
  // malformed file; a KV store collection).
  std::shared_ptr<const LookupTable> table(const LookupDef& d) const;
  size_t size() const { return defs_.size(); }

 private:
  std::map<std::string, LookupDef, std::less<>> defs_;
  struct Tables {
    std::mutex mu;
    std::map<std::string, std::shared_ptr<const LookupTable>> by_path;
  };
  // Held by pointer so a catalog stays movable (it lives in content::Content).
  std::shared_ptr<Tables> tables_ = std::make_shared<Tables>();
};

// A lookup bound to its input columns: the rows whose match columns hold the given
// values (exact, or '*' wildcards for WILDCARD columns; case-insensitive unless the
// definition says otherwise), in file order, at most max_matches of them.
class LookupMatcher {
 public:
  LookupMatcher(const LookupDef& d, std::shared_ptr<const LookupTable> t, std::vector<size_t> in_cols);
  std::vector<size_t> match(const std::vector<std::string>& values) const;  // one value per input column
  const LookupTable& table() const { return *table_; }

 private:
  std::string norm(std::string_view s) const;
  bool cell_matches(size_t row, size_t k, const std::string& value) const;
  std::shared_ptr<const LookupTable> table_;
  std::vector<size_t> in_cols_;
  std::vector<bool> wildcard_;
  bool case_sensitive_;
  size_t max_matches_;
  // Rows by the normalized value of the first exact (non-wildcard) input column, so a
  // lookup is a hash probe, not a scan; -1 when every input column is a wildcard one.
  int indexed_ = -1;
  std::unordered_map<std::string, std::vector<size_t>> index_;
  std::vector<std::vector<std::string>> norm_cells_;  // [k][row]: normalized input cells
};

}  // namespace splinter::exec
