// Helpers shared by the EVTX reader tests.
#pragma once
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "io/evtx/evtx_reader.h"

namespace splinter::io::evtx_test {

inline std::string shared_dir() { return SPLINTER_SHARED_DIR; }

inline std::vector<uint8_t> load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Rec {
  std::vector<std::pair<std::string, std::string>> fields;
  int64_t time_us = 0;
  uint64_t offset = 0;
  bool recovered = false;
  EventFormat format = EventFormat::Xml;
  const std::string* get(const std::string& name) const {
    for (const auto& [n, v] : fields)
      if (n == name) return &v;
    return nullptr;
  }
  std::string at(const std::string& name) const {
    const std::string* v = get(name);
    return v ? *v : std::string("<missing>");
  }
  // EventData / UserData part: everything after the System fields, which always end
  // with Computer (then Security/@UserID when present).
  std::vector<std::pair<std::string, std::string>> data() const {
    size_t i = 0;
    while (i < fields.size() && fields[i].first != "Computer") ++i;
    if (i < fields.size()) ++i;
    if (i < fields.size() && fields[i].first == "UserID") ++i;
    return {fields.begin() + long(std::min(i, fields.size())), fields.end()};
  }
};

struct CollectSink : EventSink {
  std::vector<Rec> recs;
  std::vector<InputProblem> problems;
  void on_event(const Event& e) override {
    Rec r;
    for (const auto& f : e) r.fields.emplace_back(f.name, f.value);
    r.time_us = e.time_us;
    r.offset = e.offset;
    r.recovered = e.recovered;
    r.format = e.format;
    recs.push_back(std::move(r));
  }
  void on_problem(const InputProblem& p) override { problems.push_back(p); }
  size_t warnings() const {
    return size_t(std::count_if(problems.begin(), problems.end(), [](const InputProblem& p) { return p.warning; }));
  }
};

inline FileStats read_file(const std::string& path, CollectSink& sink, ReadOptions opts = {}) {
  const std::vector<uint8_t> data = load(path);
  FileStats st;
  st.path = path;
  read_evtx(data.data(), data.size(), path, sink, st, opts);
  return st;
}

inline std::vector<std::string> all_evtx_files() {
  std::vector<std::string> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(shared_dir(), ec)) return out;
  for (const auto& de : std::filesystem::recursive_directory_iterator(shared_dir(), ec))
    if (de.is_regular_file() && de.path().extension() == ".evtx") out.push_back(de.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

inline bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c >> 5) == 6) { n = 1; cp = c & 0x1f; }
    else if ((c >> 4) == 14) { n = 2; cp = c & 0x0f; }
    else if ((c >> 3) == 30) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 2) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

}  // namespace splinter::io::evtx_test
