// XmlWinEventLog reader: Splunk's export of rendered Windows events, one
// <Event>...</Event> per line, or spread over lines, or several per line, possibly
// wrapped in <Events>. Splunk's classic "MM/DD/YYYY hh:mm:ss AM" key=value records
// (sourcetype WinEventLog), alone or interleaved with the XML as some exports have
// them, are read too; each event records which rendering it came from. An event
// after a syslog prefix on its line (Sysmon for Linux) is read as if the prefix were not there.
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "io/classic_message.h"
#include "io/readers.h"
#include "io/time_parse.h"

namespace splinter::io {

namespace {

enum Section : int { kNone, kSystem, kEventData, kUserData, kRendering, kOther };

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
inline bool is_name_end(char c) { return is_ws(c) || c == '>' || c == '/'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// System attributes that become fields (data, not branches).
struct SystemAttr {
  std::string_view element, attribute, field;
};
constexpr SystemAttr kSystemAttrs[] = {
    {"Provider", "Name", "ProviderName"},
    {"Provider", "Guid", "ProviderGuid"},
    {"TimeCreated", "SystemTime", "SystemTime"},
    {"Security", "UserID", "UserID"},
    {"Execution", "ProcessID", "ProcessID"},
    {"Execution", "ThreadID", "ThreadID"},
    {"Correlation", "ActivityID", "ActivityID"},
    {"Correlation", "RelatedActivityID", "RelatedActivityID"},
};

// "<Event" followed by a name delimiter at i (so not <Events>, <EventData>, <EventID>).
bool event_open_at(std::string_view v, size_t i) {
  return i + 6 < v.size() && v.compare(i, 6, "<Event") == 0 && is_name_end(v[i + 6]);
}

// Next "<Event" start in v at or after from; npos if none is decidable in v.
size_t find_event_open(std::string_view v, size_t from) {
  for (;;) {
    size_t k = v.find("<Event", from);
    if (k == std::string_view::npos || k + 6 >= v.size()) return std::string_view::npos;
    if (is_name_end(v[k + 6])) return k;
    from = k + 1;
  }
}

// What read_event() looks for past a record's start: its "</Event>", or the start of
// another record, which means this one was cut short.
struct Boundary {
  enum Kind { kNone, kClose, kOpen } kind;
  size_t pos;  // kClose / kOpen: where it starts; kNone: where to resume once v has grown
};

// First "</Event>" or record start ("<Event" + name delimiter) in v at or after from.
// One pass, whichever comes first, so a record's search never runs past the start of
// the next record (many unterminated records would otherwise each scan to the end of
// the window: quadratic). A candidate cut by the end of v is left undecided.
Boundary find_boundary(std::string_view v, size_t from) {
  static constexpr std::string_view kClose = "</Event>";
  static constexpr std::string_view kOpen = "<Event";
  const char* d = v.data();
  const size_t n = v.size();
  size_t i = from;
  while (i < n) {
    const void* hit = std::memchr(d + i, '<', n - i);
    if (!hit) break;
    const size_t k = size_t(static_cast<const char*>(hit) - d);
    const std::string_view rest = v.substr(k);
    if (event_open_at(v, k)) return {Boundary::kOpen, k};
    if (rest.starts_with(kClose)) return {Boundary::kClose, k};
    if (kClose.starts_with(rest) || kOpen.starts_with(rest))
      return {Boundary::kNone, k};  // cut by the end of v: decided by bytes not read yet
    i = k + 1;
  }
  return {Boundary::kNone, n};
}

// Splunk classic WinEventLog header line "01/14/2021 11:41:39 PM".
bool classic_start_at(std::string_view v, size_t i) {
  if (i + 12 > v.size()) return false;
  const char* p = v.data() + i;
  return is_digit(p[0]) && is_digit(p[1]) && p[2] == '/' && is_digit(p[3]) && is_digit(p[4]) &&
         p[5] == '/' && is_digit(p[6]) && is_digit(p[7]) && is_digit(p[8]) && is_digit(p[9]) &&
         p[10] == ' ' && is_digit(p[11]);
}

bool starts_with(std::string_view v, std::string_view p) { return v.substr(0, p.size()) == p; }

}  // namespace

bool classic_record_at(std::string_view v, size_t i) {
  if (!classic_start_at(v, i)) return false;
  size_t nl = v.find('\n', i);
  if (nl == std::string_view::npos || parse_classic_time(v.substr(i, nl - i)) == kNoTime) return false;
  size_t k = nl + 1;
  while (k < v.size() && ((v[k] >= 'A' && v[k] <= 'Z') || (v[k] >= 'a' && v[k] <= 'z') || is_digit(v[k]) || v[k] == '_'))
    ++k;
  return k > nl + 1 && k < v.size() && v[k] == '=';
}

size_t syslog_event_start(std::string_view v) {
  constexpr size_t npos = std::string_view::npos;
  size_t i = 0;
  if (!v.empty() && v[0] == '<') {  // RFC 5424 <PRI>
    i = 1;
    while (i < v.size() && is_digit(v[i])) ++i;
    if (i == 1 || i >= v.size() || v[i] != '>') return npos;
    ++i;
  }
  // A syslog line starts with its timestamp: a month name ("May") or a year / an RFC 5424 version.
  if (i >= v.size() || !(is_digit(v[i]) || (v[i] >= 'A' && v[i] <= 'Z'))) return npos;
  const size_t lim = std::min(v.size(), i + kMaxSyslogPrefix);
  for (size_t k = i; k < lim; ++k) {
    const char c = v[k];
    if (c == '<') return v[k - 1] == ' ' && event_open_at(v, k) ? k : npos;
    if (c == '\n' || c == '>') return npos;
  }
  return npos;
}

void XmlEventParser::leaf(int level, const Frame& f, std::string_view text, bool self_closing,
                          Event& ev) {
  if (f.cdata) {
    // Keep CDATA content, drop its markers.
    text_.clear();
    size_t p = 0;
    while (p < text.size()) {
      size_t c = text.find("<![CDATA[", p);
      if (c == std::string_view::npos) {
        text_.append(text.substr(p));
        break;
      }
      text_.append(text.substr(p, c - p));
      size_t e = text.find("]]>", c + 9);
      if (e == std::string_view::npos) e = text.size();
      text_.append(text.substr(c + 9, e - (c + 9)));
      p = e + 3;
    }
    text = text_;
  }
  switch (section_) {
    case kSystem:
      if (level == 2 && !self_closing) {
        ev.add(f.name, text);
        if (f.name == "EventID") ev.add("EventCode", text);
      }
      break;
    case kEventData:
      if (level == 2 && f.name == "Data")
        ev.add(f.named ? f.data_name : std::string_view("Data"), text);
      else if (level >= 2)
        ev.add(f.name, text);
      break;
    case kUserData:
      if (level >= 2) ev.add(f.name, text);
      break;
    case kRendering:
      if (level == 2 && f.name == "Message" && !self_closing) ev.add("Message", text);
      break;
    default:
      break;
  }
}

bool XmlEventParser::parse(std::string_view rec, Event& ev, std::string& error) {
  ev.clear();
  int depth = 0;
  section_ = kNone;
  size_t p = 0;
  const size_t n = rec.size();
  while (p < n) {
    size_t lt = rec.find('<', p);
    if (lt == std::string_view::npos) break;
    if (lt + 1 >= n) {
      error = "malformed XML: '<' at end of record";
      return false;
    }
    char c1 = rec[lt + 1];
    if (c1 == '!') {
      if (rec.compare(lt, 4, "<!--") == 0) {
        size_t e = rec.find("-->", lt + 4);
        if (e == std::string_view::npos) break;
        p = e + 3;
        continue;
      }
      if (rec.compare(lt, 9, "<![CDATA[") == 0) {
        size_t e = rec.find("]]>", lt + 9);
        if (e == std::string_view::npos) break;
        if (depth > 0) frames_[depth - 1].cdata = true;
        p = e + 3;
        continue;
      }
      error = "malformed XML: unexpected '<!'";
      return false;
    }
    if (c1 == '?') {
      size_t e = rec.find("?>", lt + 2);
      if (e == std::string_view::npos) break;
      p = e + 2;
      continue;
    }
    if (c1 == '/') {
      size_t gt = rec.find('>', lt + 2);
      if (gt == std::string_view::npos) break;
      std::string_view name = rec.substr(lt + 2, gt - lt - 2);
      while (!name.empty() && is_ws(name.back())) name.remove_suffix(1);
      if (depth == 0) {
        error = "malformed XML: unexpected </" + std::string(name.substr(0, 64)) + ">";
        return false;
      }
      Frame& f = frames_[depth - 1];
      if (name != f.name) {
        error = "malformed XML: </" + std::string(name.substr(0, 64)) + "> closes <" +
                std::string(f.name.substr(0, 64)) + ">";
        return false;
      }
      if (!f.has_child) leaf(depth - 1, f, rec.substr(f.text_begin, lt - f.text_begin), false, ev);
      --depth;
      p = gt + 1;
      if (depth == 0) break;  // </Event>
      if (depth == 1) section_ = kNone;
      continue;
    }
    // Opening tag: name, then attributes with ' or " quoting (values may hold '>').
    size_t q = lt + 1;
    while (q < n && !is_name_end(rec[q])) ++q;
    if (q >= n || q == lt + 1) {
      error = "malformed XML: bad tag";
      return false;
    }
    std::string_view name = rec.substr(lt + 1, q - lt - 1);
    const int level = depth;
    if (level == 0 && name != "Event") {
      error = "malformed XML: record does not start with <Event>";
      return false;
    }
    if (level == 1) {
      section_ = name == "System"          ? kSystem
                 : name == "EventData"     ? kEventData
                 : name == "UserData"      ? kUserData
                 : name == "RenderingInfo" ? kRendering
                                           : kOther;
    }
    if (depth >= kMaxDepth) {
      error = "malformed XML: nesting too deep";
      return false;
    }
    Frame& f = frames_[depth];
    f.name = name;
    f.has_child = false;
    f.cdata = false;
    f.named = false;
    f.data_name = {};
    bool self_closing = false, closed = false;
    while (q < n) {
      char c = rec[q];
      if (is_ws(c)) {
        ++q;
        continue;
      }
      if (c == '>') {
        ++q;
        closed = true;
        break;
      }
      if (c == '/') {
        if (q + 1 < n && rec[q + 1] == '>') {
          q += 2;
          self_closing = closed = true;
          break;
        }
        error = "malformed XML: stray '/' in tag";
        return false;
      }
      size_t an = q;
      while (q < n && rec[q] != '=' && !is_ws(rec[q]) && rec[q] != '>' && rec[q] != '/') ++q;
      std::string_view attr = rec.substr(an, q - an);
      while (q < n && is_ws(rec[q])) ++q;
      if (q >= n || rec[q] != '=') {
        error = "malformed XML: attribute without value";
        return false;
      }
      ++q;
      while (q < n && is_ws(rec[q])) ++q;
      if (q >= n || (rec[q] != '\'' && rec[q] != '"')) {
        error = "malformed XML: unquoted attribute";
        return false;
      }
      char quote = rec[q++];
      size_t ve = rec.find(quote, q);
      if (ve == std::string_view::npos) {
        error = "malformed XML: unterminated attribute";
        return false;
      }
      std::string_view value = rec.substr(q, ve - q);
      q = ve + 1;
      if (level == 2 && section_ == kSystem) {
        for (const SystemAttr& sa : kSystemAttrs)
          if (sa.element == name && sa.attribute == attr) ev.add(sa.field, value);
      } else if (level == 2 && section_ == kEventData && attr == "Name") {
        f.named = true;
        f.data_name = value;
      }
    }
    if (!closed) break;
    if (depth > 0) frames_[depth - 1].has_child = true;
    p = q;
    if (self_closing) {
      if (level == 0) break;  // <Event/>: nothing inside
      leaf(level, f, {}, true, ev);
      if (level == 1) section_ = kNone;
      continue;
    }
    f.text_begin = q;
    ++depth;
  }
  if (depth != 0) {
    error = "malformed XML: unclosed <" + std::string(frames_[depth - 1].name.substr(0, 64)) + ">";
    return false;
  }
  const std::string_view* id = ev.get("EventID");
  if (!id || id->empty()) {
    error = "record has no EventID";
    return false;
  }
  if (const std::string_view* st = ev.get("SystemTime")) ev.time_us = parse_iso_time(*st);
  return true;
}

// "MM/DD/YYYY hh:mm:ss AM" then Key=Value lines; Message= takes the rest, and its
// body is split into fields as well.
bool ClassicRecordParser::parse(std::string_view rec, Event& ev, std::string& error) {
  ev.clear();
  pairs_.clear();
  size_t nl = rec.find('\n');
  std::string_view head = rec.substr(0, nl);
  std::string_view message;
  bool has_message = false;
  size_t p = nl == std::string_view::npos ? rec.size() : nl + 1;
  while (p < rec.size()) {
    size_t e = rec.find('\n', p);
    if (e == std::string_view::npos) e = rec.size();
    std::string_view ln = rec.substr(p, e - p);
    if (!ln.empty() && ln.back() == '\r') ln.remove_suffix(1);
    size_t eq = ln.find('=');
    if (eq != std::string_view::npos && eq > 0) {
      std::string_view key = ln.substr(0, eq);
      bool ident = std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_';
      });
      if (ident && key == "Message") {
        message = rec.substr(p + eq + 1);
        while (!message.empty() && is_ws(message.back())) message.remove_suffix(1);
        has_message = true;
        break;
      }
      if (ident) pairs_.emplace_back(key, ln.substr(eq + 1));
    }
    p = e + 1;
  }
  auto find = [&](std::string_view k) -> const std::string_view* {
    for (const auto& kv : pairs_)
      if (kv.first == k) return &kv.second;
    return nullptr;
  };
  const std::string_view* code = find("EventCode");
  if (!code) {
    error = "classic WinEventLog record has no EventCode";
    return false;
  }
  ev.add("EventID", *code);
  ev.add("EventCode", *code);
  static constexpr std::pair<std::string_view, std::string_view> kClassic[] = {
      {"LogName", "Channel"},       {"SourceName", "ProviderName"}, {"ComputerName", "Computer"},
      {"RecordNumber", "EventRecordID"}, {"Sid", "UserID"},
  };
  for (const auto& [from, to] : kClassic)
    if (const std::string_view* val = find(from)) ev.add(to, *val);
  // The message's fields stand for the XML EventData, so they come before the
  // header's own keys: Sysmon's User and EventType (the account, SetValue) win over
  // the header's User=NOT_TRANSLATED and EventType=4, as in the XML rendering.
  if (has_message) {
    const std::string_view* channel = find("LogName");
    const std::string_view* provider = find("SourceName");
    message_.parse(channel ? *channel : std::string_view(), provider ? *provider : std::string_view(), *code,
                   message, ev);
  }
  for (const auto& kv : pairs_)
    if (kv.first != "EventCode" && !ev.get(kv.first)) ev.add(kv.first, kv.second);
  if (has_message) ev.add("Message", message);
  ev.time_us = parse_classic_time(head);
  ev.format = EventFormat::Classic;
  return true;
}

