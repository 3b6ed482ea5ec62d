// Chunk decoding: record framing, the Binary XML token stream, template instances
// and value rendering. The format itself is described in evtx_reader.cpp.
//
// Rendering walks the token stream once and extracts fields on the fly instead of
// building XML: an element stack tracks where we are (System / EventData /
// UserData), attribute and character content are rendered as Windows renders them
// into event XML (escaped), and fields are appended to the chunk's flat arena.
#include "io/evtx/chunk_decoder.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "io/evtx/evtx_format.h"

namespace splinter::io::evtx {
namespace {

constexpr size_t kMaxDepth = 64;        // element nesting
constexpr int kMaxNest = 16;            // template instances / nested BinXml inside each other
constexpr uint64_t kTokenBudget = 1u << 22;   // tokens per record (template bombs)
constexpr size_t kMaxRecordOutput = 64u << 20;  // rendered bytes per record
constexpr size_t kMaxOpsPerChunk = 1u << 18;    // compiled template ops per chunk (memory cap)

// Windows renders GUIDs in lower case in current event XML (and so does the derived
// XmlWinEventLog reference); older builds used upper case.
constexpr const char* kHex = "0123456789abcdef";
constexpr const char* kHexUpper = "0123456789ABCDEF";

enum Escape { kNoEscape, kTextEscape, kAttrEscape };

inline void put_escaped(std::string& dst, char c, Escape esc) {
  if (esc != kNoEscape) {
    switch (c) {
      case '&': dst.append("&amp;"); return;
      case '<': dst.append("&lt;"); return;
      case '>': dst.append("&gt;"); return;
      case '"':
        if (esc == kAttrEscape) { dst.append("&quot;"); return; }
        break;
      case '\'':
        if (esc == kAttrEscape) { dst.append("&apos;"); return; }
        break;
      default: break;
    }
  }
  dst.push_back(c);
}

inline void put_utf8(std::string& dst, uint32_t cp) {
  if (cp < 0x80) {
    dst.push_back(char(cp));
  } else if (cp < 0x800) {
    dst.push_back(char(0xc0 | (cp >> 6)));
    dst.push_back(char(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    dst.push_back(char(0xe0 | (cp >> 12)));
    dst.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
    dst.push_back(char(0x80 | (cp & 0x3f)));
  } else {
    dst.push_back(char(0xf0 | (cp >> 18)));
    dst.push_back(char(0x80 | ((cp >> 12) & 0x3f)));
    dst.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
    dst.push_back(char(0x80 | (cp & 0x3f)));
  }
}

// Mask of the 8 UTF-16 units at p that can be copied as single bytes: ASCII and
// not a character the escaping (or the NUL stop) has to look at. Bit i = unit i.
#if defined(__SSE2__)
inline unsigned plain_ascii8(const uint8_t* p, Escape esc, bool stop_at_nul, __m128i& bytes) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i ascii16 = _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16(short(0xff80))), _mm_setzero_si128());
  bytes = _mm_packus_epi16(v, v);  // exact for ASCII units
  __m128i bad = _mm_setzero_si128();
  if (stop_at_nul) bad = _mm_cmpeq_epi8(bytes, _mm_setzero_si128());
  if (esc != kNoEscape) {
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(bytes, _mm_set1_epi8('&')));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(bytes, _mm_set1_epi8('<')));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(bytes, _mm_set1_epi8('>')));
    if (esc == kAttrEscape) {
      bad = _mm_or_si128(bad, _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')));
      bad = _mm_or_si128(bad, _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\'')));
    }
  }
  const unsigned ascii = unsigned(_mm_movemask_epi8(_mm_packs_epi16(ascii16, ascii16))) & 0xffu;
  return ascii & ~unsigned(_mm_movemask_epi8(bad)) & 0xffu;
}
#endif

// UTF-16LE -> UTF-8; a lone surrogate becomes U+FFFD and does not swallow the next
// unit. Stops at the first NUL when stop_at_nul (Windows strings are C strings).
// Returns the number of UTF-16 units consumed (including a terminating NUL).
// Runs of plain ASCII are converted 8 units at a time.
// readable_end: reading up to there is safe (lets the last block load past the string).
size_t append_utf16(std::string& dst, const uint8_t* p, size_t units, Escape esc, bool stop_at_nul,
                    const uint8_t* readable_end) {
  size_t i = 0;
  while (i < units) {
#if defined(__SSE2__)
    while (i < units && p + 2 * i + 16 <= readable_end) {
      __m128i bytes;
      unsigned good = plain_ascii8(p + 2 * i, esc, stop_at_nul, bytes);
      const size_t left = units - i;
      const unsigned lanes = left >= 8 ? 8u : unsigned(left);
      alignas(16) char buf[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(buf), bytes);
      if (lanes < 8) good |= ~0u << lanes;  // lanes past the string do not stop the run
      if ((good & 0xffu) == 0xffu) {
        dst.append(buf, lanes);
        i += lanes;
        continue;
      }
      const unsigned n = unsigned(__builtin_ctz(~good));
      dst.append(buf, n);
      i += n;
      break;
    }
    if (i >= units) break;
#else
    (void)readable_end;
#endif
    uint32_t u = le16(p + 2 * i);
    ++i;
    if (u < 0x80) {
      if (u == 0 && stop_at_nul) return i;
      put_escaped(dst, char(u), esc);
      continue;
    }
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i < units) {
        uint32_t lo = le16(p + 2 * i);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          ++i;
          put_utf8(dst, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
          continue;
        }
      }
      put_utf8(dst, 0xfffd);
      continue;
    }
    if (u >= 0xdc00 && u <= 0xdfff) u = 0xfffd;
    put_utf8(dst, u);
  }
  return i;
}

void append_uint(std::string& dst, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  dst.append(buf, r.ptr);
}
void append_int(std::string& dst, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  dst.append(buf, r.ptr);
}
void append_hex(std::string& dst, uint64_t v) {
  char buf[24] = {'0', 'x'};
  auto r = std::to_chars(buf + 2, buf + sizeof buf, v, 16);
  dst.append(buf, r.ptr);
}
void append_hex_byte(std::string& dst, uint8_t b, const char* digits) {
  dst.push_back(digits[b >> 4]);
  dst.push_back(digits[b & 15]);
}

