// JSON reader: JSON lines, concatenated or pretty-printed documents, or a top-level
// array of records. A string-aware depth scanner splits top-level values out of the
// stream (records may span chunks); each record is parsed with simdjson (DOM, one
// reused parser) and mapped onto the canonical Windows field names by kRules.
// Wrappers are looked through: Elasticsearch's _source (dump lines, _search hits) and
// Splunk export / HEC rows, whose event text (_raw) the XML or classic parser reads.
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>
#include <string>
#include <string_view>

#include "common/strings.h"
#include "io/readers.h"
#include "io/time_parse.h"

namespace splinter::io {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

enum class Op : uint8_t {
  Value,     // scalar at pointer -> field (first source wins)
  EventId,   // like Value, and EventCode too
  Expand,    // object at pointer: every member -> its own name (EventData layouts)
  UserData,  // object at pointer: every leaf -> its tag name
  UserJoin,  // ECS user.domain + "\" + user.name -> User (Winlogbeat 8 only)
  FlatTop,   // NXLog-style flat record: every top-level scalar -> its own name
  EcsCode,   // like EventId, but only in a Winlogbeat document (see windows_doc)
  Keywords,  // Winlogbeat's keyword names (["Audit Success"]): the first, as the classic
             // rendering names it (Keywords=Audit Success), which the add-on's lookup reads
  Outcome,   // ECS event.outcome success/failure -> Keywords "Audit Success"/"Audit Failure",
             // when no keywords came (Winlogbeat document only)
};

struct JsonRule {
  std::string_view pointer;
  std::string_view field;
  Op op;
};

// Shipper layouts -> canonical Windows names. Order is priority: a field already
// present is not overwritten, so native Windows data beats ECS copies.
constexpr JsonRule kRules[] = {
    // evtx_dump / python-evtx style {"Event":{"System":{...},"EventData":{...}}}
    {"/Event/System/EventID", "EventID", Op::EventId},
    {"/Event/System/Version", "Version", Op::Value},
    {"/Event/System/Level", "Level", Op::Value},
    {"/Event/System/Task", "Task", Op::Value},
    {"/Event/System/Opcode", "Opcode", Op::Value},
    {"/Event/System/Keywords", "Keywords", Op::Value},
    {"/Event/System/EventRecordID", "EventRecordID", Op::Value},
    {"/Event/System/Channel", "Channel", Op::Value},
    {"/Event/System/Computer", "Computer", Op::Value},
    {"/Event/System/Provider/#attributes/Name", "ProviderName", Op::Value},
    {"/Event/System/Provider/#attributes/Guid", "ProviderGuid", Op::Value},
    {"/Event/System/TimeCreated/#attributes/SystemTime", "SystemTime", Op::Value},
    {"/Event/System/Security/#attributes/UserID", "UserID", Op::Value},
    {"/Event/System/Execution/#attributes/ProcessID", "ProcessID", Op::Value},
    {"/Event/System/Execution/#attributes/ThreadID", "ThreadID", Op::Value},
    {"/Event/System/Correlation/#attributes/ActivityID", "ActivityID", Op::Value},
    {"/Event/System/Correlation/#attributes/RelatedActivityID", "RelatedActivityID", Op::Value},
    // Winlogbeat 7/8
    {"/winlog/event_id", "EventID", Op::EventId},
    {"/winlog/computer_name", "Computer", Op::Value},
    {"/winlog/channel", "Channel", Op::Value},
    {"/winlog/provider_name", "ProviderName", Op::Value},
    {"/winlog/provider_guid", "ProviderGuid", Op::Value},
    {"/winlog/record_id", "EventRecordID", Op::Value},
    {"/winlog/user/identifier", "UserID", Op::Value},
    {"/winlog/version", "Version", Op::Value},
    {"/winlog/process/pid", "ProcessID", Op::Value},
    {"/winlog/process/thread/id", "ThreadID", Op::Value},
    {"/winlog/activity_id", "ActivityID", Op::Value},
    {"/winlog/related_activity_id", "RelatedActivityID", Op::Value},
    {"/winlog/keywords", "Keywords", Op::Keywords},
    // Winlogbeat 6
    {"/event_id", "EventID", Op::EventId},
    {"/computer_name", "Computer", Op::Value},
    {"/log_name", "Channel", Op::Value},
    {"/source_name", "ProviderName", Op::Value},
    {"/record_number", "EventRecordID", Op::Value},
    {"/user/identifier", "UserID", Op::Value},
    {"/process_id", "ProcessID", Op::Value},
    {"/thread_id", "ThreadID", Op::Value},
    {"/keywords", "Keywords", Op::Keywords},
    // NXLog (im_msvistalog) flat records
    {"/EventID", "EventID", Op::EventId},
    {"/Hostname", "Computer", Op::Value},
    {"/Channel", "Channel", Op::Value},
    {"/SourceName", "ProviderName", Op::Value},
    {"/ProviderGuid", "ProviderGuid", Op::Value},
    {"/RecordNumber", "EventRecordID", Op::Value},
    {"/UserID", "UserID", Op::Value},
    {"/ExecutionProcessID", "ProcessID", Op::Value},
    {"/ExecutionThreadID", "ThreadID", Op::Value},
    // Velociraptor parse_evtx(): {"System":{...},"EventData":{...}}, EventID as
    // {"Value":N}, TimeCreated.SystemTime as epoch seconds
    {"/System/EventID/Value", "EventID", Op::EventId},
    {"/System/EventID", "EventID", Op::EventId},
    {"/System/Version", "Version", Op::Value},
    {"/System/Level", "Level", Op::Value},
    {"/System/Task", "Task", Op::Value},
    {"/System/Opcode", "Opcode", Op::Value},
    {"/System/Keywords", "Keywords", Op::Value},
    {"/System/EventRecordID", "EventRecordID", Op::Value},
    {"/System/Channel", "Channel", Op::Value},
    {"/System/Computer", "Computer", Op::Value},
    {"/System/Provider/Name", "ProviderName", Op::Value},
    {"/System/Provider/Guid", "ProviderGuid", Op::Value},
    {"/System/TimeCreated/SystemTime", "SystemTime", Op::Value},
    {"/System/Security/UserID", "UserID", Op::Value},
    {"/System/Execution/ProcessID", "ProcessID", Op::Value},
    {"/System/Execution/ThreadID", "ThreadID", Op::Value},
    // ECS: Winlogbeat documents whose winlog.event_id an ingest pipeline dropped
    {"/event/code", "EventID", Op::EcsCode},
    {"/event/provider", "ProviderName", Op::Value},
    {"/event/outcome", "Keywords", Op::Outcome},
    // Event payloads under their own names
    {"/Event/EventData", "", Op::Expand},
    {"/Event/UserData", "", Op::UserData},
    {"/winlog/event_data", "", Op::Expand},
    {"/winlog/user_data", "", Op::UserData},
    {"/event_data", "", Op::Expand},
    {"/user_data", "", Op::UserData},
    {"/EventData", "", Op::Expand},  // Velociraptor (parse_evtx, EvtxHunter)
    {"/UserData", "", Op::UserData},
    // ECS (Winlogbeat 8) copies fill what event_data lacks
    {"/process/command_line", "CommandLine", Op::Value},
    {"/process/executable", "Image", Op::Value},
    {"/process/pe/original_file_name", "OriginalFileName", Op::Value},
    {"/process/parent/command_line", "ParentCommandLine", Op::Value},
    {"/process/parent/executable", "ParentImage", Op::Value},
    {"/process/pid", "ProcessId", Op::Value},
    {"/process/entity_id", "ProcessGuid", Op::Value},
    {"/process/parent/pid", "ParentProcessId", Op::Value},
    {"/process/parent/entity_id", "ParentProcessGuid", Op::Value},
    {"/process/working_directory", "CurrentDirectory", Op::Value},
    {"/user", "User", Op::UserJoin},
    {"/host/name", "Computer", Op::Value},
    {"", "", Op::FlatTop},
};

// Time sources in priority order (all UTC; NXLog's local EventTime comes last).
constexpr std::string_view kTimeFields[] = {"SystemTime", "UtcTime", "@timestamp", "TimeCreated",
                                            "TimeGenerated", "EventTime"};
// NXLog's EventTime is the sender's local time; without an offset its zone is unknown.
constexpr std::string_view kLocalTimeField = "EventTime";

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A numeric @timestamp (some shippers write epoch numbers, "1715857809812"), seconds or
// milliseconds told apart by magnitude: 1e11 as seconds is the year 5138, as ms March
// 1973, so no plausible log time is ambiguous. A fraction is kept; anything else: kNoTime.
int64_t epoch_time(std::string_view s) {
  size_t i = 0;
  int64_t whole = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (i == 15) return kNoTime;  // past any ms time (and would overflow as microseconds)
    whole = whole * 10 + (s[i] - '0');
  }
  if (i == 0) return kNoTime;
  const int64_t unit_us = whole >= 100'000'000'000 ? 1000 : 1000000;
  int64_t us = whole * unit_us;
  if (i < s.size() && s[i] == '.') {
    for (int64_t scale = unit_us / 10; ++i < s.size() && is_digit(s[i]); scale /= 10) us += (s[i] - '0') * scale;
  }
  return i == s.size() ? us : kNoTime;
}

