// Text readers behind read_inputs(): they pull from a StreamBuffer, push events and
// problems to the sink and keep the per-file counters. Exposed for unit tests.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/classic_message.h"
#include "io/event.h"
#include "io/input.h"
#include "io/stream.h"

namespace splinter::io {

// Largest record a text reader accepts before it reports "record too large" and resyncs.
inline constexpr size_t kMaxRecordBytes = size_t(16) << 20;
inline constexpr const char* kRecordTooLarge = "record too large (over the 16 MiB record limit); skipped";
// A stream (pipe, FIFO, device) that gives this many bytes without a record parsed is
// not a log, or no longer one (/dev/zero, a stream of junk): reading stops with an
// error. Twice the largest record, so a record at the limit and the gap after it fit.
// A regular file needs no bound: its end is known.
inline constexpr uint64_t kMaxStreamJunkBytes = 2 * uint64_t(kMaxRecordBytes);

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

// One classic WinEventLog text record ("MM/DD/YYYY hh:mm:ss AM" line, Key=Value lines,
// Message= taking the rest) -> the fields the XML rendering of the event has.
class ClassicRecordParser {
 public:
  // ev is cleared first; on failure returns false and sets error.
  bool parse(std::string_view rec, Event& ev, std::string& error);

 private:
  ClassicMessageParser message_;
  std::vector<std::pair<std::string_view, std::string_view>> pairs_;
};

// A classic WinEventLog text record starts at v[i]: a "01/14/2021 11:41:39 PM" line
// followed by a Key=Value line (Splunk's records begin with LogName=). For sniffing.
bool classic_record_at(std::string_view v, size_t i);

// Where "<Event" starts after a syslog prefix at the start of v (Sysmon for Linux as
// syslog writes it: "May 16 09:20:11 host sysmon[12]: <Event>", an ISO timestamp
// instead, or RFC 5424's "<14>1 2024-05-16T09:20:11Z host sysmon 12 - - <Event>"),
// or npos. Looks at the first line only, at most kMaxSyslogPrefix bytes of it.
inline constexpr size_t kMaxSyslogPrefix = 512;
size_t syslog_event_start(std::string_view v);

// scanned (tests): when given, receives the bytes searched for record ends, which
// stays proportional to the input (each byte is searched about once).
void read_xml_stream(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st,
                     uint64_t* scanned = nullptr);
void read_json_stream(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st);
// EvtxECmd's CSV output: a header row naming (among others) EventId, Provider and
// Payload, then a row per record, mapped as EvtxECmd's JSON output is.
bool evtxecmd_csv_header(std::string_view first_line);
void read_evtxecmd_csv_stream(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st);

}  // namespace splinter::io
