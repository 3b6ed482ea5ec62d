// A field value in a result row, with Splunk's dynamic typing: null, string, number
// or multivalue (an ordered list of strings).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace splinter {

struct Value {
  enum class Type { Null, Str, Num, Multi };
  Type type = Type::Null;
  std::string str;                // Str
  double num = 0;                 // Num
  std::vector<std::string> multi;  // Multi
  // Num that is a time (_time, and what min/max and span buckets keep of it):
  // `us` is the same number in exact epoch microseconds, which `num` cannot hold for
  // far dates (9999-12-31T23:59:59.999999 would round up to year 10000).
  bool exact_us = false;
  int64_t us = 0;

  static Value null() { return {}; }
  static Value of(std::string s) {
    Value v;
    v.type = Type::Str;
    v.str = std::move(s);
    return v;
  }
  static Value of(double d) {
    Value v;
    v.type = Type::Num;
    v.num = d;
    return v;
  }
  static Value of_time_us(int64_t t) {
    Value v;
    v.type = Type::Num;
    v.exact_us = true;
    v.us = t;
    // Whole seconds and fraction apart, so num is as close as a double gets.
    int64_t secs = t / 1000000, frac = t % 1000000;
    v.num = static_cast<double>(secs) + static_cast<double>(frac) / 1e6;
    return v;
  }
  static Value of_bool(bool b) { return of(std::string(b ? "true" : "false")); }
  bool is_null() const { return type == Type::Null; }
  // Text form as Splunk would print it (multivalue: first value).
  std::string text() const {
    switch (type) {
      case Type::Str: return str;
      case Type::Num: return exact_us ? format_epoch_us(us) : format_number(num);
      case Type::Multi: return multi.empty() ? std::string() : multi.front();
      default: return {};
    }
  }
  // Each value as text (one for single values, none for null).
  std::vector<std::string> texts() const {
    if (type == Type::Multi) return multi;
    if (type == Type::Null) return {};
    return {text()};
  }
  bool as_number(double& out) const {
    if (type == Type::Num) return out = num, true;
    if (type == Type::Str) return parse_number(str, out);
    if (type == Type::Multi && multi.size() == 1) return parse_number(multi[0], out);
    return false;
  }
  // The value as epoch microseconds: exact for a time or a decimal text, else the
  // number rounded to the microsecond. False if not a number or out of range.
  bool as_time_us(int64_t& out) const {
    if (type == Type::Num) return exact_us ? (out = us, true) : seconds_to_us(num, out);
    if (type == Type::Str) return parse_epoch_us(str, out);
    if (type == Type::Multi && multi.size() == 1) return parse_epoch_us(multi[0], out);
    return false;
  }
};

// One result row: fields in output order. Post-aggregation rows are few, so a
// small vector with linear lookup beats a map.
struct Row {
  std::vector<std::pair<std::string, Value>> fields;

  const Value* get(std::string_view name) const {
    for (auto& [n, v] : fields)
      if (n == name) return &v;
    return nullptr;
  }
  Value* get(std::string_view name) {
    for (auto& [n, v] : fields)
      if (n == name) return &v;
    return nullptr;
  }
  void set(std::string_view name, Value v) {
    if (Value* cur = get(name)) *cur = std::move(v);
    else fields.emplace_back(std::string(name), std::move(v));
  }
  void erase(std::string_view name) {
    for (auto it = fields.begin(); it != fields.end(); ++it)
      if (it->first == name) {
        fields.erase(it);
        return;
      }
  }
};

}  // namespace splinter