void append_guid(std::string& dst, const uint8_t* p) {
  // Data1..3 are little-endian integers, Data4 is a byte string.
  static constexpr uint8_t kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  char b[38];
  size_t n = 0;
  b[n++] = '{';
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) b[n++] = '-';
    const uint8_t v = p[kOrder[i]];
    b[n++] = kHex[v >> 4];
    b[n++] = kHex[v & 15];
  }
  b[n++] = '}';
  dst.append(b, n);
}

// Bytes as upper-case hex (binary values), a block at a time.
void append_hex_bytes(std::string& dst, const uint8_t* p, uint32_t n) {
  char b[128];
  while (n > 0) {
    const uint32_t k = n < 64 ? n : 64;
    for (uint32_t i = 0; i < k; ++i) {
      b[2 * i] = kHexUpper[p[i] >> 4];
      b[2 * i + 1] = kHexUpper[p[i] & 15];
    }
    dst.append(b, 2 * k);
    p += k;
    n -= k;
  }
}

// Size of one element of an array of fixed-size values, 0 when variable.
uint32_t fixed_size(uint8_t type, uint32_t total) {
  switch (type) {
    case 0x03: case 0x04: return 1;
    case 0x05: case 0x06: return 2;
    case 0x07: case 0x08: case 0x0b: case 0x0d: case 0x14: return 4;
    case 0x09: case 0x0a: case 0x0c: case 0x11: case 0x15: return 8;
    case 0x0f: case 0x12: return 16;
    case 0x10: return total % 8 == 0 ? 8 : 4;
    default: return 0;
  }
}

struct KnownName {
  const char* text;
  uint8_t kind;  // ChunkDecoder::NameKind
};

}  // namespace

// ---------------------------------------------------------------------------
// Chunk framing

void ChunkDecoder::decode(const uint8_t* chunk, size_t avail, uint64_t file_offset, uint64_t index,
                          const std::string& path, bool carve, ChunkOutput& out) {
  chunk_ = chunk;
  avail_ = uint32_t(avail < kChunkSize ? avail : kChunkSize);
  path_ = &path;
  chunk_file_off_ = file_offset;
  out_ = &out;
  names_used_ = 0;
  text_cache_.clear();
  texts_.clear();
  if (++stamp_ == 0) {  // wrapped: forget the stale stamps
    name_cache_.clear();
    text_cache_index_.clear();
    stamp_ = 1;
  }
  name_cache_.reset(stamp_);
  text_cache_index_.reset(stamp_);
  templates_.clear();
  ops_.clear();
  op_errors_.clear();

  auto problem = [&](uint64_t off, std::string what, bool warning, uint64_t records = 1) {
    InputProblem p;
    p.file = path;
    p.offset = file_offset + off;
    p.what = "chunk " + std::to_string(index) + ": " + std::move(what);
    p.warning = warning;
    p.records = warning ? 0 : records;
    out.problems.push_back({out.records.size(), std::move(p)});
  };

  const bool magic_ok = avail_ >= 8 && std::memcmp(chunk, "ElfChnk", 8) == 0;
  out.had_magic = magic_ok;
  uint32_t limit = avail_;
  uint32_t pos = uint32_t(kChunkHeaderSize);
  if (!magic_ok) {
    if (!carve) {
      // What was lost: records (signature, plausible size) still standing in the
      // damaged chunk. None means leftover bytes past the log's end, not lost events.
      uint64_t lost = 0;
      for (uint32_t o = 0; o + kMinRecordSize <= avail_; o += 8)
        if (std::memcmp(chunk + o, "**\0\0", 4) == 0) {
          const uint32_t size = le32(chunk + o + 4);
          lost += size >= kMinRecordSize && size <= kChunkSize;
        }
      out.read += lost;
      out.rejected += lost;
      if (lost)
        problem(0, "bad chunk signature; chunk skipped with the " + std::to_string(lost) + " record(s) in it", false,
                lost);
      else
        problem(0, "bad chunk signature and no records in it; skipped", true);
      return;
    }
    problem(0, "bad chunk signature; chunk skipped (carving it)", false);
    pos = 0;
    limit = 0;  // nothing is trusted: everything is slack
  } else if (avail_ < kChunkHeaderSize) {
    problem(0, "chunk truncated inside its header", false);
    return;
  } else {
    if (avail_ < kChunkSize)
      // A warning: the records it cuts off are reported (and counted) one by one below.
      problem(0, "chunk truncated: " + std::to_string(avail_) + " of 65536 bytes present", true);
    const uint32_t header_crc = crc32_of(chunk + 128, kChunkHeaderSize - 128, crc32_of(chunk, 120));
    if (header_crc != le32(chunk + 124)) problem(0, "chunk header checksum mismatch", true);
    const uint32_t free_off = le32(chunk + 48);
    const uint32_t last_rec = le32(chunk + 44);
    if (free_off < kChunkHeaderSize || free_off > kChunkSize) {
      problem(48, "free space offset " + std::to_string(free_off) + " out of range", true);
      limit = avail_;
    } else {
      if (free_off > avail_) limit = avail_;
      else limit = free_off;
      if (free_off <= avail_ &&
          crc32_of(chunk + kChunkHeaderSize, free_off - kChunkHeaderSize) != le32(chunk + 52))
        problem(52, "chunk records checksum mismatch", true);
      if (last_rec >= free_off && last_rec != 0)
        problem(44, "last record offset " + std::to_string(last_rec) + " beyond free space offset", true);
    }
  }

  std::string err;
  // Record ids bracket a damaged stretch: the records between the last good one (or
  // the chunk header's first id) and the next good one (or its last id) are the ones
  // lost. The estimate is capped by how many records fit in the stretch, and a
  // stretch always counts as at least one, so read = parsed + rejected holds.
  const uint64_t hdr_first_id = magic_ok ? le64(chunk + 24) : 0;
  const uint64_t hdr_last_id = magic_ok ? le64(chunk + 32) : 0;
  bool have_prev = magic_ok && hdr_first_id > 0 && hdr_first_id <= hdr_last_id;
  uint64_t prev_id = have_prev ? hdr_first_id - 1 : 0;
  auto lost_between = [&](uint32_t from, uint32_t to, bool have_next, uint64_t next_id) {
    const uint64_t cap = std::max<uint64_t>(1, (to - from) / kMinRecordSize);
    if (!have_prev || !have_next || next_id <= prev_id + 1) return uint64_t(1);
    return std::min<uint64_t>(next_id - prev_id - 1, cap);
  };
  // Trusted region: records back to back from offset 512 up to the free space offset.
  while (pos + kMinRecordSize <= limit) {
    const uint32_t size = le32(chunk + pos + 4);
    const bool magic = le32(chunk + pos) == kRecordMagic;
    const bool size_ok = magic && size >= kMinRecordSize && size <= limit - pos &&
                         le32(chunk + pos + size - 4) == size;
    if (!size_ok) {
      // Resynchronise on the next plausible record header.
      uint32_t next = pos + 1;
      for (; next + kMinRecordSize <= limit; ++next) {
        if (le32(chunk + next) != kRecordMagic) continue;
        const uint32_t s = le32(chunk + next + 4);
        if (s >= kMinRecordSize && s <= limit - next && le32(chunk + next + s - 4) == s) break;
      }
      const bool have_next = next + kMinRecordSize <= limit;
      const uint64_t next_id = have_next ? le64(chunk + next + 8) : hdr_last_id + 1;
      const uint64_t lost = lost_between(pos, next, have_next || magic_ok, next_id);
      out.read += lost;
      out.rejected += lost;
      const std::string what = magic ? "record with bad size " + std::to_string(size)
                                     : std::string("no record signature where a record should start");
      problem(pos, what + "; " + std::to_string(next - pos) + " bytes (" + std::to_string(lost) +
                       (lost == 1 ? " record" : " records") + ") skipped",
              false, lost);
      pos = next;
      continue;
    }
    ++out.read;
    const uint64_t id = le64(chunk + pos + 8);
    if (!decode_record(pos, size, false, err)) {
      ++out.rejected;
      problem(pos, "record " + std::to_string(id) + ": " + err + "; skipped", false);
    }
    have_prev = true;
    prev_id = id;
    pos += size;
  }

  if (!carve) return;
  // Slack space: deleted or not-yet-accounted records after the trusted region.
  for (uint32_t p = std::max<uint32_t>(pos, magic_ok ? uint32_t(kChunkHeaderSize) : 0);
       p + kMinRecordSize <= avail_;) {
    if (le32(chunk + p) != kRecordMagic) { ++p; continue; }
    const uint32_t s = le32(chunk + p + 4);
    if (s < kMinRecordSize || s > avail_ - p || le32(chunk + p + s - 4) != s) { ++p; continue; }
    if (decode_record(p, s, true, err)) {
      ++out.read;
      p += s;
    } else {
      ++p;  // a failed candidate is not a record: not counted
    }
  }
}

