// Helpers shared by the io unit tests.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "io/event.h"
#include "io/input.h"

namespace splinter::io::testing {

// An event kept past on_event: owns copies of the fields (Event only lends views).
struct StoredField {
  std::string name, value;
};

struct StoredEvent {
  std::vector<StoredField> fields;
  int64_t time_us = kNoTime;
  uint64_t offset = 0, line = 0;
  EventFormat format = EventFormat::Xml;
  const std::string* get(std::string_view n) const {
    for (const StoredField& f : fields)
      if (f.name == n) return &f.value;
    return nullptr;
  }
  std::string at(std::string_view n) const {
    const std::string* v = get(n);
    return v ? *v : std::string("<absent>");
  }
  size_t count(std::string_view n) const {
    size_t c = 0;
    for (const StoredField& f : fields) c += f.name == n;
    return c;
  }
};

class CollectSink : public EventSink {
 public:
  void on_event(const Event& e) override {
    StoredEvent s;
    for (const Field& f : e) s.fields.push_back({std::string(f.name), std::string(f.value)});
    s.time_us = e.time_us;
    s.offset = e.offset;
    s.line = e.line;
    s.format = e.format;
    events.push_back(std::move(s));
  }
  void on_problem(const InputProblem& p) override {
    // Most tests write events without a time, or classic records timed by their zone-less
    // header; those per-file warnings are kept only where a test asks for them.
    if (!keep_time_warnings && p.warning &&
        (p.what.find("with no readable time") != std::string::npos ||
         p.what.find("classic WinEventLog event(s) took _time") != std::string::npos))
      return;
    problems.push_back(p);
  }
  std::vector<StoredEvent> events;
  std::vector<InputProblem> problems;
  bool keep_time_warnings = false;
};

// A temporary directory removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "splinter-io-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) tmpl.clear();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name, const std::string& content) const {
    std::string p = (std::filesystem::path(path_) / name).string();
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::string shared_dir() { return SPLINTER_SHARED_DIR; }

// 2024-05-14T09:15:02Z style -> microseconds, for expectations.
int64_t utc_us(int y, int mo, int d, int h, int mi, int s);

}  // namespace splinter::io::testing