// s parsed with parse_iso_time: does it carry a zone ('Z', an offset, "UTC")?
bool iso_has_zone(std::string_view s) {
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  size_t p = 19;  // past "YYYY-MM-DDThh:mm:ss"
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) ++p;
  while (p < s.size() && is_digit(s[p])) ++p;
  return p < s.size();
}

class JsonMapper {
 public:
  void map(element root, Event& ev) {
    ev_ = &ev;
    local_time = false;
    if (!evtxecmd(root)) {
      index_top(root);
      for (const JsonRule& r : kRules) apply(root, r);
      path_.clear();
      leaves(root, 0);
    }
    for (std::string_view tf : kTimeFields) {
      if (const std::string_view* v = ev.get(tf)) {
        // Epoch numbers: some shippers' @timestamp, Velociraptor's SystemTime.
        int64_t t = tf == "@timestamp" || tf == "SystemTime" ? epoch_time(*v) : kNoTime;
        if (t == kNoTime) t = parse_iso_time(*v);
        if (t != kNoTime) {
          ev.time_us = t;
          local_time = tf == kLocalTimeField && !iso_has_zone(*v);
          break;
        }
      }
    }
  }
  // Set by map(): _time came from a local time without a zone (read as UTC).
  bool local_time = false;

 private:
  // The rules name few distinct top-level keys; one pass over the record's top level
  // finds them all instead of a linear key search per rule.
  struct Tops {
    std::vector<std::string_view> keys;  // distinct first components of kRules
    std::vector<size_t> rule_top;        // per rule: index into keys
    std::vector<std::string_view> rest;  // per rule: pointer after the first component
    Tops() {
      for (const JsonRule& r : kRules) {
        std::string_view p = r.pointer.empty() ? std::string_view() : r.pointer.substr(1);
        size_t slash = p.find('/');
        std::string_view first = p.substr(0, slash);
        rest.push_back(slash == std::string_view::npos ? std::string_view() : r.pointer.substr(slash + 1));
        size_t k = std::find(keys.begin(), keys.end(), first) - keys.begin();
        if (k == keys.size()) keys.push_back(first);
        rule_top.push_back(k);
      }
    }
  };
  static const Tops& tops() {
    static const Tops t;
    return t;
  }

