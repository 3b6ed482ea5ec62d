#include "io/stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace splinter::io {

namespace {
// Raw (compressed) input is read in pieces of at most kRawChunk. The buffer starts at
// the file size when that is known (a 1 KB file gets a few KB, not a megabyte that
// every file of a large directory would allocate and fault in) and otherwise at
// kRawStart, doubling whenever a read fills it.
constexpr size_t kRawChunk = size_t(1) << 20;
constexpr size_t kRawStart = size_t(16) << 10;
constexpr size_t kRawMin = size_t(4) << 10;

size_t initial_raw_size(uint64_t known_size) {
  return size_t(std::clamp<uint64_t>(known_size + 1, kRawMin, kRawChunk));
}
}

struct ByteSource::Impl {
  // UTF-16 text (a BOM at the start of the decompressed stream): transcoded to UTF-8
  // so the text readers see one encoding. 0 = not yet known, 1 = UTF-8/bytes, 2 = LE, 3 = BE.
  int encoding = 0;
  std::vector<char> u16;      // decompressed UTF-16 bytes not yet transcoded
  std::string u8;             // transcoded bytes not yet handed out
  size_t u8_pos = 0;
  bool u16_eof = false;
  int fd = -1;
  bool own_fd = false;
  // Memory source (no fd).
  const char* mem = nullptr;
  size_t mem_size = 0, mem_pos = 0;

  std::vector<char> raw = std::vector<char>(kRawStart);
  size_t raw_pos = 0, raw_end = 0;
  bool raw_eof = false;
  bool raw_grow = false;  // the last read filled raw: give the next one more room

  z_stream zs{};
  bool z_init = false;
  bool z_member_done = false;  // between gzip members
  ZSTD_DCtx* zd = nullptr;
  size_t zstd_last = 0;  // last ZSTD_decompressStream hint: 0 = frame complete
  bool done = false;

  ~Impl() {
    if (z_init) inflateEnd(&zs);
    if (zd) ZSTD_freeDCtx(zd);
    if (own_fd && fd >= 0) ::close(fd);
  }
};

ByteSource::ByteSource() : impl_(std::make_unique<Impl>()) {}
ByteSource::~ByteSource() = default;

size_t ByteSource::buffer_capacity() const { return impl_->raw.size(); }

bool ByteSource::fill_raw() {
  Impl& m = *impl_;
  if (m.raw_eof) return false;
  if (m.raw_pos > 0 && m.raw_pos < m.raw_end) {
    std::memmove(m.raw.data(), m.raw.data() + m.raw_pos, m.raw_end - m.raw_pos);
  }
  m.raw_end -= m.raw_pos;
  m.raw_pos = 0;
  if (m.raw_grow && m.raw.size() < kRawChunk) m.raw.resize(std::min(kRawChunk, m.raw.size() * 2));
  m.raw_grow = false;
  if (m.mem) {
    size_t n = std::min(m.raw.size() - m.raw_end, m.mem_size - m.mem_pos);
    std::memcpy(m.raw.data() + m.raw_end, m.mem + m.mem_pos, n);
    m.mem_pos += n;
    m.raw_end += n;
    m.raw_grow = m.raw_end == m.raw.size();
    if (n == 0) m.raw_eof = true;
    return n > 0;
  }
  for (;;) {
    ssize_t r = ::read(m.fd, m.raw.data() + m.raw_end, m.raw.size() - m.raw_end);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      error_ = std::string("read error: ") + std::strerror(errno);
      m.raw_eof = true;
      return false;
    }
    if (r == 0) {
      m.raw_eof = true;
      return false;
    }
    m.raw_end += size_t(r);
    m.raw_grow = m.raw_end == m.raw.size();
    return true;
  }
}

static Compression sniff_magic(const unsigned char* p, size_t n) {
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) return Compression::Gzip;
  if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) return Compression::Zstd;
  return Compression::None;
}