bool ChunkDecoder::decode_record(uint32_t rec_off, uint32_t rec_size, bool recovered, std::string& err) {
  ChunkOutput& out = *out_;
  const size_t fields_before = out.fields.size();
  const size_t arena_before = out.arena.size();
  const size_t problems_before = out.problems.size();
  depth_ = 0;
  values_.clear();
  in_attr_ = false;
  time_found_ = time_ok_ = capture_time_ = false;
  budget_ = kTokenBudget;
  err.clear();

  uint32_t consumed = 0;
  const bool ok = walk(rec_off + uint32_t(kRecordHeaderSize), rec_off + rec_size - 4, 0, 0, 0, &consumed, err);
  if (!ok || out.fields.size() == fields_before) {
    if (ok) err = "no fields decoded";
    out.fields.resize(fields_before);
    out.arena.resize(arena_before);
    out.problems.resize(problems_before);
    return false;
  }
  DecodedRecord r;
  r.offset = chunk_file_off_ + rec_off;
  r.record_id = le64(chunk_ + rec_off + 8);
  r.first_field = uint32_t(fields_before);
  r.field_count = uint32_t(out.fields.size() - fields_before);
  r.recovered = recovered;
  if (time_found_ && time_ok_) {
    r.time_us = time_us_;
  } else {
    const uint64_t header_ft = le64(chunk_ + rec_off + 16);
    int64_t us;
    const bool header_ok = filetime_to_unix_us(header_ft, us);
    r.time_us = header_ok ? us : kNoTime;
    InputProblem p;
    p.file = *path_;
    p.offset = r.offset;
    p.what = "record " + std::to_string(r.record_id) + ": TimeCreated/@SystemTime " +
             (time_found_ ? "out of range" : "missing") +
             (header_ok ? "; using the record header time" : "; record header time unusable too");
    p.warning = true;
    out.problems.push_back({out.records.size(), std::move(p)});
  }
  if (r.record_id > out.max_record_id && !recovered) out.max_record_id = r.record_id;
  out.records.push_back(r);
  return true;
}

// ---------------------------------------------------------------------------
// Names and templates