  void index_top(element root) {
    const Tops& t = tops();
    slots_.assign(t.keys.size(), element());
    found_.assign(t.keys.size(), false);
    object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) return;
    for (auto field : obj) {
      for (size_t k = 0; k < t.keys.size(); ++k) {
        if (!found_[k] && t.keys[k].size() == field.key.size() && t.keys[k] == field.key) {
          slots_[k] = field.value;
          found_[k] = true;
          break;
        }
      }
    }
  }

  bool lookup(const JsonRule& r, element& out) {
    const Tops& t = tops();
    size_t i = size_t(&r - kRules);
    size_t k = t.rule_top[i];
    if (!found_[k]) return false;
    if (t.rest[i].empty()) {
      out = slots_[k];
      return true;
    }
    return slots_[k].at_pointer(t.rest[i]).get(out) == simdjson::SUCCESS;
  }

  // Scalar -> text as Splunk shows it; evtx_dump {"#text":..} wrappers unwrapped.
  bool text(element e, std::string& out) {
    switch (e.type()) {
      case element_type::STRING: {
        std::string_view s = e.get_string().value_unsafe();
        out.assign(s);
        return true;
      }
      case element_type::INT64: return number(int64_t(e.get_int64().value_unsafe()), out);
      case element_type::UINT64: return number(uint64_t(e.get_uint64().value_unsafe()), out);
      case element_type::DOUBLE: return number(double(e.get_double().value_unsafe()), out);
      case element_type::BOOL:
        out.assign(e.get_bool().value_unsafe() ? "true" : "false");
        return true;
      case element_type::OBJECT: {
        element t;
        if (e["#text"].get(t) == simdjson::SUCCESS && t.type() != element_type::OBJECT)
          return text(t, out);
        return false;
      }
      default: return false;  // null, arrays
    }
  }
  template <class T>
  static bool number(T v, std::string& out) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.assign(buf, size_t(res.ptr - buf));
    return true;
  }

  void add_if_absent(std::string_view name, std::string_view value) {
    if (!ev_->get(name)) ev_->add(name, value);
  }

  void apply(element root, const JsonRule& r) {
    if (r.op == Op::FlatTop) {
      object top;
      if (root.get_object().get(top) != simdjson::SUCCESS) return;
      element tmp;
      if (top["EventID"].get(tmp) != simdjson::SUCCESS || top["winlog"].get(tmp) == simdjson::SUCCESS ||
          top["Event"].get(tmp) == simdjson::SUCCESS)
        return;
      for (auto field : top)
        if (text(field.value, val_)) add_if_absent(field.key, val_);
      return;
    }
    element e;
    if (!lookup(r, e)) return;
    switch (r.op) {
      case Op::Value:
        if (text(e, val_)) add_if_absent(r.field, val_);
        break;
      case Op::EcsCode:
        if (ev_->get("EventID") || !windows_doc(root)) break;
        [[fallthrough]];
      case Op::EventId:
        if (!ev_->get("EventID") && text(e, val_)) {
          ev_->add("EventID", val_);
          add_if_absent("EventCode", val_);
        }
        break;
      case Op::Keywords: {
        if (ev_->get(r.field)) break;
        simdjson::dom::array list;
        if (e.get_array().get(list) == simdjson::SUCCESS) {
          for (auto item : list)
            if (text(item, val_) && !val_.empty()) {
              ev_->add(r.field, val_);
              break;
            }
        } else if (text(e, val_)) {
          ev_->add(r.field, val_);
        }
        break;
      }
      case Op::Outcome: {
        std::string_view o;
        if (ev_->get(r.field) || !windows_doc(root) || e.get_string().get(o) != simdjson::SUCCESS) break;
        if (o == "success") ev_->add(r.field, "Audit Success");
        else if (o == "failure") ev_->add(r.field, "Audit Failure");
        break;
      }
      case Op::Expand: expand(e); break;
      case Op::UserData: user_data(e, {}); break;
      case Op::UserJoin: {
        element tmp, d, n;
        std::string_view ds, ns;
        if (root.at_pointer("/winlog").get(tmp) != simdjson::SUCCESS || ev_->get("User")) return;
        if (e["domain"].get(d) != simdjson::SUCCESS || e["name"].get(n) != simdjson::SUCCESS) return;
        if (d.get_string().get(ds) != simdjson::SUCCESS || n.get_string().get(ns) != simdjson::SUCCESS)
          return;
        val_.assign(ds).append("\\").append(ns);
        ev_->add("User", val_);
        break;
      }
      case Op::FlatTop: break;
    }
  }

  // ECS event.code is any source's event code; it is a Windows EventID only in a
  // Winlogbeat document (a winlog object, or agent.type "winlogbeat").
  static bool windows_doc(element root) {
    element tmp;
    std::string_view agent;
    return root.at_pointer("/winlog").get(tmp) == simdjson::SUCCESS ||
           (root.at_pointer("/agent/type").get_string().get(agent) == simdjson::SUCCESS && agent == "winlogbeat");
  }

  // evtx_dump <Data> item: {"#attributes":{"Name":..},"#text":..} or a bare value.
  void data_item(element e) {
    if (e.type() == element_type::OBJECT) {
      std::string_view name = "Data";
      element nm;
      // evtx_dump: {"#attributes":{"Name":..}}; EvtxECmd: {"@Name":..}.
      if ((e.at_pointer("/#attributes/Name").get(nm) == simdjson::SUCCESS ||
           e["@Name"].get(nm) == simdjson::SUCCESS) &&
          nm.get_string().get(name) != simdjson::SUCCESS)
        name = "Data";
      element t;
      if (e["#text"].get(t) != simdjson::SUCCESS || !text(t, val_)) val_.clear();
      name_.assign(name);  // name may point into val_'s source; copy before add
      ev_->add(name_, val_);
    } else if (text(e, val_)) {
      ev_->add("Data", val_);
    }
  }

  void expand(element e) {
    object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) return;  // EventData: null
    for (auto field : obj) {
      if (field.key == "#attributes" || field.key.starts_with('@')) continue;
      if (field.key == "Data" || field.key == "#text") {
        simdjson::dom::array items;
        if (field.value.get_array().get(items) == simdjson::SUCCESS) {
          for (element item : items) data_item(item);
        } else {
          data_item(field.value);
        }
        continue;
      }
      if (text(field.value, val_)) ev_->add(field.key, val_);
    }
  }

  void user_data(element e, std::string_view key) {
    if (e.type() == element_type::OBJECT) {
      element t;
      if (!key.empty() && e["#text"].get(t) == simdjson::SUCCESS && text(t, val_)) {
        ev_->add(key, val_);
        return;
      }
      object obj = e.get_object().value_unsafe();
      for (auto field : obj) {
        if (field.key == "#attributes" || field.key.starts_with('@')) continue;
        user_data(field.value, field.key);
      }
    } else if (e.type() == element_type::ARRAY) {
      simdjson::dom::array items = e.get_array().value_unsafe();
      for (element item : items) user_data(item, key);
    } else if (!key.empty() && text(e, val_)) {
      ev_->add(key, val_);
    }
  }

  // EvtxECmd (Eric Zimmerman's EVTX parser, common in KAPE triage) writes one flat
  // object per record: System values under its own names at the top, the event's XML
  // (EventData / UserData, converted to JSON with "@Name" attributes) as a JSON string
  // in "Payload", and its own summary columns (PayloadData1-6, MapDescription, ...).
  // Mapped as the XML would be: System names as Windows renders them, then the payload
  // fields under their own names, then the summary columns as extra raw fields.
  bool evtxecmd(element root) {
    object top;
    if (root.get_object().get(top) != simdjson::SUCCESS) return false;
    element id, provider, payload;
    std::string_view payload_text;
    if (top["EventId"].get(id) != simdjson::SUCCESS || top["Provider"].get(provider) != simdjson::SUCCESS ||
        top["Payload"].get(payload) != simdjson::SUCCESS || payload.get_string().get(payload_text) != simdjson::SUCCESS)
      return false;
    static constexpr std::pair<std::string_view, std::string_view> kSystem[] = {
        {"Provider", "ProviderName"}, {"EventId", "EventID"},        {"Level", "Level"},
        {"Keywords", "Keywords"},     {"TimeCreated", "SystemTime"}, {"EventRecordId", "EventRecordID"},
        {"ProcessId", "ProcessID"},   {"ThreadId", "ThreadID"},      {"Channel", "Channel"},
        {"Computer", "Computer"},     {"UserId", "UserID"}};
    for (const auto& [from, to] : kSystem) {
      element e;
      if (top[from].get(e) != simdjson::SUCCESS || !text(e, val_)) continue;
      ev_->add(to, val_);
      if (to == "EventID") ev_->add("EventCode", val_);
    }
    // The payload is parsed by a second parser: the record's elements stay valid.
    element doc;
    if (payload_parser_.parse(payload_text.data(), payload_text.size(), true).get(doc) == simdjson::SUCCESS) {
      element part;
      if (doc["EventData"].get(part) == simdjson::SUCCESS) expand(part);
      if (doc["UserData"].get(part) == simdjson::SUCCESS) user_data(part, {});
    }
    for (auto field : top) {
      bool system = field.key == "Payload";
      for (const auto& kv : kSystem) system |= field.key == kv.first;
      if (!system && text(field.value, val_)) add_if_absent(field.key, val_);
    }
    return true;
  }

  // Every scalar leaf under its dotted path; array members as name{} (Splunk's spath).
  void leaves(element e, int depth) {
    if (depth > 64) return;
    const size_t len = path_.size();
    switch (e.type()) {
      case element_type::OBJECT: {
        object obj = e.get_object().value_unsafe();
        for (auto field : obj) {
          if (len) path_ += '.';
          path_.append(field.key);
          leaves(field.value, depth + 1);
          path_.resize(len);
        }
        break;
      }
      case element_type::ARRAY: {
        path_ += "{}";
        simdjson::dom::array items = e.get_array().value_unsafe();
        for (element item : items) leaves(item, depth + 1);
        path_.resize(len);
        break;
      }
      default:
        if (len == 0 || !text(e, val_)) break;
        if (depth == 1)
          add_if_absent(path_, val_);  // top-level keys may already be canonical (NXLog)
        else
          ev_->add(path_, val_);
    }
  }

  Event* ev_ = nullptr;
  simdjson::dom::parser payload_parser_;
  std::string val_, name_, path_;
  std::vector<element> slots_;
  std::vector<bool> found_;
};

