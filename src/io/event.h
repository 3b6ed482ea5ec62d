// One raw endpoint event as every reader hands it on: a flat, ordered list of
// (name, value) pairs plus the event time and where it came from.
//
// Field names are the Windows names whatever the source format, so that the CIM
// mapping is one table for XML, EVTX and JSON:
//   System:    EventID (also EventCode), Version, Level, Task, Opcode, Keywords,
//              EventRecordID, Channel, Computer, ProviderName, ProviderGuid,
//              SystemTime, UserID, ProcessID, ThreadID, ActivityID, RelatedActivityID
//   EventData: <Data Name='X'>v</Data> -> X ; UserData leaf elements -> their tag name
//   Classic WinEventLog text: the Message body's labels -> those EventData names
//              (io/classic_message.h), the header's own keys after them
// Values are strings exactly as the source renders them (XML-rendered sources keep
// entity references such as &quot;; JSON sources give the decoded string).
// Readers may add extra raw names (e.g. JSON dotted paths) after the canonical ones.
//
// Lifetime: fields are views. A sink may read them only until its on_event returns;
// anything it keeps longer (rows, samples) must be copied into its own strings.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace splinter::io {

inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

// The raw field (value "true") a record carved from EVTX slack space carries (--carve):
// it is otherwise indistinguishable from a live record, and may be one deleted or
// overwritten long ago. Searches and output see it as any field.
inline constexpr std::string_view kRecoveredField = "splinter_recovered";

// The rendering a record was read from. Splunk's Windows add-on labels classic
// key=value text records sourcetype WinEventLog and XML ones XmlWinEventLog; EVTX
// records are rendered as XML and JSON exports keep the XML labels too.
// Risk: a risk event splinter made itself from a detection's result row (engine/risk.h),
// the way Enterprise Security's risk index holds it; its host, source and sourcetype are
// fields of its own.
enum class EventFormat : uint8_t { Xml, Classic, Evtx, Json, Risk };

struct Field {
  std::string_view name;
  std::string_view value;
};

class Event {
 public:
  Event() = default;
  // A copy owns its bytes: every field is copied, views included, so the copy does
  // not depend on the original's storage or on the reader's buffers.
  Event(const Event& o) { copy_from(o); }
  Event& operator=(const Event& o) {
    if (this != &o) {
      clear();
      copy_from(o);
    }
    return *this;
  }
  // Blocks are heap allocations, so views into them survive the move.
  Event(Event&& o) noexcept { take(o); }
  Event& operator=(Event&& o) noexcept {
    if (this != &o) take(o);
    return *this;
  }
  ~Event() = default;

  // Keeps the capacity of the field list and of the storage blocks: readers keep one
  // Event and refill it, so steady-state reading does not allocate per event.
  void clear() {
    fields_.clear();
    next_block_ = 0;
    pos_ = end_ = nullptr;
    // A huge value should not pin its memory for the rest of the input.
    for (size_t i = 0; i < big_used_; ++i)
      if (big_[i].cap > kKeepBig) big_[i] = {};
    big_used_ = 0;
    time_us = kNoTime;
    offset = 0;
    line = 0;
    recovered = false;
    format = EventFormat::Xml;
  }
  // Stores the views as given (no copy). The caller guarantees that the bytes stay
  // alive and unchanged until the sink's on_event for this event has returned (and
  // for as long as the Event is read otherwise, e.g. in tests).
  void add_view(std::string_view name, std::string_view value) { fields_.push_back({name, value}); }
  // Copies name and value into storage owned by the Event. Stored bytes never move
  // while more fields are added; they are reused after clear().
  void add(std::string_view name, std::string_view value) {
    std::string_view n = store(name);
    fields_.push_back({n, store(value)});
  }
  // First value wins, as Splunk's XmlWinEventLog extraction does. The pointer is valid
  // until the next add or clear.
  const std::string_view* get(std::string_view name) const {
    for (const Field& f : fields_)
      if (f.name == name) return &f.value;
    return nullptr;
  }
  size_t size() const { return fields_.size(); }
  const Field& operator[](size_t i) const { return fields_[i]; }
  const Field* begin() const { return fields_.data(); }
  const Field* end() const { return fields_.data() + fields_.size(); }

  int64_t time_us = kNoTime;  // UTC microseconds since the epoch (_time)
  uint64_t offset = 0;        // byte offset of the record in the (decompressed) input
  uint64_t line = 0;          // 1-based line where the record starts; 0 where lines mean nothing (EVTX)
  bool recovered = false;     // carved from EVTX slack space (and then has kRecoveredField)
  EventFormat format = EventFormat::Xml;  // set by the reader after clear()

 private:
  // Most events fit one block; a value over kBigValue gets a block of its own, so that
  // it neither wastes the rest of the current block nor forces a huge shared one.
  static constexpr size_t kBlockSize = size_t(16) << 10;
  static constexpr size_t kBigValue = kBlockSize / 4;
  static constexpr size_t kKeepBig = size_t(1) << 20;
  struct Big {
    std::unique_ptr<char[]> data;
    size_t cap = 0;
  };

  std::string_view store(std::string_view s) {
    if (s.empty()) return {};
    char* p;
    if (s.size() > kBigValue) {
      if (big_used_ == big_.size()) big_.emplace_back();
      Big& b = big_[big_used_++];
      if (b.cap < s.size()) {
        b.data = std::make_unique_for_overwrite<char[]>(s.size());
        b.cap = s.size();
      }
      p = b.data.get();
    } else {
      if (size_t(end_ - pos_) < s.size()) {
        if (next_block_ == blocks_.size()) blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockSize));
        pos_ = blocks_[next_block_++].get();
        end_ = pos_ + kBlockSize;
      }
      p = pos_;
      pos_ += s.size();
    }
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  void copy_from(const Event& o) {
    fields_.reserve(o.size());
    for (const Field& f : o) add(f.name, f.value);
    time_us = o.time_us;
    offset = o.offset;
    line = o.line;
    recovered = o.recovered;
  }
  void take(Event& o) {
    // The source keeps nothing: it must not write into blocks it no longer owns.
    fields_ = std::exchange(o.fields_, {});
    blocks_ = std::exchange(o.blocks_, {});
    big_ = std::exchange(o.big_, {});
    next_block_ = std::exchange(o.next_block_, 0);
    pos_ = std::exchange(o.pos_, nullptr);
    end_ = std::exchange(o.end_, nullptr);
    big_used_ = std::exchange(o.big_used_, 0);
    time_us = o.time_us;
    offset = o.offset;
    line = o.line;
    recovered = o.recovered;
    o.clear();
  }

  std::vector<Field> fields_;
  std::vector<std::unique_ptr<char[]>> blocks_;  // kBlockSize each; [0, next_block_) in use
  size_t next_block_ = 0;
  char* pos_ = nullptr;  // free space of the current block
  char* end_ = nullptr;
  std::vector<Big> big_;  // [0, big_used_) in use
  size_t big_used_ = 0;
};

}  // namespace splinter::io
