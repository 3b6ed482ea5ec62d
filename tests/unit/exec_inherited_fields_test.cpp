// The fields every data model dataset inherits from the base event (host, source,
// sourcetype, _time): tstats reads them unprefixed, with the values a raw search sees.
#include <gtest/gtest.h>

#include "exec/plan.h"
#include "exec/scanner.h"
#include "spl/parser.h"

using namespace splinter;
using namespace splinter::exec;

namespace {
io::Event sysmon1(const char* computer, const char* image) {
  io::Event e;
  e.add("EventID", "1");
  e.add("Channel", "Microsoft-Windows-Sysmon/Operational");
  e.add("Computer", computer);
  e.add("Image", image);
  e.time_us = 1'700'000'000'000'000;
  return e;
}
io::Event security4688(const char* computer, const char* process) {
  io::Event e;
  e.add("EventID", "4688");
  e.add("Channel", "Security");
  e.add("Computer", computer);
  e.add("NewProcessName", process);
  e.time_us = 1'700'000'100'000'000;
  return e;
}

std::vector<std::string> run(const char* spl, const std::vector<io::Event>& events) {
  auto plan = compile_plan(spl::parse_pipeline(spl));
  Scanner s;
  s.add(plan.get());
  for (auto& e : events) s.on_event(e);
  std::vector<std::string> out;
  for (auto& r : run_row_ops(*plan, s.rows(0))) {
    std::string line;
    for (auto& [k, v] : r.fields) {
      std::string t;
      for (auto& x : v.texts()) t += (t.empty() ? "" : "|") + x;
      line += (line.empty() ? "" : " ") + k + "=" + (v.is_null() ? "<null>" : t);
    }
    out.push_back(line);
  }
  return out;
}

using Rows = std::vector<std::string>;
}  // namespace

TEST(InheritedFields, TstatsGroupsAndFiltersOnThem) {
  std::vector<io::Event> ev = {sysmon1("WS1", "C:\\a\\cmd.exe"), sysmon1("WS2", "C:\\a\\cmd.exe"),
                               security4688("SRV", "C:\\a\\whoami.exe")};
  EXPECT_EQ(run("| tstats count from datamodel=Endpoint.Processes by host", ev),
            (Rows{"host=SRV count=1", "host=WS1 count=1", "host=WS2 count=1"}));
  EXPECT_EQ(run("| tstats count from datamodel=Endpoint.Processes by source sourcetype", ev),
            (Rows{"source=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational sourcetype=XmlWinEventLog count=2",
                  "source=XmlWinEventLog:Security sourcetype=XmlWinEventLog count=1"}));
  EXPECT_EQ(run("| tstats count values(host) as h from datamodel=Endpoint.Processes where source=*sysmon* by "
                "Processes.process_name",
                ev),
            (Rows{"Processes.process_name=cmd.exe count=2 h=WS1|WS2"}));
  EXPECT_EQ(run("| tstats dc(host) as hosts from datamodel=Endpoint.Processes where sourcetype=xmlwineventlog", ev),
            (Rows{"hosts=3"}));
}

TEST(InheritedFields, TstatsAndRawSearchAgree) {
  // A raw field of the same name does not hide Splunk's metadata, in either search.
  io::Event e = sysmon1("WS1.corp", "C:\\a\\cmd.exe");
  e.add("host", "ws1");
  std::vector<io::Event> ev = {e};
  Rows want{"host=WS1.corp source=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational sourcetype=XmlWinEventLog "
            "count=1"};
  EXPECT_EQ(run("| tstats count from datamodel=Endpoint.Processes by host source sourcetype", ev), want);
  EXPECT_EQ(run("EventID=1 host=WS1.corp | stats count by host source sourcetype", ev), want);
  EXPECT_EQ(run("EventID=1 | table host", ev), Rows{"host=WS1.corp"});
}

TEST(InheritedFields, PrefixedNameIsNotAField) {
  auto plan = compile_plan(spl::parse_pipeline("| tstats count from datamodel=Endpoint.Processes by Processes.host"));
  ASSERT_EQ(plan->group.by.size(), 1u);
  EXPECT_LT(plan->group.by[0], 0);
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("inherited field is host"), std::string::npos) << plan->warnings[0];
  EXPECT_EQ(run("| tstats fillnull_value=null count from datamodel=Endpoint.Processes by Processes.host",
                {sysmon1("WS1", "C:\\a\\cmd.exe")}),
            Rows{"Processes.host=null count=1"});
}

TEST(InheritedFields, TimeSpan) {
  std::vector<io::Event> ev = {sysmon1("WS1", "C:\\a\\cmd.exe"), security4688("SRV", "C:\\a\\whoami.exe")};
  EXPECT_EQ(run("| tstats count from datamodel=Endpoint.Processes by host _time span=1d", ev),
            (Rows{"host=SRV _time=1699920000 count=1", "host=WS1 _time=1699920000 count=1"}));
}
