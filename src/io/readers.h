// Text readers behind read_inputs(): they pull from a StreamBuffer, push events and
// problems to the sink and keep the per-file counters. Exposed for unit tests.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/event.h"
#include "io/input.h"
#include "io/stream.h"

namespace splinter::io {

// Largest record a text reader accepts before it reports "record too large" and resyncs.
inline constexpr size_t kMaxRecordBytes = size_t(16) << 20;
inline constexpr const char* kRecordTooLarge = "record too large (over the 16 MiB record limit); skipped";

// One <Event>...</Event> element -> fields (raw text between tags, entities kept).
class XmlEventParser {
 public:
  // rec must start with "<Event" and end with "</Event>". On failure returns false
  // and sets error; ev is cleared first either way.
  bool parse(std::string_view rec, Event& ev, std::string& error);

 private:
  struct Frame {
    std::string_view name;
    size_t text_begin = 0;
    bool has_child = false;
    bool cdata = false;
    bool named = false;  // EventData <Data Name='...'>
    std::string_view data_name;
  };
  static constexpr int kMaxDepth = 64;
  void leaf(int level, const Frame& f, std::string_view text, bool self_closing, Event& ev);
  Frame frames_[kMaxDepth];
  int section_ = 0;
  std::string text_;  // CDATA-stripped text
};

// A classic WinEventLog text record starts at v[i]: a "01/14/2021 11:41:39 PM" line
// followed by a Key=Value line (Splunk's records begin with LogName=). For sniffing.
bool classic_record_at(std::string_view v, size_t i);

// scanned (tests): when given, receives the bytes searched for record ends, which
// stays proportional to the input (each byte is searched about once).
void read_xml_stream(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st,
                     uint64_t* scanned = nullptr);
void read_json_stream(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st);

}  // namespace splinter::io