struct ByteClass {
  bool v[256] = {};
  constexpr ByteClass(std::string_view chars) {
    for (char c : chars) v[uint8_t(c)] = true;
  }
  constexpr bool operator[](uint8_t c) const { return v[c]; }
};
// Bytes the record splitter must look at inside / outside a string.
constexpr ByteClass kInString("\"\\\n");
constexpr ByteClass kStructural("\"{}[]");

// Rewrites lone surrogate escapes (\uD800-\uDFFF without their pair) as \uFFFD and
// invalid UTF-8 bytes as U+FFFD. Returns false if there was nothing to repair.
bool repair_json_text(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  bool changed = false;
  auto hex4 = [&](size_t i, unsigned& v) {
    if (i + 4 > in.size()) return false;
    v = 0;
    for (size_t k = i; k < i + 4; ++k) {
      char c = in[k];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= unsigned(c - '0');
      else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
      else return false;
    }
    return true;
  };
  size_t i = 0;
  while (i < in.size()) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '\\' && i + 1 < in.size()) {
      unsigned v, w;
      if (in[i + 1] == 'u' && hex4(i + 2, v) && v >= 0xD800 && v <= 0xDFFF) {
        bool pair = v <= 0xDBFF && i + 12 <= in.size() && in[i + 6] == '\\' && in[i + 7] == 'u' && hex4(i + 8, w) &&
                    w >= 0xDC00 && w <= 0xDFFF;
        if (pair) {
          out.append(in.substr(i, 12));
          i += 12;
        } else {
          out += "\\ufffd";
          i += 6;
          changed = true;
        }
        continue;
      }
      out.append(in.substr(i, 2));
      i += 2;
      continue;
    }
    if (c < 0x80) {
      out += char(c);
      ++i;
      continue;
    }
    size_t len = utf8_sequence_length(in, i);
    if (len) {
      out.append(in.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
      changed = true;
    }
  }
  return changed;
}

