// Decodes one 64 KiB EVTX chunk: record framing, Binary XML (templates, names,
// substitutions) and the XmlWinEventLog-compatible field extraction.
// One ChunkDecoder per thread; a ChunkOutput is filled per chunk and handed to the
// calling thread, which turns it into Events in file order.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/input.h"

namespace splinter::io::evtx {

struct FieldRef {
  uint32_t name_off, name_len, value_off, value_len;  // into ChunkOutput::arena
};

struct DecodedRecord {
  uint64_t offset = 0;  // file offset of the record
  uint64_t record_id = 0;
  int64_t time_us = 0;
  uint32_t first_field = 0, field_count = 0;
  bool recovered = false;
};

struct PendingProblem {
  size_t before_record;  // emitted before records[before_record] to keep file order
  InputProblem problem;
};

// Flat, reusable result of one chunk: clear() keeps every buffer's capacity so a
// steady-state read does not allocate per record.
struct ChunkOutput {
  std::string arena;
  std::vector<FieldRef> fields;
  std::vector<DecodedRecord> records;
  std::vector<PendingProblem> problems;
  uint64_t read = 0, rejected = 0;
  uint64_t max_record_id = 0;
  bool had_magic = false;
  void clear() {
    arena.clear();
    fields.clear();
    records.clear();
    problems.clear();
    read = rejected = 0;
    max_record_id = 0;
    had_magic = false;
  }
};

class ChunkDecoder {
 public:
  // chunk points at the chunk's first byte; avail = bytes present (< 64 KiB when the
  // file is truncated). file_offset/index only label problems.
  void decode(const uint8_t* chunk, size_t avail, uint64_t file_offset, uint64_t index,
              const std::string& path, bool carve, ChunkOutput& out);

 private:
  struct TemplateDef {
    uint32_t body_off, body_len;
  };
  struct ValueRef {
    uint32_t off, size;
    uint8_t type;
  };
  // What a start tag means for field extraction.
  enum Section : uint8_t { kOther, kSystem, kEventData, kUserData };
  struct Frame {
    std::string name;
    std::string text;     // XML-rendered character content of this element
    std::string name_attr;  // <Data Name='X'>
    Section section = kOther;
    bool has_name_attr = false;
    bool has_child = false;
    bool has_content = false;
    bool optional_null = false;  // content included an optional substitution that was NULL
    uint32_t array_items = 0;  // > 0: text holds items separated by '\0' (array substitution)
  };

  bool decode_record(uint32_t rec_off, uint32_t rec_size, bool recovered, std::string& err);
  bool walk(uint32_t pos, uint32_t end, size_t value_base, size_t value_count, int nest,
            uint32_t* consumed_to, std::string& err);
  bool read_name(uint32_t& pos, uint32_t end, std::string_view& name, std::string& err);
  bool template_at(uint32_t def_off, TemplateDef& def);
  void render_value(const ValueRef& v, std::string& dst, bool attr);
  void render_scalar(uint8_t type, const uint8_t* p, uint32_t n, std::string& dst, bool attr);
  bool substitute(const ValueRef& v, bool optional, int nest, std::string& err);
  void open_element(std::string_view name);
  void close_element();
  void finish_attribute();
  std::string* text_target();
  void add_field(std::string_view name, std::string_view value);

  const uint8_t* chunk_ = nullptr;
  uint32_t avail_ = 0;
  const std::string* path_ = nullptr;
  uint64_t chunk_file_off_ = 0;
  ChunkOutput* out_ = nullptr;

  std::unordered_map<uint32_t, std::string> names_;  // chunk string table, converted once
  std::vector<std::pair<uint32_t, TemplateDef>> templates_;  // per-chunk template cache
  std::vector<ValueRef> values_;  // substitution values of all active template instances
  std::vector<Frame> frames_;     // element stack; frames are reused, never freed
  size_t depth_ = 0;
  uint64_t budget_ = 0;           // token budget per record (defeats template bombs)

  // Attribute being rendered.
  bool in_attr_ = false;
  bool attr_content_ = false;      // the attribute got a value other than an empty optional
  std::string_view attr_name_;
  std::string attr_value_;

  // TimeCreated/@SystemTime as decoded for _time.
  bool time_found_ = false;
  bool time_ok_ = false;
  int64_t time_us_ = 0;
  bool capture_time_ = false;

  std::string scratch_;
};

}  // namespace splinter::io::evtx
