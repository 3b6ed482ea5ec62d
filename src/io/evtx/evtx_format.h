// Low-level EVTX layout constants and bounds-checked little-endian helpers shared by
// the file-level reader and the chunk decoder. See evtx_reader.cpp for the format.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace splinter::io::evtx {

inline constexpr size_t kFileHeaderSize = 4096;   // header block; only the first 128 bytes are used
inline constexpr size_t kChunkSize = 65536;
inline constexpr size_t kChunkHeaderSize = 512;   // 128-byte header + string table + template table
inline constexpr size_t kRecordHeaderSize = 24;   // magic, size, id, FILETIME
inline constexpr size_t kMinRecordSize = kRecordHeaderSize + 4;  // + trailing size copy
inline constexpr uint32_t kRecordMagic = 0x00002a2a;

// FILETIME (100 ns ticks since 1601-01-01 UTC) of 1970-01-01 and of 10000-01-01.
inline constexpr uint64_t kFiletimeUnixEpoch = 116444736000000000ull;
inline constexpr uint64_t kFiletimeYear10000 = 2650467744000000000ull;

inline uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t le32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);  // x86/ARM little-endian hosts; memcpy keeps it alignment-safe
  return v;
}
inline uint64_t le64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// CRC32 (zlib polynomial) as used by the file and chunk header checksums; equals
// zlib's crc32(seed, p, n). PCLMULQDQ folding when the CPU has it, else slicing-by-8.
uint32_t crc32_of(const uint8_t* p, size_t n, uint32_t seed = 0);

// Appends "YYYY-MM-DDTHH:MM:SS.fffffff00Z" (nine fractional digits, the last two
// always 0, as Windows renders SystemTime into event XML).
void append_filetime(std::string& out, uint64_t ft);

// Microseconds since the Unix epoch, or false when the FILETIME is outside
// years 1601..9999.
bool filetime_to_unix_us(uint64_t ft, int64_t& us);

// Parses a rendered "YYYY-MM-DDTHH:MM:SS[.fraction]Z" timestamp.
bool parse_iso_utc_us(const char* s, size_t n, int64_t& us);

}  // namespace splinter::io::evtx
