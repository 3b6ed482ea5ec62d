// Timestamp parsing shared by the text readers.
#pragma once
#include <cstdint>
#include <string_view>

namespace splinter::io {

// ISO-8601-ish UTC time -> microseconds since the epoch, or kNoTime.
// Accepts "2024-05-14T09:15:02.4471234Z" (extra fraction digits truncated), no
// fraction, 'T' or ' ' separator, 'Z', "+hh:mm"/"-hh:mm"/"+hhmm" offsets, or no zone (UTC).
int64_t parse_iso_time(std::string_view s);
// Splunk classic WinEventLog header "01/14/2021 11:41:39 PM" (taken as UTC), or kNoTime.
int64_t parse_classic_time(std::string_view s);
// Days in month m (1..12) of year y, proleptic Gregorian.
unsigned days_in_month(int64_t y, unsigned m);
// Days since 1970-01-01 for a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

}  // namespace splinter::io
