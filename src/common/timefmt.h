// Epoch time <-> text, as Splunk's convert/strftime do it.
#pragma once
#include <string>
#include <string_view>

namespace splinter {

// Selects the zone used by format_time: "UTC" (default) or an IANA name such as
// "Europe/Berlin" (through the C library's TZ database). Returns false if unknown.
bool set_display_timezone(const std::string& tz);

// strftime plus Splunk's subsecond extensions (%N = 9 digits, %3N/%6N/%9N, %Q = ms, %s = epoch).
// Fractions are truncated, never rounded, as Splunk does.
std::string format_time(double epoch_seconds, std::string_view fmt);

// Default format of convert ctime.
inline constexpr std::string_view kSplunkDefaultTimeFormat = "%m/%d/%Y %H:%M:%S";

}  // namespace splinter