static void init_decoder(ByteSource::Impl& m, Compression kind, std::string& error) {
  if (kind == Compression::Gzip) {
    // 15 + 16: gzip wrapper only; members are restarted by hand (multi-member files).
    if (inflateInit2(&m.zs, 15 + 16) != Z_OK) {
      error = "zlib init failed";
      m.done = true;
    } else {
      m.z_init = true;
    }
  } else if (kind == Compression::Zstd) {
    m.zd = ZSTD_createDCtx();
    if (!m.zd) {
      error = "zstd init failed";
      m.done = true;
    }
  }
}

bool ByteSource::open(const std::string& path) {
  Impl& m = *impl_;
  if (path == "-") {
    m.fd = 0;
    is_stdin_ = true;
  } else {
    m.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m.fd < 0) {
      error_ = std::string("cannot open: ") + std::strerror(errno);
      return false;
    }
    m.own_fd = true;
  }
  struct stat sbuf {};
  const bool regular = ::fstat(m.fd, &sbuf) == 0 && S_ISREG(sbuf.st_mode);
  if (regular) m.raw.resize(initial_raw_size(uint64_t(sbuf.st_size)));
  is_stream_ = !regular;
  // Read until the magic can be judged (a pipe may deliver 1 byte at a time).
  while (m.raw_end < 4 && fill_raw()) {
  }
  if (!error_.empty()) return false;
  kind_ = sniff_magic(reinterpret_cast<const unsigned char*>(m.raw.data()), m.raw_end);
  init_decoder(m, kind_, error_);
  return error_.empty();
}

void ByteSource::open_memory(const void* data, size_t size) {
  Impl& m = *impl_;
  m.mem = static_cast<const char*>(data);
  m.mem_size = size;
  m.raw.resize(initial_raw_size(size));
  while (m.raw_end < 4 && fill_raw()) {
  }
  kind_ = sniff_magic(reinterpret_cast<const unsigned char*>(m.raw.data()), m.raw_end);
  init_decoder(m, kind_, error_);
}

size_t ByteSource::read_decoded(char* out, size_t n) {
  if (impl_->done || n == 0) return 0;
  switch (kind_) {
    case Compression::None: return read_raw(out, n);
    case Compression::Gzip: return read_gzip(out, n);
    case Compression::Zstd: return read_zstd(out, n);
  }
  return 0;
}

// UTF-16 code units -> UTF-8; a lone surrogate becomes U+FFFD (as the EVTX reader does).
static void utf16_to_utf8(const unsigned char* p, size_t units, bool big_endian, std::string& out, size_t& used) {
  auto unit = [&](size_t i) -> unsigned {
    return big_endian ? (unsigned(p[2 * i]) << 8 | p[2 * i + 1]) : (unsigned(p[2 * i + 1]) << 8 | p[2 * i]);
  };
  size_t i = 0;
  while (i < units) {
    unsigned c = unit(i);
    if (c >= 0xD800 && c <= 0xDBFF) {
      if (i + 1 >= units) break;  // the pair may continue in the next chunk
      unsigned d = unit(i + 1);
      if (d >= 0xDC00 && d <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        i += 2;
      } else {
        c = 0xFFFD;
        ++i;
      }
    } else {
      if (c >= 0xDC00 && c <= 0xDFFF) c = 0xFFFD;
      ++i;
    }
    if (c < 0x80) {
      out += char(c);
    } else if (c < 0x800) {
      out += char(0xC0 | (c >> 6));
      out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += char(0xE0 | (c >> 12));
      out += char(0x80 | ((c >> 6) & 0x3F));
      out += char(0x80 | (c & 0x3F));
    } else {
      out += char(0xF0 | (c >> 18));
      out += char(0x80 | ((c >> 12) & 0x3F));
      out += char(0x80 | ((c >> 6) & 0x3F));
      out += char(0x80 | (c & 0x3F));
    }
  }
  used = i;
}