class JsonStreamReader {
  friend class EvtxECmdCsvReader;

 public:
  JsonStreamReader(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st)
      : sb_(sb), path_(path), sink_(sink), st_(st) {}

  void run() {
    bool in_array = false;
    for (;;) {
      if (!skip_ws(in_array)) break;
      char c = sb_.data()[0];
      if (c == '{') {
        read_record();
      } else if (c == '[' && !in_array) {
        sb_.consume(1);  // a top-level array of records
        in_array = true;
      } else if (c == ']' && in_array) {
        sb_.consume(1);
        in_array = false;
      } else if (in_array) {
        // One element is one record: the rest of the array (often all on this line)
        // is still read.
        if (c == '[')
          read_record(true);
        else
          skip_scalar();
      } else {
        reject(sb_.offset(), sb_.line(), "expected a JSON object");
        discard_line();
      }
    }
    finish();
  }

  // Per-file warnings, said once after the last record.
  void finish() {
    if (unmapped_)
      warn(unmapped_at_, std::to_string(unmapped_) +
                             " JSON record(s) in no recognised Windows event layout (first at line " +
                             std::to_string(unmapped_at_.second) + "): no EventID, so no CIM data model sees them");
    if (local_time_)
      warn(local_time_at_, std::to_string(local_time_) + " event(s) took _time from " +
                               std::string(kLocalTimeField) + ", which has no time zone; read as UTC");
  }

 private:
  bool skip_ws(bool in_array) {
    for (;;) {
      std::string_view v = sb_.view();
      size_t i = 0;
      while (i < v.size() && (is_ws(v[i]) || (in_array && v[i] == ','))) ++i;
      sb_.consume(i);
      if (sb_.avail() > 0) return true;
      if (!sb_.fill()) return false;
    }
  }