bool ChunkDecoder::read_name(uint32_t& pos, uint32_t end, uint32_t& name, std::string& err) {
  if (pos + 4 > end) { err = "truncated name reference"; return false; }
  const uint32_t name_off = le32(chunk_ + pos);
  pos += 4;
  // Layout at name_off: next-in-hash-bucket u32, hash u16, char count u16, UTF-16, NUL.
  uint32_t len_units = 0;
  // 64-bit sums: name_off comes from the file and may be near 2^32.
  if (uint64_t(name_off) + 8 <= avail_) len_units = le16(chunk_ + name_off + 6);
  const uint32_t total = 8 + 2 * len_units + 2;
  if (name_off == pos) {  // defined inline, right here: skip over it
    if (uint64_t(pos) + total > end) { err = "truncated inline name"; return false; }
    pos += total;
  }
  if (const uint32_t* idx = name_cache_.find(name_off)) {
    name = *idx;
    return true;
  }
  if (uint64_t(name_off) + total > avail_) { err = "name offset out of range"; return false; }
  if (names_used_ == names_.size()) names_.emplace_back();
  NameInfo& ni = names_[names_used_];
  ni.text.clear();
  append_utf16(ni.text, chunk_ + name_off + 8, len_units, kNoEscape, true, chunk_ + avail_);
  static constexpr KnownName kKnown[] = {
      {"System", kNmSystem}, {"EventData", kNmEventData}, {"UserData", kNmUserData}, {"Data", kNmData},
      {"EventID", kNmEventID}, {"TimeCreated", kNmTimeCreated}, {"Provider", kNmProvider},
      {"Security", kNmSecurity}, {"Execution", kNmExecution}, {"Correlation", kNmCorrelation},
      {"Name", kNmName}, {"Guid", kNmGuid}, {"SystemTime", kNmSystemTime}, {"UserID", kNmUserID},
      {"ProcessID", kNmProcessID}, {"ThreadID", kNmThreadID}, {"ActivityID", kNmActivityID},
      {"RelatedActivityID", kNmRelatedActivityID}};
  ni.kind = kNmOther;
  for (const auto& k : kKnown)
    if (ni.text == k.text) {
      ni.kind = NameKind(k.kind);
      break;
    }
  name = uint32_t(names_used_++);
  name_cache_.put(name_off, name);
  return true;
}

bool ChunkDecoder::template_at(uint32_t def_off, TemplateDef& def) {
  for (const auto& [off, d] : templates_)
    if (off == def_off) { def = d; return true; }
  // Layout: next template u32, GUID (16), body size u32, body.
  if (uint64_t(def_off) + 24 > avail_) return false;
  const uint32_t len = le32(chunk_ + def_off + 20);
  if (uint64_t(def_off) + 24 + len > avail_) return false;
  def = {def_off + 24, len};
  templates_.emplace_back(def_off, def);
  return true;
}

// ---------------------------------------------------------------------------
// Token stream