size_t ByteSource::read(char* out, size_t n) {
  Impl& m = *impl_;
  if (m.encoding == 0) {
    // Sniff UTF-16 on the first bytes of the decompressed stream: a byte order mark,
    // or (no BOM, as some exporters write it) ASCII characters each with a zero byte
    // on the same side, as "<\0E\0" or "\0{\0\"" start an XML or JSON log.
    char head[4];
    size_t got = 0;
    while (got < 4) {
      size_t k = read_decoded(head + got, 4 - got);
      if (k == 0) break;
      got += k;
    }
    auto u = [&](size_t i) { return static_cast<unsigned char>(head[i]); };
    auto ascii = [&](size_t i) { return u(i) >= 0x09 && u(i) < 0x7f; };
    const bool le_bom = got >= 2 && u(0) == 0xFF && u(1) == 0xFE;
    const bool be_bom = got >= 2 && u(0) == 0xFE && u(1) == 0xFF;
    const bool le_bare = got == 4 && ascii(0) && u(1) == 0 && ascii(2) && u(3) == 0;
    const bool be_bare = got == 4 && u(0) == 0 && ascii(1) && u(2) == 0 && ascii(3);
    m.encoding = le_bom || le_bare ? 2 : be_bom || be_bare ? 3 : 1;
    if (m.encoding == 1) m.u8.assign(head, got);  // hand the sniffed bytes out first
    else m.u16.assign(head + (le_bom || be_bom ? 2 : 0), head + got);  // transcoded first
  }
  if (m.encoding == 1) {
    if (m.u8_pos < m.u8.size()) {
      size_t k = std::min(n, m.u8.size() - m.u8_pos);
      std::memcpy(out, m.u8.data() + m.u8_pos, k);
      m.u8_pos += k;
      return k;
    }
    return read_decoded(out, n);
  }
  // UTF-16: transcode a chunk at a time.
  while (m.u8_pos == m.u8.size()) {
    m.u8.clear();
    m.u8_pos = 0;
    if (m.u16_eof && m.u16.size() < 2) return 0;
    // About what the caller asked for (2 UTF-16 bytes per ASCII character), not a
    // fixed megabyte: resize() zero-fills what it adds, every round.
    const size_t step = std::clamp<size_t>(n * 2, kRawMin, kRawChunk);
    size_t have = m.u16.size();
    m.u16.resize(have + step);
    size_t k = m.u16_eof ? 0 : read_decoded(m.u16.data() + have, step);
    m.u16.resize(have + k);
    if (k == 0) m.u16_eof = true;
    size_t used = 0;
    utf16_to_utf8(reinterpret_cast<const unsigned char*>(m.u16.data()), m.u16.size() / 2, m.encoding == 3, m.u8, used);
    if (m.u16_eof && used < m.u16.size() / 2) {  // a lone high surrogate at the very end
      m.u8 += "\xEF\xBF\xBD";
      used = m.u16.size() / 2;
    }
    m.u16.erase(m.u16.begin(), m.u16.begin() + static_cast<std::ptrdiff_t>(used * 2));
    if (m.u16_eof && m.u8.empty()) return 0;
  }
  size_t k = std::min(n, m.u8.size() - m.u8_pos);
  std::memcpy(out, m.u8.data() + m.u8_pos, k);
  m.u8_pos += k;
  return k;
}

size_t ByteSource::read_raw(char* out, size_t n) {
  Impl& m = *impl_;
  if (m.raw_pos == m.raw_end && !fill_raw()) {
    m.done = true;
    return 0;
  }
  size_t k = std::min(n, m.raw_end - m.raw_pos);
  std::memcpy(out, m.raw.data() + m.raw_pos, k);
  m.raw_pos += k;
  return k;
}