namespace {

class XmlStreamReader {
 public:
  XmlStreamReader(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st,
                  uint64_t* scanned)
      : sb_(sb), path_(path), sink_(sink), st_(st), scanned_(scanned) {}

  void run() {
    for (;;) {
      if (!skip_ws()) break;
      ensure(64);
      std::string_view v = sb_.view();
      if (event_open_at(v, 0)) {
        read_event();
      } else if (starts_with(v, "<?")) {
        skip_past("?>");
      } else if (starts_with(v, "<!--")) {
        skip_past("-->");
      } else if ((starts_with(v, "<Events") && v.size() > 7 && is_name_end(v[7])) ||
                 starts_with(v, "</Events")) {
        skip_past(">");  // wrapper element around the records
      } else if (classic_start_at(v, 0)) {
        read_classic();
      } else {
        ensure(kMaxSyslogPrefix + 8);
        // A syslog prefix is the transport's, not an event's: skipped, not rejected
        // (the event's own TimeCreated gives _time).
        const size_t e = syslog_event_start(sb_.view());
        if (e != std::string_view::npos)
          sb_.consume(e);
        else
          skip_garbage();
      }
    }
    if (classic_local_time_) {
      InputProblem p;
      p.file = path_;
      p.offset = classic_local_at_.first;
      p.line = classic_local_at_.second;
      p.what = std::to_string(classic_local_time_) +
               " classic WinEventLog event(s) took _time from the record's header time, which has no time zone; "
               "read as UTC";
      p.warning = true;
      sink_.on_problem(p);
    }
  }

