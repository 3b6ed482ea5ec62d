// How compiled expressions reach field values: names are resolved to integer ids at
// compile time; at run time an accessor returns the value for an id.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/value.h"

namespace splinter::exec {

class FieldAccess {
 public:
  virtual ~FieldAccess() = default;
  virtual const Value* get(int id) = 0;  // nullptr = null
  // Every field's values (for bare search terms); default: none.
  virtual void all_values(std::vector<const Value*>&) {}
};

// Resolves a field name to an id for a FieldAccess; -1 = always null.
class FieldResolver {
 public:
  virtual ~FieldResolver() = default;
  virtual int resolve(std::string_view name) = 0;
  // Fields a comparison on which always holds here (e.g. index= or earliest= in a
  // raw search: splinter has no indexes and reads the whole input).
  virtual bool always_true(std::string_view) { return false; }
};

// Rows: ids index a name table built while compiling.
class RowFields : public FieldResolver {
 public:
  int resolve(std::string_view name) override {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return static_cast<int>(i);
    names.emplace_back(name);
    return static_cast<int>(names.size() - 1);
  }
  std::vector<std::string> names;
};

class RowAccess : public FieldAccess {
 public:
  RowAccess(const RowFields& f, Row& r) : fields_(f), row_(r) {}
  const Value* get(int id) override {
    if (id < 0) return nullptr;
    const Value* v = row_.get(fields_.names[id]);
    return v && !v->is_null() ? v : nullptr;
  }
  void all_values(std::vector<const Value*>& out) override {
    for (auto& [n, v] : row_.fields) out.push_back(&v);
  }
  Row& row() { return row_; }

 private:
  const RowFields& fields_;
  Row& row_;
};

}  // namespace splinter::exec
