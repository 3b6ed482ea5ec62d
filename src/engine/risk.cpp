#include "engine/risk.h"

#include "cim/datamodel.h"
#include "common/timefmt.h"
#include "engine/hunt.h"

namespace splinter::engine {

void for_each_risk_event(const DetectionResult& dr, const std::function<void(const RiskEvent&)>& f) {
  const content::Detection& d = *dr.detection;
  // ESCU turns on risk-based alerting for TTP and Anomaly detections, not for Hunting
  // searches (nor for an ad-hoc --spl search).
  if (!d.creates_risk()) return;
  std::vector<std::string> threat_values, threat_types;
  for (const Row& row : dr.rows) {
    const std::string msg = render_message(d.message, row);
    threat_values.clear();
    threat_types.clear();
    for (auto& t : d.threat_objects)
      if (const Value* v = row.get(t.field))
        for (auto& x : v->texts()) threat_values.push_back(x), threat_types.push_back(t.type);
    RiskEvent ev;
    ev.detection = &d;
    ev.row = &row;
    ev.message = &msg;
    ev.threat_values = &threat_values;
    ev.threat_types = &threat_types;
    for (auto& ro : d.risk_objects) {
      const Value* v = row.get(ro.field);
      if (!v) continue;
      ev.entity = &ro;
      ev.score = ro.score > 0 ? ro.score : d.score();
      for (auto& obj : v->texts()) {
        ev.risk_object = obj;
        f(ev);
      }
    }
  }
}

std::string render_message(const std::string& t, const Row& row) {
  std::string out;
  size_t i = 0;
  while (i < t.size()) {
    size_t a = t.find('$', i);
    if (a == std::string::npos) break;
    size_t b = t.find('$', a + 1);
    if (b == std::string::npos) break;
    std::string name = t.substr(a + 1, b - a - 1);
    const Value* v = row.get(name);
    out += t.substr(i, a - i);
    if (v && !v->is_null()) {
      auto xs = v->texts();
      for (size_t k = 0; k < xs.size(); ++k) out += (k ? "," : "") + xs[k];
      i = b + 1;
    } else {
      out += '$' + name;
      i = b;  // the closing '$' may open the next token
    }
  }
  out += t.substr(i);
  return out;
}

int64_t risk_time_us(const Row& row) {
  for (const char* name : {"_time", "firstTime", "lastTime"}) {
    const Value* v = row.get(name);
    if (!v || v->is_null()) continue;
    int64_t t;
    if (v->as_time_us(t)) return t;
    if (v->type != Value::Type::Str) continue;
    // security_content_ctime's format, then convert ctime's default.
    if (parse_time_us(v->str, "%Y-%m-%dT%H:%M:%S", t) || parse_time_us(v->str, kSplunkDefaultTimeFormat, t)) return t;
  }
  return io::kNoTime;
}

static std::string joined(const std::vector<std::string>& xs) {
  std::string o;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i) o += cim::kRiskMultiSeparator;
    o += xs[i];
  }
  return o;
}

void to_event(const RiskEvent& r, io::Event& out) {
  const content::Detection& d = *r.detection;
  out.clear();
  out.format = io::EventFormat::Risk;
  out.time_us = risk_time_us(*r.row);
  out.add("EventID", cim::kRiskEventId);
  out.add("Channel", cim::kRiskChannel);
  const std::string search_name = d.search_name();
  out.add("source", search_name);
  out.add("sourcetype", "stash");
  out.add("search_name", search_name);
  out.add("risk_object", r.risk_object);
  out.add("risk_object_type", r.entity->type);
  out.add("risk_score", format_number(r.score));
  out.add("risk_message", *r.message);
  out.add("analyticstories", joined(d.analytic_stories));
  out.add("annotations.mitre_attack.mitre_technique_id", joined(d.mitre_attack_ids));
  if (!r.threat_values->empty()) {
    out.add("threat_object", joined(*r.threat_values));
    out.add("threat_object_type", joined(*r.threat_types));
  }
}

}  // namespace splinter::engine
