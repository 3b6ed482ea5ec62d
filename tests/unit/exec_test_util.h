// Helpers for tests of the row pipeline over hand-made rows.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "exec/lookup.h"
#include "exec/plan.h"
#include "spl/parser.h"

namespace splinter::exec::test {

inline Row row(std::initializer_list<std::pair<const char*, const char*>> kv) {
  Row r;
  for (auto& [k, v] : kv) r.set(k, Value::of(std::string(v)));
  return r;
}

// Runs the commands after the leading search (or tstats) of spl over the given rows.
inline std::vector<Row> run(const std::string& spl, std::vector<Row> rows, const LookupCatalog* lookups = nullptr) {
  auto plan = compile_plan(spl::parse_pipeline(spl), lookups);
  return run_row_ops(*plan, std::move(rows));
}

// A field as text; a multivalue joined with '|'; "<null>" when absent.
inline std::string text(const Row& r, const char* f) {
  const Value* v = r.get(f);
  if (!v || v->is_null()) return "<null>";
  std::string out;
  for (auto& t : v->texts()) out += (out.empty() ? "" : "|") + t;
  return out;
}

// One field over all rows, comma-separated, in row order.
inline std::string column(const std::vector<Row>& rows, const char* f) {
  std::string out;
  for (auto& r : rows) out += (out.empty() ? "" : ",") + text(r, f);
  return out;
}

// Position of the compile error of spl (its message in *msg); fails the test if none.
inline size_t compile_error_pos(const std::string& spl, std::string* msg = nullptr,
                                const LookupCatalog* lookups = nullptr) {
  try {
    compile_plan(spl::parse_pipeline(spl), lookups);
  } catch (const spl::Error& e) {
    if (msg) *msg = e.what();
    return e.pos;
  }
  ADD_FAILURE() << "expected a compile error: " << spl;
  return SIZE_MAX;
}

inline std::string compile_error(const std::string& spl, const LookupCatalog* lookups = nullptr) {
  std::string msg;
  compile_error_pos(spl, &msg, lookups);
  return msg;
}

}  // namespace splinter::exec::test