bool ChunkDecoder::walk(uint32_t pos, uint32_t end, size_t value_base, size_t value_count, int nest,
                        uint32_t* consumed_to, std::string& err) {
  if (nest > kMaxNest) { err = "BinXml nested too deeply"; return false; }
  auto need = [&](uint64_t n) {
    if (pos + n > end) { err = "truncated BinXml"; return false; }
    return true;
  };
  while (pos < end) {
    if (--budget_ == 0) { err = "BinXml expands too much"; return false; }
    if (out_->arena.size() > kMaxRecordOutput) { err = "record renders too large"; return false; }
    const uint8_t tok = chunk_[pos];
    switch (tok) {
      case 0x00:  // end of fragment
        *consumed_to = pos + 1;
        return true;
      case 0x0f:  // fragment header: major, minor, flags
        if (!need(4)) return false;
        pos += 4;
        break;
      case 0x0c: {  // template instance: unknown u8, template id u32, definition offset u32
        if (!need(10)) return false;
        const uint32_t def_off = le32(chunk_ + pos + 6);
        pos += 10;
        size_t ti = 0;
        while (ti < templates_.size() && templates_[ti].first != def_off) ++ti;
        if (def_off == pos) {  // definition follows inline (first use in this chunk)
          if (!need(24)) return false;
          const uint32_t len = le32(chunk_ + pos + 20);
          if (!need(uint64_t(24) + len)) return false;
          if (ti == templates_.size()) {
            TemplateDef d;
            d.body_off = pos + 24;
            d.body_len = len;
            templates_.emplace_back(def_off, d);
          }
          pos += 24 + len;
        } else if (ti == templates_.size()) {
          TemplateDef d;
          if (!template_at(def_off, d)) {
            err = "template definition at chunk offset " + std::to_string(def_off) + " unreadable";
            return false;
          }
        }
        // Substitution array: count u32, count x (size u16, type u8, pad u8), then data.
        if (!need(4)) return false;
        const uint32_t count = le32(chunk_ + pos);
        pos += 4;
        if (!need(uint64_t(count) * 4)) return false;
        const size_t base = values_.size();
        uint64_t data = uint64_t(pos) + uint64_t(count) * 4;
        values_.resize(base + count);
        ValueRef* vals = values_.data() + base;
        for (uint32_t i = 0; i < count; ++i) {
          const uint8_t* d = chunk_ + pos + 4 * i;
          const uint32_t sz = le16(d);
          if (data + sz > end) {
            values_.resize(base);
            err = "substitution values overrun the record";
            return false;
          }
          vals[i] = {uint32_t(data), sz, d[2]};
          data += sz;
        }
        if (templates_[ti].second.state == kTplNew) compile(templates_[ti].second);
        const TemplateDef def = templates_[ti].second;  // a copy: nested instances may grow templates_
        uint32_t unused;
        const bool ok = def.state == kTplCompiled
                            ? run(def, base, count, nest + 1, err)
                            : walk(def.body_off, def.body_off + def.body_len, base, count, nest + 1, &unused, err);
        values_.resize(base);
        if (!ok) return false;
        pos = uint32_t(data);
        break;
      }
      case 0x01:
      case 0x41: {  // open start element: dependency id u16, size u32, name; [attr list size u32]
        if (!need(7)) return false;
        pos += 7;
        uint32_t name;
        if (!read_name(pos, end, name, err)) return false;
        if (tok & 0x40) {
          if (!need(4)) return false;
          pos += 4;
        }
        if (depth_ >= kMaxDepth) { err = "elements nested too deeply"; return false; }
        open_element(name);
        break;
      }
      case 0x02:  // close start element
        finish_attribute();
        ++pos;
        break;
      case 0x03:  // close empty element
        finish_attribute();
        close_element();
        ++pos;
        break;
      case 0x04:  // end element
        finish_attribute();
        close_element();
        ++pos;
        break;
      case 0x05:
      case 0x45: {  // value text: type u8 (string), char count u16, UTF-16
        if (!need(4)) return false;
        const uint8_t type = chunk_[pos + 1];
        const uint32_t n = le16(chunk_ + pos + 2);
        if (type != 0x01) { err = "unsupported value token type"; return false; }
        if (!need(4 + uint64_t(n) * 2)) return false;
        std::string* t = text_target();
        const Escape esc = in_attr_ ? kAttrEscape : kTextEscape;
        // Template bodies are walked once per record: render their static text once.
        const uint32_t key = pos * 2 + (esc == kAttrEscape);
        if (const uint32_t* idx = text_cache_index_.find(key)) {
          const TextEntry& te = texts_[*idx];
          t->append(text_cache_, te.off, te.len);
        } else {
          const size_t before = text_cache_.size();
          append_utf16(text_cache_, chunk_ + pos + 4, n, esc, false, chunk_ + avail_);
          const uint32_t len = uint32_t(text_cache_.size() - before);
          t->append(text_cache_, before, len);
          text_cache_index_.put(key, uint32_t(texts_.size()));
          texts_.push_back({uint32_t(before), len});
        }
        if (in_attr_) attr_content_ = true;
        else if (depth_ > 0) frames_[depth_ - 1].has_content = true;
        pos += 4 + 2 * n;
        break;
      }
      case 0x06:
      case 0x46: {  // attribute: name; its value tokens follow
        finish_attribute();
        ++pos;
        uint32_t name;
        if (!read_name(pos, end, name, err)) return false;
        start_attribute(name);
        break;
      }
      case 0x07:
      case 0x47: {  // CDATA section: char count u16, UTF-16
        if (!need(3)) return false;
        const uint32_t n = le16(chunk_ + pos + 1);
        if (!need(3 + uint64_t(n) * 2)) return false;
        append_utf16(*text_target(), chunk_ + pos + 3, n, kTextEscape, false, chunk_ + avail_);
        if (depth_ > 0) frames_[depth_ - 1].has_content = true;
        pos += 3 + 2 * n;
        break;
      }
      case 0x08:
      case 0x48: {  // character reference: u16, rendered as &#N;
        if (!need(3)) return false;
        std::string* t = text_target();
        t->append("&#");
        append_uint(*t, le16(chunk_ + pos + 1));
        t->push_back(';');
        if (in_attr_) attr_content_ = true;
        else if (depth_ > 0) frames_[depth_ - 1].has_content = true;
        pos += 3;
        break;
      }
      case 0x09:
      case 0x49: {  // entity reference: name, rendered as &name;
        ++pos;
        uint32_t name;
        if (!read_name(pos, end, name, err)) return false;
        std::string* t = text_target();
        t->push_back('&');
        t->append(names_[name].text);
        t->push_back(';');
        if (in_attr_) attr_content_ = true;
        else if (depth_ > 0) frames_[depth_ - 1].has_content = true;
        break;
      }
      case 0x0a: {  // processing instruction target: name
        ++pos;
        uint32_t name;
        if (!read_name(pos, end, name, err)) return false;
        break;
      }
      case 0x0b: {  // processing instruction data: char count u16, UTF-16
        if (!need(3)) return false;
        const uint32_t n = le16(chunk_ + pos + 1);
        if (!need(3 + uint64_t(n) * 2)) return false;
        pos += 3 + 2 * n;
        break;
      }
      case 0x0d:
      case 0x0e: {  // normal / optional substitution: index u16, type u8
        if (!need(4)) return false;
        const uint32_t idx = le16(chunk_ + pos + 1);
        pos += 4;
        if (idx < value_count && !substitute(values_[value_base + idx], tok == 0x0e, nest, err)) return false;
        break;
      }
      default:
        err = "unknown BinXml token 0x";
        append_hex_byte(err, tok, kHex);
        return false;
    }
  }
  *consumed_to = pos;
  return true;
}

// ---------------------------------------------------------------------------
// Compiled templates
//
// compile() performs, once per template and chunk, every check and lookup of walk()
// that depends only on the body's bytes; run() replays the result per instance with
// the same per-token budget and output checks, and the same state handling, so the
// output (fields and errors) is exactly that of walking the body.

