// Epoch time <-> text, as Splunk's convert/strftime do it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace splinter {

// Selects the zone used by format_time: "UTC" (default) or an IANA name such as
// "Europe/Berlin" (through the C library's TZ database). Returns false if unknown.
bool set_display_timezone(const std::string& tz);

// strftime plus Splunk's subsecond extensions (%N = 9 digits, %3N/%6N/%9N, %Q = ms, %s = epoch)
// of a time in epoch microseconds: exact over the whole range (before 1970 too).
// Fractions are truncated, never rounded, as Splunk does.
std::string format_time_us(int64_t epoch_us, std::string_view fmt);
// The same for epoch seconds in a double, first rounded to the microsecond (a double
// cannot hold microseconds of far dates: prefer format_time_us where they matter).
// Not finite or out of range: the number as text.
std::string format_time(double epoch_seconds, std::string_view fmt);

// Default format of convert ctime.
inline constexpr std::string_view kSplunkDefaultTimeFormat = "%m/%d/%Y %H:%M:%S";

}  // namespace splinter

namespace splinter {
// Splunk's strptime(): the time written in `s` by the strftime-style `fmt`, as epoch
// microseconds. Understands %Y %y %m %d %e %H %I %M %S %p %b %B %h %a %A %j %z %Z %T %F
// %D %R %s %N %3N %6N %9N %Q %% and literal text (whitespace in fmt matches any run of
// whitespace). Fields left out default to 1970-01-01 00:00:00; text after the format
// is ignored. Without %z the time is in the display time zone. False if it does not match.
bool parse_time_us(std::string_view s, std::string_view fmt, int64_t& out);
}  // namespace splinter
