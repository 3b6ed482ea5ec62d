// Risk events as Enterprise Security's risk action writes them to the risk index: one
// per result row and risk object value of a detection that creates risk. The --risk
// output (output/writers.h) and the Risk.All_Risk data model of the same run (read by
// ESCU's Correlation searches, see engine/hunt.cpp) are both made from these.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/value.h"
#include "content/detection.h"
#include "io/event.h"

namespace splinter::engine {

struct DetectionResult;

struct RiskEvent {
  const content::Detection* detection = nullptr;
  const Row* row = nullptr;                     // the result row
  const content::RiskEntity* entity = nullptr;  // the risk object's rba entry
  std::string risk_object;                      // one value of the entity's field
  double score = 0;                             // the entity's score, else the detection's
  const std::string* message = nullptr;         // rendered for the row
  const std::vector<std::string>* threat_values = nullptr;  // the row's threat objects
  const std::vector<std::string>* threat_types = nullptr;   // and their types, pairwise
};

// Calls f for every risk event of dr, rows in order, then risk objects in rba order and
// values in field order. Nothing for detections that do not create risk (Hunting,
// ad-hoc searches, no risk objects).
void for_each_risk_event(const DetectionResult& dr, const std::function<void(const RiskEvent&)>& f);

// "$field$" tokens replaced by the row's values (a missing field keeps its token).
std::string render_message(const std::string& tmpl, const Row& row);

// The time of a risk event. ES stamps a risk event with its result's _time, or with
// the time the search ran when the result has none (tstats results grouped without
// _time). splinter has no meaningful run time, and a run over old logs should place risk
// where its evidence is: _time, else firstTime, else lastTime (epoch numbers, or text
// as ESCU's security_content_ctime writes it, "%Y-%m-%dT%H:%M:%S", or convert ctime's
// default "%m/%d/%Y %H:%M:%S", read in the --tz zone it was written in). io::kNoTime
// when the row has none of them.
int64_t risk_time_us(const Row& row);

// The risk event as an event of the Risk.All_Risk dataset (cim/mappings.cpp): fields
// named as in the risk index, multivalue ones one value per line. `out` is cleared first.
void to_event(const RiskEvent& r, io::Event& out);

}  // namespace splinter::engine
