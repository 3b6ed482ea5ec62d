// Byte streams with transparent decompression (gzip, multi-member gzip, zstd),
// sniffed by magic, plus a sliding window over the decompressed bytes that the
// text readers scan. Memory stays bounded: data arrives in fixed-size chunks and
// only the unconsumed tail of the window is kept.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace splinter::io {

enum class Compression { None, Gzip, Zstd };

class ByteSource {
 public:
  ByteSource();
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // path "-" = stdin. Returns false (with error()) when the file cannot be opened.
  bool open(const std::string& path);
  // Opens an in-memory buffer (tests, already-loaded data). The bytes must outlive reads.
  void open_memory(const void* data, size_t size);
  // Up to n decompressed bytes; 0 at the end or on error (see error()). Text that
  // starts with a UTF-16 byte order mark comes out transcoded to UTF-8 (offsets then
  // count UTF-8 bytes).
  size_t read(char* out, size_t n);

  Compression compression() const { return kind_; }
  bool is_stdin() const { return is_stdin_; }
  // Not a regular file (pipe, FIFO, device, stdin from either): bytes arrive when the
  // writer sends them and may never end, so readers must not wait for full chunks.
  bool is_stream() const { return is_stream_; }
  // Bytes held for raw (still compressed) input: starts small, grows with the input.
  size_t buffer_capacity() const;
  const std::string& error() const { return error_; }

 struct Impl;  // decoder state (zlib / zstd handles), defined in stream.cpp

 private:
  size_t read_decoded(char* out, size_t n);
  bool fill_raw();
  size_t read_raw(char* out, size_t n);
  size_t read_gzip(char* out, size_t n);
  size_t read_zstd(char* out, size_t n);

  std::unique_ptr<Impl> impl_;
  Compression kind_ = Compression::None;
  bool is_stdin_ = false;
  bool is_stream_ = false;
  std::string error_;
};

// Sliding window over a ByteSource. Scanners look at data()[0, avail()), call
// fill() when they need more (unconsumed bytes are kept; positions relative to
// data() stay valid) and consume() what they are done with.
//
// fill() asks for a small first read and doubles the request each time the source
// delivers all of it, up to chunk: memory stays proportional to the input, so a
// directory of thousands of small files does not allocate (and fault in) a full
// chunk per file, while a large file still streams in chunk-sized reads.
class StreamBuffer {
 public:
  static constexpr size_t kFirstFill = size_t(16) << 10;
  explicit StreamBuffer(ByteSource& src, size_t chunk = size_t(1) << 20);

  const char* data() const { return buf_.data() + pos_; }
  size_t avail() const { return end_ - pos_; }
  std::string_view view() const { return {data(), avail()}; }
  // Appends the next chunk; false when the source has nothing more.
  bool fill();
  bool at_eof() const { return eof_; }
  // Ends the input here (on_chunk may call it): fill() reads nothing more. For a guard
  // that gives up on an endless stream; stopped() tells that end from the real one.
  void stop() { eof_ = stopped_ = true; }
  bool stopped() const { return stopped_; }
  // Drops n bytes from the front, tracking the line number.
  void consume(size_t n);
  uint64_t offset() const { return base_ + pos_; }  // stream offset of data()
  uint64_t line() const { return line_; }           // 1-based line of data()
  uint64_t total_read() const { return base_ + end_; }
  size_t capacity() const { return buf_.size(); }  // bytes allocated for the window
  // Called after each chunk with the bytes read so far (progress reporting).
  std::function<void(uint64_t)> on_chunk;

 private:
  ByteSource& src_;
  size_t chunk_;
  size_t request_;  // bytes the next fill() asks for: grows to chunk_
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
  uint64_t base_ = 0;  // stream offset of buf_[0]
  uint64_t line_ = 1;
  bool eof_ = false;
  bool stopped_ = false;
};

}  // namespace splinter::io
