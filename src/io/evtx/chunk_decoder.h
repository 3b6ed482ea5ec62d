// Decodes one 64 KiB EVTX chunk: record framing, Binary XML (templates, names,
// substitutions) and the XmlWinEventLog-compatible field extraction.
// One ChunkDecoder per thread; a ChunkOutput is filled per chunk and handed to the
// calling thread, which turns it into Events in file order.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
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
  // A template body compiled once per chunk into a flat program (ops_[prog_off ..
  // prog_off + prog_len)): one op per token, names resolved, static text rendered,
  // framing checked. An instance then only decodes its substitution array and runs
  // the program. Bodies the compiler does not handle (a template instance inside a
  // body) and bodies past the per-chunk op cap are walked token by token instead.
  enum TemplateState : uint8_t { kTplNew, kTplCompiled, kTplInterpret };
  struct TemplateDef {
    uint32_t body_off = 0, body_len = 0;
    uint32_t prog_off = 0, prog_len = 0;
    TemplateState state = kTplNew;
  };
  enum OpKind : uint8_t {
    kOpNop,         // fragment header, processing instruction: only counted
    kOpStop,        // end of fragment (0x00)
    kOpOpen,        // a = name
    kOpCloseStart,  // '>' of a start tag
    kOpClose,       // close empty element / end element
    kOpText,        // a, b = rendered text in text_cache_ (escaped for an attribute
                    // when flag); src, units = its UTF-16 in the chunk
    kOpCData,       // src, units = UTF-16 in the chunk
    kOpRef,         // character / entity reference: a, b = rendered text
    kOpAttr,        // a = name
    kOpSubst,       // index = value index, flag = optional
    kOpError,       // a = index into op_errors_: the template is damaged here
  };
  struct Op {
    OpKind kind;
    uint8_t flag;
    uint16_t index;
    uint16_t units;
    uint32_t a, b, src;
  };
  struct ValueRef {
    uint32_t off, size;
    uint8_t type;
  };
  // What a start tag means for field extraction.
  enum Section : uint8_t { kOther, kSystem, kEventData, kUserData };
  // Names that field extraction looks at, classified once per chunk string.
  enum NameKind : uint8_t {
    kNmOther, kNmSystem, kNmEventData, kNmUserData, kNmData, kNmEventID, kNmTimeCreated, kNmProvider,
    kNmSecurity, kNmExecution, kNmCorrelation, kNmName, kNmGuid, kNmSystemTime, kNmUserID, kNmProcessID,
    kNmThreadID, kNmActivityID, kNmRelatedActivityID
  };
  struct NameInfo {
    std::string text;
    NameKind kind = kNmOther;
  };
  // Chunk offset -> cached item index: small open-addressing table, entries valid
  // when their stamp is the current chunk's (no clearing per chunk). When it fills
  // up, items are simply not cached.
  class OffsetCache {
   public:
    static constexpr uint32_t kSize = 2048, kMaxUsed = kSize * 3 / 4;
    // stamp: never 0 (the value of unused slots), and differing from every stamp
    // still in the table (clear() on wrap-around).
    void reset(uint32_t stamp) {
      stamp_ = stamp;
      used_ = 0;
    }
    void clear() {
      for (auto& e : slots_) e = {};
    }
    const uint32_t* find(uint32_t key) const {
      for (uint32_t h = hash(key);; h = (h + 1) & (kSize - 1)) {
        const Slot& e = slots_[h];
        if (e.stamp != stamp_) return nullptr;
        if (e.key == key) return &e.idx;
      }
    }
    void put(uint32_t key, uint32_t idx) {
      if (used_ >= kMaxUsed) return;
      uint32_t h = hash(key);
      while (slots_[h].stamp == stamp_) h = (h + 1) & (kSize - 1);
      slots_[h] = {stamp_, key, idx};
      ++used_;
    }

   private:
    struct Slot {
      uint32_t stamp, key, idx;
    };
    static uint32_t hash(uint32_t key) { return (key * 2654435761u) >> 21; }
    Slot slots_[kSize] = {};
    uint32_t stamp_ = 0, used_ = 0;
  };
  struct TextEntry {
    uint32_t off, len;  // into text_cache_
  };
  struct Frame {
    uint32_t name = 0;     // index into names_
    NameKind kind = kNmOther;
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
  bool read_name(uint32_t& pos, uint32_t end, uint32_t& name, std::string& err);
  bool template_at(uint32_t def_off, TemplateDef& def);
  void compile(TemplateDef& def);
  bool run(const TemplateDef& def, size_t value_base, size_t value_count, int nest, std::string& err);
  void start_attribute(uint32_t name);
  void mark_content() {
    if (in_attr_) attr_content_ = true;
    else if (depth_ > 0) frames_[depth_ - 1].has_content = true;
  }
  void render_value(const ValueRef& v, std::string& dst, bool attr);
  void render_scalar(uint8_t type, const uint8_t* p, uint32_t n, std::string& dst, bool attr);
  bool substitute(const ValueRef& v, bool optional, int nest, std::string& err);
  void open_element(uint32_t name);
  void close_element();
  void finish_attribute();
  std::string* text_target();
  void add_field(std::string_view name, std::string_view value);

  const uint8_t* chunk_ = nullptr;
  uint32_t avail_ = 0;
  const std::string* path_ = nullptr;
  uint64_t chunk_file_off_ = 0;
  ChunkOutput* out_ = nullptr;

  // Chunk string table, converted once per chunk. Entries are reused (capacity kept);
  // refer to them by index: the vector may grow while a record is decoded.
  std::vector<NameInfo> names_;
  size_t names_used_ = 0;
  OffsetCache name_cache_;
  // Static character data of template bodies (value text tokens), rendered once.
  std::string text_cache_;
  std::vector<TextEntry> texts_;
  OffsetCache text_cache_index_;
  uint32_t stamp_ = 0;
  std::vector<std::pair<uint32_t, TemplateDef>> templates_;  // per-chunk template cache
  std::vector<Op> ops_;                  // compiled template programs of this chunk
  std::vector<std::string> op_errors_;   // messages of kOpError
  std::vector<ValueRef> values_;  // substitution values of all active template instances
  std::vector<Frame> frames_;     // element stack; frames are reused, never freed
  size_t depth_ = 0;
  uint64_t budget_ = 0;           // token budget per record (defeats template bombs)

  // Attribute being rendered.
  bool in_attr_ = false;
  bool attr_content_ = false;      // the attribute got a value other than an empty optional
  NameKind attr_kind_ = kNmOther;
  std::string attr_value_;

  // TimeCreated/@SystemTime as decoded for _time.
  bool time_found_ = false;
  bool time_ok_ = false;
  int64_t time_us_ = 0;
  bool capture_time_ = false;

  std::string scratch_;
};

}  // namespace splinter::io::evtx
