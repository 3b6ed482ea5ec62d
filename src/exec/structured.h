// Reading JSON and XML text held in a field, for spath, xmlkv and fromjson. The walkers
// work on the text as it is (no document tree is built): values are handed out as
// views into the text or, where decoding is needed (JSON string escapes, XML
// entities), in one scratch string the caller's sink reads before the next value.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace splinter::exec {

// One step of an spath location path: "name", "name{}", "{}", "name{@attr}".
struct PathStep {
  std::string name;        // empty for a bare "{}" step (the top-level array)
  size_t iterate = 0;      // number of "{}" suffixes: each descends into array members
  std::string attribute;   // XML "{@attr}" (only on the last step)
};

// Parses an spath path. Throws std::invalid_argument with a message naming what is
// wrong (an index such as {1} is refused: see spath in plan.cpp).
std::vector<PathStep> parse_spath_path(std::string_view path);

// Receives one extracted (name, value) pair. `value` is valid only during the call.
class KvSink {
 public:
  virtual ~KvSink() = default;
  virtual void add(std::string_view name, std::string_view value) = 0;
};

// Every scalar leaf of the JSON text under its Splunk name: object keys joined with '.',
// "{}" after an array (a top-level array gives "{}.key"). Strings are unescaped; numbers,
// true, false and null are their text as written. Only leaves that end within the first
// `cutoff` bytes are given. Returns false when the text is not JSON (nothing is given)
// or breaks off (the leaves before the break are given).
bool json_leaves(std::string_view text, size_t cutoff, KvSink& sink);

// The values at a path: scalars as in json_leaves, objects and arrays as their JSON text
// as written. Appends to out; false when the text is not JSON.
bool json_path(std::string_view text, const std::vector<PathStep>& path, std::vector<std::string>& out);

// The members of a top-level JSON object (fromjson): a string is unescaped, an array
// gives one value per member (objects and arrays in it as their text), an object its
// text, other scalars their text. `sink` gets each value; a key with an empty array is
// given with no value (the caller sees add_empty). False when the text is not an object.
class JsonMemberSink {
 public:
  virtual ~JsonMemberSink() = default;
  virtual void begin(std::string_view key) = 0;
  virtual void value(std::string_view v) = 0;
};
bool json_members(std::string_view text, JsonMemberSink& sink);

// XML: every element that holds text and no child element, under the path of element
// names from the root joined with '.'; attributes as "<path>{@name}". Entities are
// decoded. Only leaves that end within `cutoff` bytes are given. False if not XML.
bool xml_leaves(std::string_view text, size_t cutoff, KvSink& sink);

// XML values at a path (the first step names the root element): an element with no
// child element gives its text, one with children its inner XML as written; {@attr}
// gives the attribute.
bool xml_path(std::string_view text, const std::vector<PathStep>& path, std::vector<std::string>& out);

// xmlkv: every element that holds text and no child element, under its own tag name,
// wherever it stands; entities decoded.
void xml_tag_values(std::string_view text, KvSink& sink);

// Matches s against a pattern whose '*' match any run of characters (case-sensitive);
// on success caps holds what each '*' matched, in order.
bool wildcard_capture(std::string_view pat, std::string_view s, std::vector<std::string_view>& caps);

}  // namespace splinter::exec