 private:
  void ensure(size_t n) {
    while (sb_.avail() < n && sb_.fill()) {
    }
  }

  bool skip_ws() {
    for (;;) {
      std::string_view v = sb_.view();
      size_t i = 0;
      while (i < v.size() && is_ws(v[i])) ++i;
      sb_.consume(i);
      if (sb_.avail() > 0) return true;
      if (!sb_.fill()) return false;
    }
  }

  void skip_past(std::string_view needle) {
    for (;;) {
      std::string_view v = sb_.view();
      size_t k = v.find(needle, 1);
      if (k != std::string_view::npos) {
        sb_.consume(k + needle.size());
        return;
      }
      if (v.size() > needle.size()) sb_.consume(v.size() - needle.size());
      if (!sb_.fill()) {
        sb_.consume(sb_.avail());
        return;
      }
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

  void emit(uint64_t off, uint64_t line) {
    ev_.offset = off;
    ev_.line = line;
    ++st_.read;
    ++st_.parsed;
    sink_.on_event(ev_);
  }

  void read_event() {
    const uint64_t off = sb_.offset(), line = sb_.line();
    size_t scan = 6;  // bytes of the record already searched (kept across refills)
    for (;;) {
      std::string_view v = sb_.view();
      const Boundary b = find_boundary(v, scan);
      if (scanned_) *scanned_ += b.pos - scan;
      if (b.kind == Boundary::kOpen) {
        // Another record opening before our close: this one was cut short. Everything
        // up to that opening goes with it; say how much, so text after the cut (a junk
        // line, a stray fragment) is not lost unsaid.
        const std::string_view span = v.substr(0, b.pos);
        const size_t lines = size_t(std::count(span.begin(), span.end(), '\n'));
        std::string what = "truncated record (no closing </Event>)";
        if (lines > 1)
          what += "; " + std::to_string(lines) + " lines (" + std::to_string(b.pos) +
                  " bytes) skipped up to the next <Event at line " + std::to_string(line + lines);
        reject(off, line, std::move(what));
        sb_.consume(b.pos);
        return;
      }
      if (b.kind == Boundary::kClose) {
        size_t len = b.pos + 8;
        // The limit holds however the window happened to be filled.
        if (len > kMaxRecordBytes)
          reject(off, line, kRecordTooLarge);
        else if (parser_.parse(v.substr(0, len), ev_, error_))
          emit(off, line);
        else
          reject(off, line, error_);
        sb_.consume(len);
        return;
      }
      if (v.size() >= kMaxRecordBytes) {
        reject(off, line, kRecordTooLarge);
        sb_.consume(v.size());
        discard_to_next_event();
        return;
      }
      scan = std::max<size_t>(6, b.pos);
      if (!sb_.fill()) {
        reject(off, line, "truncated record at end of input (no closing </Event>)");
        sb_.consume(sb_.avail());
        return;
      }
    }
  }

  // After an oversized record: drop bytes up to the next record start.
  void discard_to_next_event() {
    for (;;) {
      std::string_view v = sb_.view();
      size_t k = find_event_open(v, 0);
      if (k != std::string_view::npos) {
        sb_.consume(k);
        return;
      }
      if (v.size() > 7) sb_.consume(v.size() - 7);
      if (!sb_.fill()) {
        sb_.consume(sb_.avail());
        return;
      }
    }
  }

  // Text that is neither an event nor whitespace: one rejected record up to the next
  // <Event, or the next line that starts with '<' or a classic record header.
  void skip_garbage() {
    const uint64_t off = sb_.offset(), line = sb_.line();
    size_t i = 0;
    for (;;) {
      std::string_view v = sb_.view();
      size_t nl = v.find('\n', i);
      size_t lim = nl == std::string_view::npos ? v.size() : nl;
      size_t e = find_event_open(v.substr(0, lim), i);
      if (e != std::string_view::npos) {
        sb_.consume(e);
        break;
      }
      if (nl != std::string_view::npos) {
        size_t s = nl + 1;
        ensure(s + 16);
        v = sb_.view();
        if (s >= v.size()) {
          sb_.consume(v.size());
          break;
        }
        if (v[s] == '<' || classic_start_at(v, s)) {
          sb_.consume(s);
          break;
        }
        i = s;
        if (i > (size_t(1) << 20)) {  // keep the window bounded on long garbage
          sb_.consume(i);
          i = 0;
        }
        continue;
      }
      if (v.size() > 7) sb_.consume(v.size() - 7);  // keep a possibly split "<Event"
      i = 0;
      if (!sb_.fill()) {
        sb_.consume(sb_.avail());
        break;
      }
    }
    reject(off, line, "unexpected text between events");
  }

  void read_classic() {
    const uint64_t off = sb_.offset(), line = sb_.line();
    size_t i = 0, end = 0;
    for (;;) {
      std::string_view v = sb_.view();
      size_t nl = v.find('\n', i);
      if (nl == std::string_view::npos) {
        if (v.size() >= kMaxRecordBytes) {
          reject(off, line, kRecordTooLarge);
          sb_.consume(v.size());
          return;
        }
        i = v.size();
        if (!sb_.fill()) {
          end = sb_.avail();
          break;
        }
        continue;
      }
      size_t s = nl + 1;
      ensure(s + 16);
      v = sb_.view();
      if (s >= v.size() || event_open_at(v, s) || classic_start_at(v, s)) {
        end = std::min(s, v.size());
        break;
      }
      if (s >= kMaxRecordBytes) {
        reject(off, line, kRecordTooLarge);
        sb_.consume(s);
        return;
      }
      i = s;
    }
    if (end > kMaxRecordBytes)
      reject(off, line, kRecordTooLarge);
    else if (classic_.parse(sb_.view().substr(0, end), ev_, error_)) {
      // The header time ("01/14/2021 11:41:39 PM") is the sender's local time, with no
      // zone: read as UTC, said once per file (as for NXLog's EventTime).
      if (ev_.time_us != kNoTime && !classic_local_time_++) classic_local_at_ = {off, line};
      emit(off, line);
    } else
      reject(off, line, error_);
    sb_.consume(end);
  }

  StreamBuffer& sb_;
  const std::string& path_;
  EventSink& sink_;
  FileStats& st_;
  uint64_t* scanned_;  // optional: bytes read_event() searched for record ends
  Event ev_;
  XmlEventParser parser_;
  ClassicRecordParser classic_;
  std::string error_;
  uint64_t classic_local_time_ = 0;  // classic records timed by their zone-less header
  std::pair<uint64_t, uint64_t> classic_local_at_;  // the first one: offset, line
};

}  // namespace

void read_xml_stream(StreamBuffer& sb, const std::string& path, EventSink& sink, FileStats& st,
                     uint64_t* scanned) {
  XmlStreamReader r(sb, path, sink, st, scanned);
  r.run();
}

}  // namespace splinter::io
