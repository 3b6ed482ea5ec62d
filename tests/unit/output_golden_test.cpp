// Data-driven end-to-end tests, in the spirit of DuckDB's sqllogictest: each file
// is input + detection (or SPL) -> expected rows. Adding a case is adding a file.
//
//  1. Every input in ../shared/cases with an expected/<case>.jsonl runs the built-in
//     seed detection and must give exactly those rows (order does not matter).
//  2. Every tests/golden/*.test file: header lines "key: value", a line "----",
//     then the expected rows as JSON lines. Keys:
//       input:     path relative to the repo root (repeatable)
//       detection: name, id or YAML file (default: the built-in seed detection)
//       content:   security_content checkout (relative path)
//       macros:    macros file (relative path)
//       spl:       an ad-hoc search instead of a detection
//       tz:        display time zone for ctime
//       error:     a substring the compile error must contain (no rows then)
//       order:     "exact": rows must come in the expected order (default: any order)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <simdjson.h>
#include <sstream>

#include "common/timefmt.h"
#include "engine/hunt.h"
#include "output/writers.h"

namespace fs = std::filesystem;
using namespace splinter;

namespace {

const fs::path kRepo = SPLINTER_REPO_DIR;
const fs::path kShared = SPLINTER_SHARED_DIR;

// A row as a canonical string: keys sorted, values as JSON.
std::string canon(const std::map<std::string, std::string>& m) {
  std::string o = "{";
  for (auto& [k, v] : m) o += (o.size() > 1 ? ", " : "") + output::json_quote(k) + ": " + v;
  return o + "}";
}

std::string canon_row(const Row& r) {
  std::map<std::string, std::string> m;
  for (auto& [k, v] : r.fields) {
    if (v.type == Value::Type::Num) m[k] = v.text();
    else if (v.type == Value::Type::Null) m[k] = "null";
    else if (v.type == Value::Type::Multi) {
      std::string a = "[";
      for (size_t i = 0; i < v.multi.size(); ++i) a += (i ? ", " : "") + output::json_quote(v.multi[i]);
      m[k] = a + "]";
    } else m[k] = output::json_quote(v.str);
  }
  return canon(m);
}

std::string canon_json(const std::string& line) {
  simdjson::dom::parser p;
  simdjson::padded_string ps(line);
  simdjson::dom::element doc = p.parse(ps);
  std::map<std::string, std::string> m;
  for (auto [k, v] : doc.get_object()) {
    std::string key(k);
    switch (v.type()) {
      case simdjson::dom::element_type::STRING: m[key] = output::json_quote(std::string_view(v)); break;
      case simdjson::dom::element_type::INT64: m[key] = format_number(static_cast<double>(int64_t(v))); break;
      case simdjson::dom::element_type::UINT64: m[key] = format_number(static_cast<double>(uint64_t(v))); break;
      case simdjson::dom::element_type::DOUBLE: m[key] = format_number(double(v)); break;
      case simdjson::dom::element_type::NULL_VALUE: m[key] = "null"; break;
      case simdjson::dom::element_type::ARRAY: {
        std::string a = "[";
        bool first = true;
        for (auto x : v.get_array()) a += (first ? "" : ", ") + output::json_quote(std::string_view(x)), first = false;
        m[key] = a + "]";
        break;
      }
      default: m[key] = simdjson::to_string(v);
    }
  }
  return canon(m);
}

std::vector<std::string> read_expected(std::istream& in, bool sorted = true) {
  std::vector<std::string> rows;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line.find_first_not_of(" \t\r") != std::string::npos) rows.push_back(canon_json(line));
  if (sorted) std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<std::string> actual_rows(const engine::HuntResult& r, std::string* error, bool sorted = true) {
  std::vector<std::string> rows;
  for (auto& d : r.results) {
    if (!d.error.empty() && error) *error += d.error;
    for (auto& row : d.rows) rows.push_back(canon_row(row));
  }
  for (auto& e : r.content_errors)
    if (error) *error += e;
  if (sorted) std::sort(rows.begin(), rows.end());
  return rows;
}

std::string join(const std::vector<std::string>& v) {
  std::string o;
  for (auto& s : v) o += "  " + s + "\n";
  return o;
}

}  // namespace

