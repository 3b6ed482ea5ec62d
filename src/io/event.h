// One raw endpoint event as every reader hands it on: a flat, ordered list of
// (name, value) pairs plus the event time and where it came from.
//
// Field names are the Windows names whatever the source format, so that the CIM
// mapping is one table for XML, EVTX and JSON:
//   System:    EventID (also EventCode), Version, Level, Task, Opcode, Keywords,
//              EventRecordID, Channel, Computer, ProviderName, ProviderGuid,
//              SystemTime, UserID, ProcessID, ThreadID, ActivityID, RelatedActivityID
//   EventData: <Data Name='X'>v</Data> -> X ; UserData leaf elements -> their tag name
// Values are strings exactly as the source renders them (XML-rendered sources keep
// entity references such as &quot;; JSON sources give the decoded string).
// Readers may add extra raw names (e.g. JSON dotted paths) after the canonical ones.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace splinter::io {

inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

// The rendering a record was read from. Splunk's Windows add-on labels classic
// key=value text records sourcetype WinEventLog and XML ones XmlWinEventLog; EVTX
// records are rendered as XML and JSON exports keep the XML labels too.
enum class EventFormat : uint8_t { Xml, Classic, Evtx, Json };

struct Field {
  std::string name;
  std::string value;
};

class Event {
 public:
  // Reuses the capacity of earlier fields: readers keep one Event and refill it,
  // so steady-state reading does not allocate per event.
  void clear() {
    size_ = 0;
    time_us = kNoTime;
    offset = 0;
    line = 0;
    recovered = false;
    format = EventFormat::Xml;
  }
  void add(std::string_view name, std::string_view value) {
    if (size_ == fields_.size()) fields_.emplace_back();
    fields_[size_].name.assign(name);
    fields_[size_].value.assign(value);
    ++size_;
  }
  // First value wins, as Splunk's XmlWinEventLog extraction does.
  const std::string* get(std::string_view name) const {
    for (size_t i = 0; i < size_; ++i)
      if (fields_[i].name == name) return &fields_[i].value;
    return nullptr;
  }
  size_t size() const { return size_; }
  const Field& operator[](size_t i) const { return fields_[i]; }
  const Field* begin() const { return fields_.data(); }
  const Field* end() const { return fields_.data() + size_; }

  int64_t time_us = kNoTime;  // UTC microseconds since the epoch (_time)
  uint64_t offset = 0;        // byte offset of the record in the (decompressed) input
  uint64_t line = 0;          // 1-based line where the record starts; 0 where lines mean nothing (EVTX)
  bool recovered = false;     // carved from EVTX slack space
  EventFormat format = EventFormat::Xml;  // set by the reader after clear()

 private:
  std::vector<Field> fields_;
  size_t size_ = 0;
};

}  // namespace splinter::io