void ChunkDecoder::compile(TemplateDef& def) {
  if (ops_.size() + def.body_len > kMaxOpsPerChunk) {  // at most one op per body byte
    def.state = kTplInterpret;
    return;
  }
  const size_t first = ops_.size();
  uint32_t pos = def.body_off;
  const uint32_t end = def.body_off + def.body_len;
  bool attr = false;  // inside an attribute, assuming the body starts outside one
  std::string err;
  auto op = [&](OpKind k) -> Op& {
    ops_.push_back({k, 0, 0, 0, 0, 0, 0});
    return ops_.back();
  };
  auto fail = [&](std::string msg) {
    op(kOpError).a = uint32_t(op_errors_.size());
    op_errors_.push_back(std::move(msg));
  };
  auto need = [&](uint64_t n) {
    if (pos + n > end) { fail("truncated BinXml"); return false; }
    return true;
  };
  auto cached_text = [&](Op& o, size_t before) {
    o.a = uint32_t(before);
    o.b = uint32_t(text_cache_.size() - before);
  };
  bool done = false;
  while (!done && pos < end) {
    const uint8_t tok = chunk_[pos];
    switch (tok) {
      case 0x00:
        op(kOpStop);
        done = true;
        break;
      case 0x0f:
        if (!need(4)) { done = true; break; }
        op(kOpNop);
        pos += 4;
        break;
      case 0x0c:  // template instance inside a template body: left to walk()
        ops_.resize(first);
        def.state = kTplInterpret;
        return;
      case 0x01:
      case 0x41: {
        if (!need(7)) { done = true; break; }
        pos += 7;
        uint32_t name;
        if (!read_name(pos, end, name, err)) { fail(err); done = true; break; }
        if (tok & 0x40) {
          if (!need(4)) { done = true; break; }
          pos += 4;
        }
        op(kOpOpen).a = name;
        break;
      }
      case 0x02:
        attr = false;
        op(kOpCloseStart);
        ++pos;
        break;
      case 0x03:
      case 0x04:
        attr = false;
        op(kOpClose);
        ++pos;
        break;
      case 0x05:
      case 0x45: {
        if (!need(4)) { done = true; break; }
        const uint8_t type = chunk_[pos + 1];
        const uint32_t n = le16(chunk_ + pos + 2);
        if (type != 0x01) { fail("unsupported value token type"); done = true; break; }
        if (!need(4 + uint64_t(n) * 2)) { done = true; break; }
        const size_t before = text_cache_.size();
        append_utf16(text_cache_, chunk_ + pos + 4, n, attr ? kAttrEscape : kTextEscape, false, chunk_ + avail_);
        Op& o = op(kOpText);
        cached_text(o, before);
        o.flag = attr;
        o.src = pos + 4;
        o.units = uint16_t(n);
        pos += 4 + 2 * n;
        break;
      }
      case 0x06:
      case 0x46: {
        ++pos;
        uint32_t name;
        if (!read_name(pos, end, name, err)) { fail(err); done = true; break; }
        attr = true;
        op(kOpAttr).a = name;
        break;
      }
      case 0x07:
      case 0x47: {
        if (!need(3)) { done = true; break; }
        const uint32_t n = le16(chunk_ + pos + 1);
        if (!need(3 + uint64_t(n) * 2)) { done = true; break; }
        Op& o = op(kOpCData);
        o.src = pos + 3;
        o.units = uint16_t(n);
        pos += 3 + 2 * n;
        break;
      }
      case 0x08:
      case 0x48: {
        if (!need(3)) { done = true; break; }
        const size_t before = text_cache_.size();
        text_cache_.append("&#");
        append_uint(text_cache_, le16(chunk_ + pos + 1));
        text_cache_.push_back(';');
        cached_text(op(kOpRef), before);
        pos += 3;
        break;
      }
      case 0x09:
      case 0x49: {
        ++pos;
        uint32_t name;
        if (!read_name(pos, end, name, err)) { fail(err); done = true; break; }
        const size_t before = text_cache_.size();
        text_cache_.push_back('&');
        text_cache_.append(names_[name].text);
        text_cache_.push_back(';');
        cached_text(op(kOpRef), before);
        break;
      }
      case 0x0a: {
        ++pos;
        uint32_t name;
        if (!read_name(pos, end, name, err)) { fail(err); done = true; break; }
        op(kOpNop);
        break;
      }
      case 0x0b: {
        if (!need(3)) { done = true; break; }
        const uint32_t n = le16(chunk_ + pos + 1);
        if (!need(3 + uint64_t(n) * 2)) { done = true; break; }
        op(kOpNop);
        pos += 3 + 2 * n;
        break;
      }
      case 0x0d:
      case 0x0e: {
        if (!need(4)) { done = true; break; }
        Op& o = op(kOpSubst);
        o.index = le16(chunk_ + pos + 1);
        o.flag = tok == 0x0e;
        pos += 4;
        break;
      }
      default: {
        std::string msg = "unknown BinXml token 0x";
        append_hex_byte(msg, tok, kHex);
        fail(std::move(msg));
        done = true;
        break;
      }
    }
  }
  def.prog_off = uint32_t(first);
  def.prog_len = uint32_t(ops_.size() - first);
  def.state = kTplCompiled;
}

bool ChunkDecoder::run(const TemplateDef& def, size_t value_base, size_t value_count, int nest, std::string& err) {
  if (nest > kMaxNest) { err = "BinXml nested too deeply"; return false; }
  for (uint32_t i = def.prog_off, e = def.prog_off + def.prog_len; i < e; ++i) {
    if (--budget_ == 0) { err = "BinXml expands too much"; return false; }
    if (out_->arena.size() > kMaxRecordOutput) { err = "record renders too large"; return false; }
    const Op& o = ops_[i];  // not used past a call that may grow ops_ (substitute)
    switch (o.kind) {
      case kOpNop:
        break;
      case kOpStop:
        return true;
      case kOpOpen:
        if (depth_ >= kMaxDepth) { err = "elements nested too deeply"; return false; }
        open_element(o.a);
        break;
      case kOpCloseStart:
        finish_attribute();
        break;
      case kOpClose:
        finish_attribute();
        close_element();
        break;
      case kOpText:
        if (in_attr_ || depth_ > 0) {
          std::string& t = in_attr_ ? attr_value_ : frames_[depth_ - 1].text;
          if (in_attr_ == bool(o.flag))
            t.append(text_cache_, o.a, o.b);
          else  // a nested fragment left us on the other side of an attribute
            append_utf16(t, chunk_ + o.src, o.units, in_attr_ ? kAttrEscape : kTextEscape, false, chunk_ + avail_);
          mark_content();
        }
        break;
      case kOpCData:
        append_utf16(*text_target(), chunk_ + o.src, o.units, kTextEscape, false, chunk_ + avail_);
        if (depth_ > 0) frames_[depth_ - 1].has_content = true;
        break;
      case kOpRef:
        text_target()->append(text_cache_, o.a, o.b);
        mark_content();
        break;
      case kOpAttr:
        finish_attribute();
        start_attribute(o.a);
        break;
      case kOpSubst:
        if (o.index < value_count && !substitute(values_[value_base + o.index], o.flag != 0, nest, err))
          return false;
        break;
      case kOpError:
        err = op_errors_[o.a];
        return false;
    }
  }
  return true;
}

void ChunkDecoder::start_attribute(uint32_t name) {
  in_attr_ = true;
  attr_content_ = false;
  attr_kind_ = names_[name].kind;
  attr_value_.clear();
  capture_time_ = depth_ == 3 && frames_[2].section == kSystem && !time_found_ &&
                  frames_[2].kind == kNmTimeCreated && attr_kind_ == kNmSystemTime;
}