class SharedCase : public testing::TestWithParam<std::string> {};

TEST_P(SharedCase, GivesExpectedRows) {
  fs::path input = GetParam();
  fs::path expected = kShared / "cases" / "expected" / (input.stem().string() + ".jsonl");
  std::ifstream ef(expected);
  ASSERT_TRUE(ef) << expected;
  auto want = read_expected(ef);
  set_display_timezone("UTC");
  engine::HuntOptions o;
  o.inputs = {input.string()};
  auto r = engine::hunt(o);
  std::string err;
  auto got = actual_rows(r, &err);
  EXPECT_EQ(err, "");
  EXPECT_EQ(got, want) << "input " << input << "\nexpected:\n" << join(want) << "got:\n" << join(got);
  for (auto& f : r.files) EXPECT_EQ(f.read, f.parsed + f.rejected) << f.path;
}

static std::vector<std::string> shared_cases() {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(kShared / "cases", ec)) return out;
  for (auto& e : fs::directory_iterator(kShared / "cases")) {
    auto ext = e.path().extension();
    if (ext == ".spl" || ext == ".md" || !e.is_regular_file()) continue;
    if (fs::exists(kShared / "cases" / "expected" / (e.path().stem().string() + ".jsonl"))) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

static std::string case_name(const testing::TestParamInfo<std::string>& i) {
  std::string s = fs::path(i.param).filename().string();
  for (auto& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Cases, SharedCase, testing::ValuesIn(shared_cases()), case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SharedCase);

class GoldenFile : public testing::TestWithParam<std::string> {};

TEST_P(GoldenFile, GivesExpectedRows) {
  std::ifstream in(GetParam());
  ASSERT_TRUE(in);
  engine::HuntOptions o;
  std::string line, expect_error, tz = "UTC";
  bool any_order = true;
  while (std::getline(in, line) && line != "----") {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    ASSERT_NE(colon, std::string::npos) << "bad header line: " << line;
    std::string key = line.substr(0, colon), value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    auto path = [&](const std::string& v) { return (kRepo / v).lexically_normal().string(); };
    if (key == "input") o.inputs.push_back(path(value));
    else if (key == "detection") o.detections.push_back(value.ends_with(".yml") ? path(value) : value);
    else if (key == "content") o.content_dir = path(value);
    else if (key == "macros") o.macro_files.push_back(path(value));
    else if (key == "spl") o.spl = value;
    else if (key == "tz") tz = value;
    else if (key == "carve") o.read.carve = value == "true";
    else if (key == "error") expect_error = value;
    else if (key == "order" && value == "exact") any_order = false;
    else FAIL() << "unknown key " << key;
  }
  auto want = read_expected(in, any_order);
  ASSERT_TRUE(set_display_timezone(tz));
  auto r = engine::hunt(o);
  set_display_timezone("UTC");
  // A mistyped input path would otherwise just give empty rows.
  for (const auto& f : r.files) EXPECT_FALSE(f.failed) << "input not readable: " << f.path;
  std::string err;
  auto got = actual_rows(r, &err, any_order);
  if (!expect_error.empty()) {
    EXPECT_NE(err.find(expect_error), std::string::npos) << "error was: " << err;
  } else {
    EXPECT_EQ(err, "");
  }
  EXPECT_EQ(got, want) << "expected:\n" << join(want) << "got:\n" << join(got);
}

// The case files known at build time (comments only): adding one rebuilds this test.
#include "golden_cases.inc"

static std::vector<std::string> golden_files() {
  std::vector<std::string> out;
  for (auto& e : fs::recursive_directory_iterator(kRepo / "tests" / "golden"))
    if (e.path().extension() == ".test") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenFile, testing::ValuesIn(golden_files()), case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenFile);
