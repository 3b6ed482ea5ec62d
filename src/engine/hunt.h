// The facade: load content, compile every selected detection once, read all inputs
// in one pass feeding every compiled search, then run each row pipeline.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "common/value.h"
#include "content/detection.h"
#include "exec/scanner.h"
#include "io/input.h"

namespace splinter::engine {

struct HuntOptions {
  std::vector<std::string> inputs;
  std::string content_dir;               // empty = built-in content only
  std::vector<std::string> detections;   // names, ids or files; empty = all loaded
  std::vector<std::string> macro_files;  // user overrides (e.g. an allowlist in a _filter macro)
  std::string spl;                       // an ad-hoc search run instead of detections
  io::ReadOptions read;
  size_t max_problems_kept = 1000;       // problems beyond this are counted, not stored
  size_t max_groups = 0;                 // > 0: overrides GroupSpec::max_groups (memory cap per search)
};

struct DetectionResult {
  const content::Detection* detection = nullptr;
  std::vector<Row> rows;
  uint64_t matched_events = 0;  // events that passed the tstats filter
  uint64_t dropped_groups = 0;  // events that would have opened a group past max_groups (results incomplete; also a warning)
  uint64_t regex_limit_hits = 0;  // regex matches that gave up (counted as no match; also a warning)
  std::string error;            // compile error (detection skipped)
  std::vector<std::string> warnings;
};

struct HuntResult {
  std::unique_ptr<content::Content> content;
  std::vector<DetectionResult> results;
  std::vector<std::string> content_errors;  // unreadable files, unknown --detection names
  // A content path, macros file or detection the user named could not be used: nothing
  // was run (results without the user's allowlist or content would mislead).
  bool fatal = false;
  std::vector<io::FileStats> files;
  std::vector<io::InputProblem> problems;  // first max_problems_kept
  uint64_t problems_total = 0, warnings_total = 0;
  exec::ScanCounters counters;
  double elapsed_seconds = 0;

  bool has_input_errors() const;
  bool has_content_errors() const;
};

HuntResult hunt(const HuntOptions& opts);

}  // namespace splinter::engine