size_t ByteSource::read_gzip(char* out, size_t n) {
  Impl& m = *impl_;
  size_t produced = 0;
  while (produced < n) {
    if (m.raw_pos == m.raw_end && !fill_raw()) {
      if (!m.z_member_done && error_.empty()) error_ = "truncated gzip stream";
      m.done = true;
      break;
    }
    if (m.z_member_done) {
      // Another member follows only if it starts with the gzip magic; anything
      // else (zero padding from tape-style writers) ends the stream quietly.
      while (m.raw_end - m.raw_pos < 2 && fill_raw()) {
      }
      const auto* p = reinterpret_cast<const unsigned char*>(m.raw.data() + m.raw_pos);
      if (m.raw_end - m.raw_pos < 2 || p[0] != 0x1f || p[1] != 0x8b) {
        m.done = true;
        break;
      }
      inflateReset(&m.zs);
      m.z_member_done = false;
    }
    m.zs.next_in = reinterpret_cast<Bytef*>(m.raw.data() + m.raw_pos);
    m.zs.avail_in = uInt(m.raw_end - m.raw_pos);
    m.zs.next_out = reinterpret_cast<Bytef*>(out + produced);
    m.zs.avail_out = uInt(std::min<size_t>(n - produced, 1u << 30));
    int rc = inflate(&m.zs, Z_NO_FLUSH);
    size_t used = (m.raw_end - m.raw_pos) - m.zs.avail_in;
    m.raw_pos += used;
    produced = size_t(reinterpret_cast<char*>(m.zs.next_out) - out);
    if (rc == Z_STREAM_END) {
      m.z_member_done = true;
    } else if (rc == Z_BUF_ERROR) {
      // Needs more input: loop refills (or reports truncation at the end).
      if (m.zs.avail_in != 0) {
        error_ = "gzip decode error";
        m.done = true;
        break;
      }
    } else if (rc != Z_OK) {
      error_ = std::string("gzip decode error: ") + (m.zs.msg ? m.zs.msg : "corrupt data");
      m.done = true;
      break;
    }
  }
  return produced;
}

size_t ByteSource::read_zstd(char* out, size_t n) {
  Impl& m = *impl_;
  ZSTD_outBuffer ob{out, n, 0};
  while (ob.pos < ob.size) {
    if (m.raw_pos == m.raw_end && !fill_raw()) {
      if (m.zstd_last != 0 && error_.empty()) error_ = "truncated zstd stream";
      m.done = true;
      break;
    }
    ZSTD_inBuffer ib{m.raw.data() + m.raw_pos, m.raw_end - m.raw_pos, 0};
    size_t rc = ZSTD_decompressStream(m.zd, &ob, &ib);
    m.raw_pos += ib.pos;
    if (ZSTD_isError(rc)) {
      error_ = std::string("zstd decode error: ") + ZSTD_getErrorName(rc);
      m.done = true;
      break;
    }
    m.zstd_last = rc;
  }
  return ob.pos;
}

StreamBuffer::StreamBuffer(ByteSource& src, size_t chunk)
    : src_(src), chunk_(std::max<size_t>(chunk, 1)), request_(std::min(chunk_, kFirstFill)) {}

bool StreamBuffer::fill() {
  if (eof_) return false;
  // Compact first so the window only holds unconsumed bytes.
  if (pos_ > 0) {
    if (end_ > pos_) std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    base_ += pos_;
    end_ -= pos_;
    pos_ = 0;
  }
  const size_t want = request_;
  if (buf_.size() < end_ + want) buf_.resize(end_ + want);
  size_t got = 0;
  // Fill the whole request so scanners do not re-scan tiny increments.
  while (got < want) {
    size_t r = src_.read(buf_.data() + end_ + got, want - got);
    if (r == 0) break;
    got += r;
    if (src_.is_stream() && got > 0) break;  // do not stall an interactive pipe
  }
  end_ += got;
  // The source kept up: ask for more next time (geometric, so the number of fills
  // and the re-scanning they cause stay logarithmic before the chunk size is reached).
  if (got == want && request_ < chunk_) request_ = std::min(chunk_, request_ * 2);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  if (on_chunk) on_chunk(base_ + end_);
  return true;
}

void StreamBuffer::consume(size_t n) {
  if (n > avail()) n = avail();
  if (n == 0) return;  // data() may be null before the first fill
  // memchr is vectorised in glibc; a byte loop here was a quarter of all reading time.
  const char* p = data();
  const char* end = p + n;
  while ((p = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)))) != nullptr) {
    ++line_;
    ++p;
  }
  pos_ += n;
}

}  // namespace splinter::io
