// The fields every dataset inherits from the base event (host, source, sourcetype):
// available on every dataset's Record, never under the dataset prefix.
#include <gtest/gtest.h>

#include "cim/datamodel.h"

using namespace splinter;

namespace {
std::string text(const Value* v) { return v ? v->text() : "<null>"; }
}  // namespace

TEST(CimInherited, EveryDatasetHasTheMetadataFields) {
  io::Event e;
  e.add("EventID", "1");
  e.add("Channel", "Security");
  e.add("Computer", "WS1.corp");
  for (auto& d : cim::datasets()) {
    cim::Record rec;
    rec.reset(&e, &cim::source_mappings().front(), &d);
    EXPECT_EQ(text(rec.get(d.metadata_index("host"))), "WS1.corp") << d.name;
    EXPECT_EQ(text(rec.get(d.metadata_index("source"))), "XmlWinEventLog:Security") << d.name;
    EXPECT_EQ(text(rec.get(d.metadata_index("sourcetype"))), "XmlWinEventLog") << d.name;
    // Distinct from the CIM fields, and not CIM fields themselves.
    for (auto f : cim::kMetadataFields) {
      EXPECT_GE(d.metadata_index(f), static_cast<int>(d.fields.size())) << f;
      EXPECT_EQ(d.field_index(f), -1) << f;
    }
    EXPECT_EQ(d.metadata_index("dest"), -1);
    EXPECT_EQ(d.metadata_index("_time"), -1);  // the event time, kept by the scanner
  }
}

TEST(CimInherited, MissingComputerOrChannelIsNull) {
  io::Event e;
  e.add("EventID", "1");
  e.add("ProviderName", "Microsoft-Windows-Sysmon");
  e.add("host", "raw-host");  // a raw field of that name is not Splunk's host
  Value v;
  EXPECT_TRUE(cim::metadata_value(e, "host", v));
  EXPECT_TRUE(v.is_null());
  EXPECT_TRUE(cim::metadata_value(e, "source", v));
  EXPECT_TRUE(v.is_null());
  EXPECT_TRUE(cim::metadata_value(e, "sourcetype", v));
  EXPECT_EQ(v.text(), "XmlWinEventLog");
  v = Value::of(std::string("kept"));
  EXPECT_FALSE(cim::metadata_value(e, "dest", v));
  EXPECT_EQ(v.text(), "kept");
}

// Splunk labels classic text records WinEventLog; XML, EVTX and JSON ones XmlWinEventLog.
TEST(CimInherited, SourcetypeFollowsTheRendering) {
  io::Event e;
  e.add("EventID", "4688");
  e.add("Channel", "Security");
  const std::pair<io::EventFormat, std::string> cases[] = {
      {io::EventFormat::Classic, "WinEventLog"},
      {io::EventFormat::Xml, "XmlWinEventLog"},
      {io::EventFormat::Evtx, "XmlWinEventLog"},
      {io::EventFormat::Json, "XmlWinEventLog"},
  };
  for (auto& [format, sourcetype] : cases) {
    e.format = format;
    Value v;
    EXPECT_TRUE(cim::metadata_value(e, "sourcetype", v));
    EXPECT_EQ(v.text(), sourcetype);
    EXPECT_TRUE(cim::metadata_value(e, "source", v));
    EXPECT_EQ(v.text(), sourcetype + ":Security");
  }
  e.clear();  // a reused event goes back to the XML default
  EXPECT_EQ(e.format, io::EventFormat::Xml);
}
