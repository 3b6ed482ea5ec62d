// The rendered Message of a classic WinEventLog text record (Splunk sourcetype
// WinEventLog), split into the field names the XML EventData of the same event uses,
// so that one CIM mapping serves both renderings.
//
// Windows renders the EventData through a per-event template: a description line,
// then "Label:<tabs>value" lines, grouped under unindented "Section:" headers in the
// Security log ("Creator Subject:" / "\tAccount Name:\t\talice"), or "Key: value" lines
// whose keys already are the EventData names (Sysmon). The label -> name table covers
// the common Security events (process creation, logon, account and group changes,
// services, Kerberos); any other label becomes a field named by the label without its
// spaces, roughly what Splunk's generic key-value extraction gives.
//
// A value may span lines (a command line), and those lines may look like fields. In
// Sysmon a key line must fit the event's fixed field order (a command line cannot
// supply ParentImage or User); in Security only the rendered "Label:<tab>" shape starts
// a field, and a command line keeps its blank lines but not the template's closing
// prose. Values keep their own blanks; only the rendered separator is dropped.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/event.h"

namespace splinter::io {

class ClassicMessageParser {
 public:
  // Adds the message's fields to ev. A name ev already has keeps its value (first
  // value wins, as for XML); "Message" itself is never taken from the body.
  void parse(std::string_view channel, std::string_view provider, std::string_view event_code,
             std::string_view message, Event& ev);

 private:
  void sysmon_ordered(std::string_view keys, std::string_view message, size_t p, Event& ev);
  std::string_view lines(std::string_view message, std::string_view first, size_t p, size_t end);

  struct Cand {  // a line shaped like a known Sysmon key
    size_t pos, key;
    long score, next;
  };
  std::string kv_name_;
  std::string name_;   // a label turned into a field name
  std::string value_;  // a value continued over several lines
  std::vector<std::string_view> order_, seen_;
  std::vector<Cand> cands_;
  std::vector<std::pair<long, long>> multi_, single_;
};

}  // namespace splinter::io