// ---------------------------------------------------------------------------
// Elements, attributes, fields

std::string* ChunkDecoder::text_target() {
  if (in_attr_) return &attr_value_;
  if (depth_ > 0) return &frames_[depth_ - 1].text;
  scratch_.clear();  // character data outside any element: dropped
  return &scratch_;
}

void ChunkDecoder::open_element(uint32_t name) {
  if (frames_.size() <= depth_) frames_.resize(depth_ + 1);
  Frame& f = frames_[depth_];
  f.name = name;
  const NameKind kind = names_[name].kind;
  f.kind = kind;
  f.text.clear();
  f.name_attr.clear();
  f.has_name_attr = f.has_child = f.has_content = f.optional_null = false;
  f.array_items = 0;
  if (depth_ == 0) {
    f.section = kOther;
  } else {
    frames_[depth_ - 1].has_child = true;
    if (depth_ == 1) {
      f.section = kind == kNmSystem ? kSystem : kind == kNmEventData ? kEventData
                : kind == kNmUserData ? kUserData : kOther;
    } else {
      f.section = frames_[depth_ - 1].section;
    }
  }
  ++depth_;
}

void ChunkDecoder::add_field(std::string_view name, std::string_view value) {
  std::string& a = out_->arena;
  const size_t at = a.size();
  const FieldRef r{uint32_t(at), uint32_t(name.size()), uint32_t(at + name.size()), uint32_t(value.size())};
  if (a.capacity() - at < name.size() + value.size()) a.reserve(std::max(2 * a.capacity(), at + name.size() + value.size()));
  a.append(name).append(value);
  out_->fields.push_back(r);
}

void ChunkDecoder::close_element() {
  if (depth_ == 0) return;
  const size_t level = depth_ - 1;  // 0 = <Event>
  Frame& f = frames_[level];
  std::string_view name = names_[f.name].text;
  bool emit = false;
  if (f.optional_null && !f.has_content && !f.has_child) {
    // <Data>[optional NULL]</Data> is not rendered at all.
  } else if (f.section == kSystem && level == 2) {
    emit = f.has_content;
  } else if (f.section == kEventData && level == 2) {
    if (f.kind == kNmData) {
      if (f.has_name_attr) name = f.name_attr;
      emit = true;
    } else {
      emit = !f.has_child && f.has_content;  // e.g. <Binary>
    }
  } else if (f.section == kUserData && level >= 2) {
    emit = !f.has_child;
  }
  if (emit) {
    if (f.array_items == 0) {
      add_field(name, f.text);
      if (f.section == kSystem && f.kind == kNmEventID) add_field("EventCode", f.text);
    } else {
      // An array substitution renders the element once per item.
      std::string_view rest = f.text;
      for (uint32_t i = 0; i < f.array_items; ++i) {
        const size_t cut = rest.find('\0');
        add_field(name, rest.substr(0, cut));
        if (cut == std::string_view::npos) break;
        rest.remove_prefix(cut + 1);
      }
    }
  }
  --depth_;
}

void ChunkDecoder::finish_attribute() {
  if (!in_attr_) return;
  in_attr_ = false;
  const bool capture = capture_time_;
  capture_time_ = false;
  // An attribute whose only content is an empty optional substitution is not rendered.
  if (!attr_content_ || depth_ == 0) return;
  const size_t level = depth_ - 1;
  Frame& f = frames_[level];
  if (f.section == kSystem && level == 2) {
    const NameKind e = f.kind;
    const NameKind a = attr_kind_;
    std::string_view field;
    if (e == kNmProvider) field = a == kNmName ? "ProviderName" : a == kNmGuid ? "ProviderGuid" : "";
    else if (e == kNmTimeCreated) field = a == kNmSystemTime ? "SystemTime" : "";
    else if (e == kNmSecurity) field = a == kNmUserID ? "UserID" : "";
    else if (e == kNmExecution) field = a == kNmProcessID ? "ProcessID" : a == kNmThreadID ? "ThreadID" : "";
    else if (e == kNmCorrelation)
      field = a == kNmActivityID ? "ActivityID" : a == kNmRelatedActivityID ? "RelatedActivityID" : "";
    if (!field.empty()) add_field(field, attr_value_);
    if (capture && !time_found_) {
      time_found_ = true;
      time_ok_ = parse_iso_utc_us(attr_value_.data(), attr_value_.size(), time_us_);
    }
  } else if (f.section == kEventData && level == 2 && attr_kind_ == kNmName) {
    f.name_attr = attr_value_;
    f.has_name_attr = true;
  }
}

// ---------------------------------------------------------------------------
// Values

bool ChunkDecoder::substitute(const ValueRef& v, bool optional, int nest, std::string& err) {
  const uint8_t type = v.type;
  if (type == 0x00 || (v.size == 0 && type != 0x01)) {
    // NULL: an optional substitution vanishes (and so does an element or attribute
    // that has nothing else, as Windows renders it); a normal one renders as empty.
    if (!optional) {
      if (in_attr_) attr_content_ = true;
      else if (depth_ > 0) frames_[depth_ - 1].has_content = true;
    } else if (!in_attr_ && depth_ > 0) {
      frames_[depth_ - 1].optional_null = true;
    }
    return true;
  }
  if (type == 0x21) {  // nested BinXml: rendered in place
    if (in_attr_) return true;  // cannot occur in a valid document; ignore
    uint32_t unused;
    return walk(v.off, v.off + v.size, 0, 0, nest + 1, &unused, err);
  }
  if (in_attr_) {
    attr_content_ = true;
    if (capture_time_ && type == 0x11 && v.size >= 8) {
      const uint64_t ft = le64(chunk_ + v.off);
      time_found_ = true;
      time_ok_ = filetime_to_unix_us(ft, time_us_);
    }
  } else if (depth_ > 0) {
    frames_[depth_ - 1].has_content = true;
  }
  render_value(v, *text_target(), in_attr_);
  return true;
}