  // A scalar element of a top-level array (null, 1, "text", or stray text up to the
  // next ',' ']' or line end): rejected as one record.
  void skip_scalar() {
    const uint64_t off = sb_.offset(), line = sb_.line();
    const char c0 = sb_.data()[0];
    const char* kind = c0 == '"' ? "a string" : c0 == 'n' ? "null" : c0 == 't' || c0 == 'f' ? "a boolean"
                       : c0 == '-' || is_digit(c0)          ? "a number"
                                                            : "other text";
    bool in_str = c0 == '"', esc = false, done = false;
    size_t i = in_str ? 1 : 0;
    while (!done) {
      std::string_view v = sb_.view();
      for (; i < v.size() && !done; ++i) {
        const char c = v[i];
        if (c == '\n') done = true;  // an unterminated string ends at the line
        else if (in_str) {
          if (esc) esc = false;
          else if (c == '\\') esc = true;
          else if (c == '"') done = true;
        } else if (c == ',' || c == ']' || c == '{' || c == '[') {
          done = true;
          --i;  // not part of this element
        }
      }
      sb_.consume(i);
      i = 0;
      if (!done && !sb_.fill()) break;
    }
    reject(off, line, std::string("expected a JSON object, found ") + kind + " (array element skipped)");
  }

  void warn(std::pair<uint64_t, uint64_t> at, std::string what) {
    InputProblem p;
    p.file = path_;
    p.offset = at.first;
    p.line = at.second;
    p.what = std::move(what);
    p.warning = true;
    sink_.on_problem(p);
  }

  void discard_line() {
    for (;;) {
      std::string_view v = sb_.view();
      size_t nl = v.find('\n');
      if (nl != std::string_view::npos) {
        sb_.consume(nl + 1);
        return;
      }
      sb_.consume(v.size());
      if (!sb_.fill()) return;
    }
  }

  void reject(uint64_t off, uint64_t line, std::string what) {
    ++st_.read;
    ++st_.rejected;
    InputProblem p;
    p.file = path_;
    p.offset = off;
    p.line = line;
    p.what = std::move(what);
    sink_.on_problem(p);
  }

  // array_element: the value is an array inside the top-level array; it is rejected
  // whole once its end is found.
  void read_record(bool array_element = false) {
    const uint64_t off = sb_.offset(), line = sb_.line();
    size_t i = 0;
    int depth = 0;
    bool in_str = false, esc = false;
    for (;;) {
      std::string_view v = sb_.view();
      const char* d = v.data();
      const size_t n = v.size();
      for (; i < n; ++i) {
        // Most bytes are plain string content or plain text: skip them by table.
        if (in_str && !esc) {
          while (i < n && !kInString[uint8_t(d[i])]) ++i;
        } else if (!in_str) {
          while (i < n && !kStructural[uint8_t(d[i])]) ++i;
        }
        if (i >= n) break;
        char c = d[i];
        if (in_str) {
          if (esc && c != '\n') {
            esc = false;
          } else if (esc || c == '\n') {
            // JSON strings cannot hold a raw newline (not even after a backslash):
            // the record was cut short; resynchronise on the next line.
            reject(off, line, "truncated JSON record (unterminated string)");
            sb_.consume(i);
            return;
          } else if (c == '\\') {
            esc = true;
          } else if (c == '"') {
            in_str = false;
          }
          continue;
        }
        if (c == '"') {
          in_str = true;
        } else if (c == '{' || c == '[') {
          if (c == '{' && depth > 0 && i > 0 && d[i - 1] == '\n') {
            // An object at column 0 inside a record: the previous line was cut short.
            reject(off, line, "truncated JSON record");
            sb_.consume(i);
            return;
          }
          ++depth;
        } else if (c == '}' || c == ']') {
          if (--depth == 0) {
            // The limit holds however the window happened to be filled.
            if (i + 1 > kMaxRecordBytes)
              reject(off, line, kRecordTooLarge);
            else if (array_element)
              reject(off, line, "expected a JSON object, found an array (array element skipped)");
            else
              parse(v.substr(0, i + 1), off, line);
            sb_.consume(i + 1);
            return;
          }
        }
      }
      if (n >= kMaxRecordBytes) {
        reject(off, line, kRecordTooLarge);
        sb_.consume(n);
        discard_line();
        return;
      }
      if (!sb_.fill()) {
        reject(off, line, "truncated JSON record at end of input");
        sb_.consume(sb_.avail());
        return;
      }
    }
  }

  // One record as JSON text, from wherever it came (a CSV row converted, for example).
  void parse(std::string_view rec, uint64_t off, uint64_t line) {
    element root;
    auto err = parser_.parse(rec.data(), rec.size(), true).get(root);
    if (err == simdjson::STRING_ERROR || err == simdjson::UTF8_ERROR) {
      // Windows strings may hold lone UTF-16 surrogates (an attacker controls the command
      // line) and shippers pass them on as "\ud800" escapes or raw bad bytes. Keep the
      // event: repair to U+FFFD, as the EVTX reader does, and say so.
      if (repair_json_text(rec, repaired_)) {
        auto err2 = parser_.parse(repaired_.data(), repaired_.size(), true).get(root);
        if (!err2) {
          InputProblem p;
          p.file = path_;
          p.offset = off;
          p.line = line;
          p.what = "invalid UTF-16/UTF-8 in a string replaced by U+FFFD";
          p.warning = true;
          sink_.on_problem(p);
          err = err2;
        }
      }
    }
    if (err) {
      reject(off, line, std::string("invalid JSON: ") + simdjson::error_message(err));
      return;
    }
    // An Elasticsearch _search response: every hit is an event.
    simdjson::dom::array hits;
    if (root.at_pointer("/hits/hits").get_array().get(hits) == simdjson::SUCCESS) {
      for (element hit : hits) document(hit, off, line);
      return;
    }
    document(root, off, line);
  }

