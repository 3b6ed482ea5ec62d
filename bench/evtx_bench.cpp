// Reads .evtx files as `splinter hunt` does (io::read_inputs: files mapped, consecutive
// EVTX files decoded as one batch) and counts records: the decode-only figure of
// bench/evtx_vs_evtxexport.sh, without CIM mapping and detections.
//   evtx_bench [--threads N] [--carve] [--dump] [--problems] [--repeat N] PATH...
// --dump prints every event as one JSON object per line (debugging / diffing).
// seconds= is the time spent inside read_inputs (best pass when --repeat > 1).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "io/input.h"

namespace {

void json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(char(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out.append(buf);
    } else {
      out.push_back(char(c));
    }
  }
  out.push_back('"');
}

struct Sink : splinter::io::EventSink {
  bool dump = false, show_problems = false;
  uint64_t events = 0, problems = 0, warnings = 0;
  std::string line;
  void on_event(const splinter::io::Event& e) override {
    ++events;
    if (!dump) return;
    line.clear();
    line.append("{\"_offset\":");
    line.append(std::to_string(e.offset));
    line.append(",\"_time_us\":");
    line.append(std::to_string(e.time_us));
    if (e.recovered) line.append(",\"_recovered\":true");
    for (const auto& f : e) {
      line.push_back(',');
      json_string(line, f.name);
      line.push_back(':');
      json_string(line, f.value);
    }
    line.append("}\n");
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  void on_problem(const splinter::io::InputProblem& p) override {
    ++problems;
    warnings += p.warning;
    if (show_problems)
      std::fprintf(stderr, "%s: %s at %llu: %s\n", p.warning ? "warning" : "error", p.file.c_str(),
                   (unsigned long long)p.offset, p.what.c_str());
  }
};

}  // namespace

int main(int argc, char** argv) {
  splinter::io::ReadOptions opts;
  Sink sink;
  std::vector<std::string> files;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) opts.threads = unsigned(std::stoul(argv[++i]));
    else if (a == "--carve") opts.carve = true;
    else if (a == "--dump") sink.dump = true;
    else if (a == "--problems") sink.show_problems = true;
    else if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::stoi(argv[++i]));
    else if (std::filesystem::is_directory(a)) {
      for (const auto& de : std::filesystem::recursive_directory_iterator(a))
        if (de.is_regular_file() && de.path().extension() == ".evtx") files.push_back(de.path().string());
    } else {
      files.push_back(a);
    }
  }
  std::sort(files.begin(), files.end());
  uint64_t bytes = 0;
  double secs = 0;
  for (int pass = 0; pass < repeat; ++pass) {
    sink.events = sink.problems = sink.warnings = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<splinter::io::FileStats> stats = splinter::io::read_inputs(files, sink, opts);
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (pass == 0 || t < secs) secs = t;
    bytes = 0;
    for (const auto& st : stats) bytes += st.bytes;
    if (sink.dump) break;
  }
  std::fprintf(stderr, "files=%zu records=%llu problems=%llu warnings=%llu bytes=%llu seconds=%.3f records_per_s=%.0f MB_per_s=%.1f\n",
               files.size(), (unsigned long long)sink.events, (unsigned long long)sink.problems,
               (unsigned long long)sink.warnings, (unsigned long long)bytes, secs,
               secs > 0 ? double(sink.events) / secs : 0.0, secs > 0 ? double(bytes) / 1e6 / secs : 0.0);
  return 0;
}