void ChunkDecoder::render_value(const ValueRef& v, std::string& dst, bool attr) {
  const uint8_t* p = chunk_ + v.off;
  const uint8_t type = v.type;
  if (!(type & 0x80)) {
    render_scalar(type, p, v.size, dst, attr);
    return;
  }
  // Arrays: in element content each item becomes its own element (recorded as
  // '\0'-separated items); inside an attribute items are joined with ", ".
  const uint8_t base = type & 0x7f;
  Frame* f = (!attr && depth_ > 0) ? &frames_[depth_ - 1] : nullptr;
  uint32_t items = 0;
  auto sep = [&] {
    if (items > 0) {
      if (f) dst.push_back('\0');
      else dst.append(", ");
    }
    ++items;
  };
  if (base == 0x01 || base == 0x02) {  // NUL-separated strings
    const uint32_t unit = base == 0x01 ? 2 : 1;
    uint32_t i = 0;
    while (i + unit <= v.size) {
      uint32_t j = i;
      while (j + unit <= v.size && (unit == 2 ? le16(p + j) != 0 : p[j] != 0)) j += unit;
      sep();
      render_scalar(base, p + i, j - i, dst, attr);
      i = j + unit;
    }
  } else if (base == 0x13) {  // SIDs: variable length
    uint32_t i = 0;
    while (i + 8 <= v.size) {
      const uint32_t len = 8 + 4 * uint32_t(p[i + 1]);
      if (i + len > v.size) break;
      sep();
      render_scalar(base, p + i, len, dst, attr);
      i += len;
    }
  } else if (uint32_t es = fixed_size(base, v.size); es > 0) {
    for (uint32_t i = 0; i + es <= v.size; i += es) {
      sep();
      render_scalar(base, p + i, es, dst, attr);
    }
  } else {
    render_scalar(base, p, v.size, dst, attr);
    items = 1;
  }
  if (f && items > 0) {
    // Merge with content already present (rare): count it as the first item.
    f->array_items = f->array_items == 0 ? items : f->array_items + items - 1;
  }
}

void ChunkDecoder::render_scalar(uint8_t type, const uint8_t* p, uint32_t n, std::string& dst, bool attr) {
  const Escape esc = attr ? kAttrEscape : kTextEscape;
  switch (type) {
    case 0x01:  // UTF-16 string
      append_utf16(dst, p, n / 2, esc, true, chunk_ + avail_);
      return;
    case 0x02:  // ANSI string: code page unknown, bytes taken as Latin-1
      for (uint32_t i = 0; i < n && p[i] != 0; ++i) {
        if (p[i] < 0x80) put_escaped(dst, char(p[i]), esc);
        else put_utf8(dst, p[i]);
      }
      return;
    case 0x03: if (n >= 1) append_int(dst, int8_t(p[0])); return;
    case 0x04: if (n >= 1) append_uint(dst, p[0]); return;
    case 0x05: if (n >= 2) append_int(dst, int16_t(le16(p))); return;
    case 0x06: if (n >= 2) append_uint(dst, le16(p)); return;
    case 0x07: if (n >= 4) append_int(dst, int32_t(le32(p))); return;
    case 0x08: if (n >= 4) append_uint(dst, le32(p)); return;
    case 0x09: if (n >= 8) append_int(dst, int64_t(le64(p))); return;
    case 0x0a: if (n >= 8) append_uint(dst, le64(p)); return;
    case 0x0b:
      if (n >= 4) {
        float f;
        std::memcpy(&f, p, 4);
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, f);
        dst.append(buf, r.ptr);
      }
      return;
    case 0x0c:
      if (n >= 8) {
        double d;
        std::memcpy(&d, p, 8);
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, d);
        dst.append(buf, r.ptr);
      }
      return;
    case 0x0d: {  // BOOL (32-bit, sometimes narrower)
      bool b = false;
      for (uint32_t i = 0; i < n && i < 4; ++i) b |= p[i] != 0;
      dst.append(b ? "true" : "false");
      return;
    }
    case 0x0e:  // binary: upper-case hex, as <Binary> renders
      append_hex_bytes(dst, p, n);
      return;
    case 0x0f:
      if (n >= 16) append_guid(dst, p);
      return;
    case 0x10:  // size_t / pointer
      if (n >= 8) append_hex(dst, le64(p));
      else if (n >= 4) append_hex(dst, le32(p));
      return;
    case 0x11:
      if (n >= 8) append_filetime(dst, le64(p));
      return;
    case 0x12: {  // SYSTEMTIME: year, month, weekday, day, hour, minute, second, ms
      if (n < 16) return;
      char buf[48];
      const int len = std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02u.%03u000000Z", le16(p),
                                    le16(p + 2), le16(p + 6), le16(p + 8), le16(p + 10), le16(p + 12),
                                    le16(p + 14));
      if (len > 0) dst.append(buf, size_t(len) < sizeof buf ? size_t(len) : sizeof buf - 1);
      return;
    }
    case 0x13: {  // SID: revision, sub-authority count, 48-bit big-endian authority, sub-authorities
      if (n < 8) return;
      const uint32_t subs = p[1];
      if (8 + 4 * subs > n) return;
      uint64_t auth = 0;
      for (int i = 2; i < 8; ++i) auth = (auth << 8) | p[i];
      dst.append("S-");
      append_uint(dst, p[0]);
      dst.push_back('-');
      if (auth >> 32) append_hex(dst, auth);
      else append_uint(dst, auth);
      for (uint32_t i = 0; i < subs; ++i) {
        dst.push_back('-');
        append_uint(dst, le32(p + 8 + 4 * i));
      }
      return;
    }
    case 0x14: if (n >= 4) append_hex(dst, le32(p)); return;
    case 0x15: if (n >= 8) append_hex(dst, le64(p)); return;
    default:  // EvtHandle, EvtXml and unknown types: raw bytes as hex
      append_hex_bytes(dst, p, n);
      return;
  }
}

}  // namespace splinter::io::evtx