  // One record's document: a shipper layout, or a wrapper around one.
  void document(element doc, uint64_t off, uint64_t line) {
    if (doc.type() != element_type::OBJECT) {
      reject(off, line, "expected a JSON object in hits.hits");
      return;
    }
    element inner;
    std::string_view raw;
    // Elasticsearch documents (search hits, elasticdump lines) hold the event in
    // _source; Splunk's REST export API wraps each row as {"result":{"_raw":..}}.
    if (doc["_source"].get(inner) == simdjson::SUCCESS && inner.type() == element_type::OBJECT)
      doc = inner;
    else if (doc.at_pointer("/result/_raw").get(inner) == simdjson::SUCCESS)
      doc = doc["result"].value_unsafe();
    // Splunk's JSON export (_raw) and HEC payloads ("event" as text) carry the event as
    // the text Splunk indexed: read it as the XML or classic reader would.
    if (doc["_raw"].get_string().get(raw) == simdjson::SUCCESS) {
      raw_event("_raw", raw, off, line, true);
      return;
    }
    if (doc["event"].get_string().get(raw) == simdjson::SUCCESS && raw_event("event", raw, off, line, false)) return;
    ev_.clear();
    mapper_.map(doc, ev_);
    ev_.format = EventFormat::Json;
    if (!ev_.get("EventID") && !unmapped_++) unmapped_at_ = {off, line};
    if (mapper_.local_time && !local_time_++) local_time_at_ = {off, line};
    emit(off, line);
  }

  // Event text in JSON member `name`: false (nothing done) if it is neither rendering
  // and not required; a required one is rejected then.
  bool raw_event(std::string_view name, std::string_view raw, uint64_t off, uint64_t line, bool required) {
    while (!raw.empty() && is_ws(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && is_ws(raw.back())) raw.remove_suffix(1);
    bool ok;
    if (raw.starts_with("<Event"))
      ok = xml_.parse(raw, ev_, error_);
    else if (classic_record_at(raw, 0))
      ok = classic_.parse(raw, ev_, error_);
    else if (required) {
      reject(off, line, std::string(name) + " holds neither an XML <Event> nor a classic WinEventLog record");
      return true;
    } else
      return false;
    if (ok)
      emit(off, line);
    else
      reject(off, line, "in " + std::string(name) + ": " + error_);
    return true;
  }

  void emit(uint64_t off, uint64_t line) {
    ev_.offset = off;
    ev_.line = line;
    ++st_.read;
    ++st_.parsed;
    sink_.on_event(ev_);
  }

  StreamBuffer& sb_;
  const std::string& path_;
  EventSink& sink_;
  FileStats& st_;
  simdjson::dom::parser parser_;
  std::string repaired_;
  JsonMapper mapper_;
  Event ev_;
  XmlEventParser xml_;
  ClassicRecordParser classic_;
  std::string error_;
  // Per file, said once at the end: records with no EventID, and times taken from a
  // zone-less local field; each with where the first one was (offset, line).
  uint64_t unmapped_ = 0, local_time_ = 0;
  std::pair<uint64_t, uint64_t> unmapped_at_, local_time_at_;
};


// EvtxECmd's CSV output (its default; --json gives the JSON layout read above): a
// header row, then one row per record, RFC 4180 quoting (fields with commas, quotes or
// line breaks are quoted; "" is a quote). Each row becomes the JSON object EvtxECmd
// would have written, and goes through the same mapping. Empty cells are left out.
class EvtxECmdCsvReader {
 public:
  EvtxECmdCsvReader(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st)
      : sb_(sb), json_(sb, path, sink, st) {}

  void run() {
    uint64_t off = 0, line = 0;
    if (!row(off, line)) return;
    header_ = cells_;
    while (row(off, line)) {
      if (cells_.size() == 1 && cells_[0].empty()) continue;  // blank line
      if (cells_.size() != header_.size()) {
        // A row over several lines with the wrong shape is most likely a stray quote
        // that ran on into the next rows: only its first line is taken as broken.
        const bool rerun = raw_.find('\n') + 1 < raw_.size();
        json_.reject(off, line,
                     "CSV row has " + std::to_string(cells_.size()) + " cells, the header " +
                         std::to_string(header_.size()) + (rerun ? "; skipped, reading on from its next line" : ""));
        if (rerun) replay_after_first_line(off, line);
        continue;
      }
      obj_ = "{";
      for (size_t i = 0; i < cells_.size(); ++i) {
        if (cells_[i].empty()) continue;
        if (obj_.size() > 1) obj_ += ',';
        quote(header_[i]);
        obj_ += ':';
        quote(cells_[i]);
      }
      obj_ += '}';
      json_.parse(obj_, off, line);
    }
    json_.finish();
  }

 private:
  // Input: the stream, or first the bytes being replayed after a row whose quote never
  // closed (see row()).
  std::string_view view() {
    viewed_replay_ = replay_pos_ < replay_.size();
    return viewed_replay_ ? std::string_view(replay_).substr(replay_pos_) : sb_.view();
  }
  void consume(size_t n) {
    const std::string_view v = view().substr(0, n);
    raw_.append(v);
    if (replay_pos_ < replay_.size()) {
      replay_line_ += size_t(std::count(v.begin(), v.end(), '\n'));
      replay_pos_ += n;
    } else {
      sb_.consume(n);
    }
  }
  // More input: the rest of the replay, then what the stream holds (the stream's
  // buffer may still hold bytes nobody looked at while the replay ran), then a refill.
  bool fill() {
    if (replay_pos_ < replay_.size()) return true;
    if (viewed_replay_) {
      viewed_replay_ = false;
      if (sb_.avail() > 0) return true;
    }
    return sb_.fill();
  }
  uint64_t offset() const { return replay_pos_ < replay_.size() ? replay_off_ + replay_pos_ : sb_.offset(); }
  uint64_t line() const { return replay_pos_ < replay_.size() ? replay_line_ : sb_.line(); }

  // Reads again what the last row took after its first line (it started at off, line),
  // then whatever was still waiting to be replayed, then the stream.
  void replay_after_first_line(uint64_t off, uint64_t line) {
    const size_t nl = raw_.find('\n');
    std::string next = raw_.substr(nl + 1);
    if (replay_pos_ < replay_.size()) next.append(replay_, replay_pos_);
    replay_ = std::move(next);
    replay_pos_ = 0;
    replay_off_ = off + nl + 1;
    replay_line_ = line + 1;
  }

  // Next row into cells_; false at end of input. off/line: where it starts.
  bool row(uint64_t& off, uint64_t& line_no) {
    cells_.clear();
    raw_.clear();
    if (view().empty() && !fill()) return false;
    off = offset();
    line_no = line();
    std::string cell;
    bool quoted = false, after_quote = false;
    size_t bytes = 0;
    for (;;) {
      std::string_view v = view();
      size_t i = 0;
      for (; i < v.size(); ++i) {
        if (quoted) {
          // A quoted run up to the next quote, appended at once.
          const char* q = static_cast<const char*>(std::memchr(v.data() + i, '"', v.size() - i));
          const size_t end = q ? size_t(q - v.data()) : v.size();
          cell.append(v.data() + i, end - i);
          i = end;
          if (i == v.size()) break;
          quoted = false;
          after_quote = true;
          continue;
        }
        const char c = v[i];
        if (c == '"') {
          if (after_quote) cell += '"';  // "" inside a quoted cell
          quoted = true;
          after_quote = false;
          continue;
        }
        after_quote = false;
        if (c == ',') {
          cells_.push_back(std::move(cell));
          cell.clear();
        } else if (c == '\n') {
          if (!cell.empty() && cell.back() == '\r') cell.pop_back();
          cells_.push_back(std::move(cell));
          consume(i + 1);
          return true;
        } else {
          // A plain run up to the next separator, quote or line end.
          size_t j = i + 1;
          while (j < v.size() && v[j] != ',' && v[j] != '\n' && v[j] != '"') ++j;
          cell.append(v.data() + i, j - i);
          i = j - 1;
        }
      }
      consume(i);
      bytes += i;
      if (bytes > kMaxRecordBytes) {
        json_.reject(off, line_no, kRecordTooLarge);
        if (replay_pos_ < replay_.size()) replay_pos_ = replay_.size();  // (replays are smaller)
        json_.discard_line();
        cells_.clear();
        cells_.emplace_back();
        return true;
      }
      if (!fill()) {
        if (quoted) {
          // A quote that never closed took the rest of the input into one cell. Only
          // its first line is known to be broken: reject that row, and read again
          // from the line after it, so the rows behind a stray quote are not lost.
          const size_t nl = raw_.find('\n');
          json_.reject(off, line_no,
                       nl == std::string::npos
                           ? "truncated CSV row at end of input (unterminated quote)"
                           : "CSV row with an unterminated quote; skipped, reading on from its next line");
          if (nl != std::string::npos) replay_after_first_line(off, line_no);
          cells_.clear();
          cells_.emplace_back();
          return true;
        }
        cells_.push_back(std::move(cell));
        return !(cells_.size() == 1 && cells_[0].empty());
      }
    }
  }

  void quote(std::string_view s) { append_json_string(obj_, s); }


  StreamBuffer& sb_;
  JsonStreamReader json_;
  std::vector<std::string> header_, cells_;
  std::string obj_;
  std::string raw_;  // bytes of the row being read, as they came
  std::string replay_;
  size_t replay_pos_ = 0;
  uint64_t replay_off_ = 0, replay_line_ = 0;
  bool viewed_replay_ = false;  // the last view() came from the replay
};

}  // namespace

void read_json_stream(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st) {
  JsonStreamReader r(sb, path, sink, st);
  r.run();
}

bool evtxecmd_csv_header(std::string_view first_line) {
  bool id = false, provider = false, payload = false;
  while (!first_line.empty()) {
    size_t comma = first_line.find(',');
    std::string_view name = first_line.substr(0, comma);
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.remove_suffix(1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    id |= name == "EventId";
    provider |= name == "Provider";
    payload |= name == "Payload";
    if (comma == std::string_view::npos) break;
    first_line.remove_prefix(comma + 1);
  }
  return id && provider && payload;
}

void read_evtxecmd_csv_stream(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st) {
  EvtxECmdCsvReader r(sb, path, sink, st);
  r.run();
}

}  // namespace splinter::io
